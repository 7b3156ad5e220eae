"""Requests: methods, encoded paths, repeated query keys and headers, cookies, bodies.

``requests_for(api)`` aims requests at an API's routes (filling ``{param}`` and ``{proxy+}``
with unicode values, percent-encoded) and between them, on each of its stages.

Reserved characters inside path values (``?``, ``#``, ``%``, ``/`` percent-encoded, ``;`` as is
or encoded), empty segments (``//``) and trailing slashes are drawn by :func:`requests_for`
(``awkward=True``): RFC 3986 says how they are written; AWS documents only that path
parameters are URL-decoded, so the model accepts each reading it leaves open. Kept out:
``.``/``..`` segments (clients normalise them), query keys without ``=``, bodies on
GET/HEAD/DELETE.
"""

from __future__ import annotations

import functools
import string
from typing import Any

from hypothesis import strategies as st

from pytest_apigw.strategies.routes import METHODS, literal_segments
from pytest_apigw.strategies.wire import BODY_METHODS, HttpRequest

__all__ = [
    "bodies", "cookie_headers", "header_lists", "http_methods", "http_requests", "path_segments",
    "query_params", "request_paths", "requests_for",
]

#: Headers generated requests never set: the gateway or the HTTP layer owns them.
RESERVED_HEADERS = frozenset({
    "host", "content-length", "content-type", "cookie", "connection", "transfer-encoding", "te",
    "trailer", "upgrade", "expect", "keep-alive", "proxy-connection", "authorization",
    "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id", "forwarded",
    "via", "accept-encoding", "content-encoding", "content-md5", "max-forwards",
})
_SEGMENT_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="/?#%;\\"
)
#: Reserved characters drawn inside path values by ``path_segments(reserved=True)``.
RESERVED_IN_VALUES = "?#%/;"
#: Strategy factories return one shared strategy per set of arguments (strategies are immutable):
#: Hypothesis validates a strategy the first time it draws from it, and ``requests_for`` calls
#: these at every draw, so fresh objects cost the conformance suite a second or more of validation.
_shared = functools.lru_cache(maxsize=128)
_TOKEN = string.ascii_letters + string.digits + "-"
_COOKIE_CHARS = string.ascii_letters + string.digits + "!#$&'()*+-./:<>?@[]^_`{|}~"


@_shared
def http_methods() -> st.SearchStrategy[str]:
    """Request methods (``ANY`` is a route method, never a request method)."""
    return st.sampled_from([m for m in METHODS if m != "ANY"])


@st.composite
def _encode(draw: st.DrawFn, text: str) -> str:
    out = []
    for char in text:
        if char in string.ascii_letters + string.digits + "-._~" and draw(st.integers(0, 7)) != 0:
            out.append(char)
        elif char == ";" and draw(st.booleans()):
            out.append(char)  # a sub-delimiter: valid unencoded inside a segment (RFC 3986 §3.3)
        else:
            out.append("".join(f"%{b:02X}" for b in char.encode("utf-8")))
    return "".join(out)


@_shared
def path_segments(*, reserved: bool = False) -> st.SearchStrategy[str]:
    """One percent-encoded path segment holding unicode text (sometimes over-encoded);
    ``reserved`` adds ``?#%/;`` inside the value (encoded, so they stay in the segment)."""
    text = st.text(_SEGMENT_CHARS, min_size=1, max_size=8)
    if reserved:
        text = st.one_of(_with_reserved(), text)
    return text.filter(lambda s: s not in (".", "..")).flatmap(_encode)


@st.composite
def _with_reserved(draw: st.DrawFn) -> str:
    """Text holding one or two of ``?#%/;`` among other characters."""
    chars = list(draw(st.text(_SEGMENT_CHARS, max_size=6)))
    for char in draw(st.lists(st.sampled_from(RESERVED_IN_VALUES), min_size=1, max_size=2)):
        chars.insert(draw(st.integers(0, len(chars))), char)
    return "".join(chars)


@_shared
def request_paths(
    *, segments: st.SearchStrategy[str] | None = None, max_depth: int = 4
) -> st.SearchStrategy[str]:
    """Encoded request paths: ``/`` or ``/seg/seg...`` (no empty segments)."""
    segments = segments if segments is not None else path_segments()
    return st.lists(segments, max_size=max_depth).map(lambda parts: "/" + "/".join(parts))


@_shared
def query_params(*, keys: st.SearchStrategy[str] | None = None, max_size: int = 5) -> st.SearchStrategy[tuple[tuple[str, str], ...]]:  # noqa: E501
    """Decoded ``(key, value)`` pairs; keys come from a small pool so they repeat."""
    text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)
    keys = keys if keys is not None else st.one_of(st.sampled_from(["a", "b", "q"]), text.filter(bool))
    return st.lists(st.tuples(keys, text), max_size=max_size).map(tuple)


@_shared
def header_lists(*, max_size: int = 5) -> st.SearchStrategy[tuple[tuple[str, str], ...]]:
    """Client headers, names in mixed case and sometimes repeated; never a reserved one."""
    names = st.one_of(
        st.sampled_from(["X-Probe", "x-probe", "X-Multi", "Accept", "User-Agent", "x-api-key"]),
        st.text(_TOKEN, min_size=1, max_size=10).map(lambda s: f"x-{s}"),
    ).filter(lambda n: n.lower() not in RESERVED_HEADERS)
    values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=16)
    values = values.map(str.strip).filter(bool)
    return st.lists(st.tuples(names, values), max_size=max_size).map(tuple)


@_shared
def cookie_headers(*, max_headers: int = 2, max_cookies: int = 3) -> st.SearchStrategy[tuple[str, ...]]:
    """Values of ``Cookie`` headers, each ``"a=1; b=2"``; sometimes several headers."""
    cookie = st.builds(
        "{}={}".format, st.text(_TOKEN, min_size=1, max_size=6), st.text(_COOKIE_CHARS, max_size=8)
    )
    header = st.lists(cookie, min_size=1, max_size=max_cookies).map("; ".join)
    return st.lists(header, max_size=max_headers).map(tuple)


@st.composite
def _large(draw: st.DrawFn, max_size: int) -> bytes:
    size = draw(st.integers(64 * 1024, max(64 * 1024, max_size)))
    seed = draw(st.binary(min_size=1, max_size=64))
    return (seed * (size // len(seed) + 1))[:size]


@_shared
def bodies(*, max_large: int = 256 * 1024) -> st.SearchStrategy[tuple[str | None, bytes]]:
    """``(content_type, body)``: empty, UTF-8 text, JSON, binary and large binary bodies."""
    text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=64)
    return st.one_of(
        st.just((None, b"")),
        st.tuples(st.sampled_from(["text/plain; charset=utf-8", "text/html", "application/json"]),
                  text.map(lambda t: t.encode("utf-8"))),
        st.tuples(st.sampled_from([None, "application/octet-stream", "image/png",
                                   "application/x-www-form-urlencoded"]),
                  st.binary(min_size=1, max_size=256)),
        st.tuples(st.just("application/octet-stream"), _large(max_large)) if max_large else st.nothing(),
    )


@st.composite
def http_requests(
    draw: st.DrawFn,
    *,
    methods: st.SearchStrategy[str] | None = None,
    paths: st.SearchStrategy[str] | None = None,
    queries: st.SearchStrategy[tuple[tuple[str, str], ...]] | None = None,
    headers: st.SearchStrategy[tuple[tuple[str, str], ...]] | None = None,
    cookies: st.SearchStrategy[tuple[str, ...]] | None = None,
    body: st.SearchStrategy[tuple[str | None, bytes]] | None = None,
) -> HttpRequest:
    """Whole :class:`HttpRequest` values; each part can be replaced by a strategy of your own.

    A body (and its content type) is only drawn for POST, PUT and PATCH.
    """
    method = draw(methods if methods is not None else http_methods())
    content_type, payload = None, b""
    if method in BODY_METHODS:
        content_type, payload = draw(body if body is not None else bodies())
    return HttpRequest(
        method=method,
        path=draw(paths if paths is not None else request_paths()),
        query=draw(queries if queries is not None else query_params()),
        headers=draw(headers if headers is not None else header_lists()),
        cookies=draw(cookies if cookies is not None else cookie_headers()),
        content_type=content_type,
        body=payload,
    )


@st.composite
def _aimed_path(draw: st.DrawFn, route_path: str, reserved: bool = False) -> str:
    parts = []
    for segment in route_path.strip("/").split("/") if route_path != "/" else []:
        if segment.endswith("+}"):
            parts += draw(st.lists(path_segments(reserved=reserved), min_size=1, max_size=3))
        elif segment.startswith("{"):
            parts.append(draw(path_segments(reserved=reserved)))
        else:
            parts.append(segment)
    return "/" + "/".join(parts)


@st.composite
def _awkward(draw: st.DrawFn, path: str) -> str:
    """``path`` with an empty segment (``//``) somewhere, or a trailing ``/``, or both."""
    kind = draw(st.sampled_from(["trailing", "empty", "both"]))
    # never at the start: a target beginning with "//" reads as an authority (RFC 3986 §4.2)
    slashes = [i for i, c in enumerate(path) if c == "/" and i > 0]
    if kind in ("empty", "both") and slashes:
        at = draw(st.sampled_from(slashes))
        path = path[:at] + "/" + path[at:]
    if kind in ("trailing", "both") and not path.endswith("/"):
        path += "/"
    return path


def _route_paths(api: Any) -> list[str]:
    keys = [getattr(r, "key", r) for r in (api.routes.values() if hasattr(api, "routes") else api)]
    return sorted({k.partition(" ")[2] for k in keys if k != "$default"})


@st.composite
def requests_for(
    draw: st.DrawFn,
    api: Any,
    *,
    stage: str | None = None,
    body: st.SearchStrategy[tuple[str | None, bytes]] | None = None,
    awkward: bool = False,
) -> HttpRequest:
    """Requests aimed at the routes of ``api`` (an :class:`~pytest_apigw.HttpApi`) and between
    them, on one of its stages (``stage`` fixes it) or, rarely, a stage it does not have.
    ``awkward`` sometimes puts ``?#%/;`` inside path values, an empty segment or a trailing
    slash in the path.

    Send them to :func:`~pytest_apigw.strategies.api_root` of the deployment URL::

        @given(request=requests_for(api))
        def test_no_5xx(apigw_session, request):
            with apigw_session.deployed(api) as deployment:
                assert request.send(api_root(deployment)).status < 500
    """
    names = [s.stage_name for s in api.stages]
    if stage is None:
        known = st.sampled_from(names or ["$default"])
        stage = draw(known if draw(st.integers(0, 9)) else literal_segments())
    prefix = "" if stage == "$default" else f"/{stage}"
    route_paths = _route_paths(api)
    vocabulary = sorted({s for p in route_paths for s in p.split("/") if s and not s.startswith("{")})
    between = request_paths(
        segments=st.one_of(st.sampled_from(vocabulary), path_segments()) if vocabulary else path_segments()
    )
    odd = awkward and draw(st.integers(0, 2)) == 0
    aimed = st.sampled_from(route_paths).flatmap(lambda p: _aimed_path(p, odd)) if route_paths else between
    path = draw(st.one_of(aimed, between))
    if odd and draw(st.booleans()):
        path = draw(_awkward(path))
    methods = {k.partition(" ")[0] for k in getattr(api, "routes", {}) if k != "$default"} - {"ANY"}
    method = draw(st.one_of(st.sampled_from(sorted(methods)), http_methods()) if methods else http_methods())
    full = prefix + path if path != "/" or not prefix else prefix
    return draw(http_requests(methods=st.just(method), paths=st.just(full), body=body))
