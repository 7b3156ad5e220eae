"""``upstreams=``: where a test serves what the template points at outside the test.

Keys are an HTTP proxy integration's URL (or a URL prefix), a JWT authorizer's issuer (or a
prefix of it: the issuer is replaced whole), or the logical id / CDK construct id / construct
path of a load balancer, listener, target group or Cloud Map service; values are a loopback URL
(``"http://127.0.0.1:PORT"``) or a list of them (several targets or instances).
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from pytest_apigw.errors import SpecError


class Upstreams:
    """The ``upstreams=`` option, validated, and which of its keys were used."""

    def __init__(self, given: Mapping[str, Any] | None) -> None:
        self._by_key: dict[str, list[str]] = {}
        for key, value in (given or {}).items():
            urls = [value] if isinstance(value, str) else list(value) if isinstance(value, Iterable) else None
            if not isinstance(key, str) or not urls or not all(isinstance(u, str) for u in urls):
                raise SpecError(
                    "load_template", f"upstreams={{{key!r}: {value!r}}}: map a URL, logical id or construct "
                    "id to a loopback URL such as 'http://127.0.0.1:8080' (or a list of them)"
                )
            for url in urls:
                parts = urlsplit(url)
                if parts.scheme not in ("http", "https") or not parts.hostname:
                    raise SpecError("load_template", f"upstreams[{key!r}]: {url!r} is not an http(s) URL")
            self._by_key[key] = urls
        self.used: set[str] = set()
        #: What the template offered: HTTP proxy URLs and the names of LBs, listeners, target
        #: groups and services (for the message when a key matches nothing).
        self.offered: set[str] = set()

    def _match(self, url: str) -> str | None:
        """The longest key that is ``url`` or a prefix of it (noted as used), if any."""
        self.offered.add(url)
        matches = [key for key in self._by_key if _prefix_of(key, url)]
        if not matches:
            return None
        key = max(matches, key=len)
        self.used.add(key)
        return key

    def url_for(self, url: str) -> str:
        """An HTTP proxy URL with the longest matching key (the URL or a prefix) replaced."""
        key = self._match(url)
        if key is None:
            return url
        return self._by_key[key][0].rstrip("/") + url[len(key):] if url != key else self._by_key[key][0]

    def issuer_for(self, issuer: str) -> str:
        """A JWT authorizer's issuer, replaced whole by the value of a key that is the issuer or
        a prefix of it (``"https://cognito-idp.us-east-1.amazonaws.com"``: every user pool's
        tokens come from the test's own issuer)."""
        key = self._match(issuer)
        return issuer if key is None else self._by_key[key][0]

    def endpoints_for(self, names: set[str]) -> list[tuple[str, int]] | None:
        """``(ip, port)`` of every URL given for a resource known by any of ``names``."""
        self.offered |= {name for name in names if "/" not in name or name.count("/") < 3}
        for key in self._by_key:
            if key in names:
                self.used.add(key)
                return [_endpoint(key, url) for url in self._by_key[key]]
        return None

    def unused(self) -> list[str]:
        """Keys that matched nothing (most likely a typo in the test)."""
        return sorted(set(self._by_key) - self.used)


def _prefix_of(key: str, url: str) -> bool:
    """``key`` is ``url`` or a prefix ending at a boundary (``https://a.internal`` is a prefix of
    ``https://a.internal/x`` but not of ``https://a.internal.example.com``)."""
    if url == key:
        return True
    return url.startswith(key) and (key[-1:] in "/?#" or url[len(key)] in "/?#:")


def _endpoint(key: str, url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        ip = socket.gethostbyname(host) if host == "localhost" else host
    except OSError:
        ip = host
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not ip.replace(".", "").isdigit():
        raise SpecError("load_template", f"upstreams[{key!r}]: {url!r} must name an IPv4 host (127.0.0.1)")
    return ip, port
