"""Parameter mapping (``http-api-parameter-mapping.md``): CDK's ``ParameterMapping`` and ``MappingValue``.

A mapping is a dict of *key* → *value* strings, exactly as AWS stores ``RequestParameters`` and
``ResponseParameters``::

    ParameterMapping()
        .append_header("x-request-id", MappingValue.context_variable("requestId"))
        .remove_header("x-internal")
        .overwrite_path(MappingValue.request_path())

Keys are ``append|overwrite|remove:header.NAME``, ``append|overwrite|remove:querystring.NAME``,
``overwrite:path`` (request) and ``append|overwrite|remove:header.NAME``,
``overwrite:statuscode`` (response, per status code). Reserved headers are refused here, at
construction, with AWS's reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from pytest_apigw.errors import SpecError

#: Headers that AWS forbids in any mapping ("Reserved headers"); ``*`` is a prefix wildcard.
RESERVED_HEADERS = (
    "access-control-*", "apigw-*", "authorization", "connection", "content-encoding",
    "content-length", "content-location", "forwarded", "keep-alive", "origin",
    "proxy-authenticate", "proxy-authorization", "te", "trailers", "transfer-encoding",
    "upgrade", "x-amz-*", "x-amzn-*", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
    "via",
)

_KEY_RE = re.compile(
    r"^(append|overwrite|remove):(header|querystring)\.(.+)\Z|^overwrite:(path|statuscode)\Z"
)
_HEADER_NAME_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")


def reserved_header(name: str) -> bool:
    """True when ``name`` is one of AWS's reserved headers (case-insensitive)."""
    lowered = name.lower()
    return any(
        lowered.startswith(r[:-1]) if r.endswith("*") else lowered == r for r in RESERVED_HEADERS
    )


class MappingValue:
    """A mapping value: a ``$request.*``/``$response.*``/``$context.*``/``$stageVariables.*``
    selector, static text, or several in one string with ``${...}``."""

    NONE: ClassVar[MappingValue]

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise SpecError("MappingValue", f"value must be a str, got {value!r}")
        self.value = value

    @staticmethod
    def request_header(name: str) -> MappingValue:
        """``$request.header.NAME`` (repeated headers joined with commas)."""
        return MappingValue(f"$request.header.{name}")

    @staticmethod
    def request_query_string(name: str) -> MappingValue:
        """``$request.querystring.NAME`` (repeated keys joined with commas)."""
        return MappingValue(f"$request.querystring.{name}")

    @staticmethod
    def request_body(name: str) -> MappingValue:
        """``$request.body.NAME``: a simple JSON path into the request body."""
        return MappingValue(f"$request.body.{name}")

    @staticmethod
    def request_path() -> MappingValue:
        """``$request.path``: the request path without the stage segment."""
        return MappingValue("$request.path")

    @staticmethod
    def request_path_param(name: str) -> MappingValue:
        """``$request.path.NAME``: a path parameter of the matched route."""
        return MappingValue(f"$request.path.{name}")

    @staticmethod
    def response_header(name: str) -> MappingValue:
        """``$response.header.NAME`` (response mappings only)."""
        return MappingValue(f"$response.header.{name}")

    @staticmethod
    def response_body(name: str) -> MappingValue:
        """``$response.body.NAME`` (response mappings only)."""
        return MappingValue(f"$response.body.{name}")

    @staticmethod
    def context_variable(name: str) -> MappingValue:
        """``$context.NAME``, e.g. ``requestId``, ``stage``, ``identity.sourceIp``."""
        return MappingValue(f"$context.{name}")

    @staticmethod
    def stage_variable(name: str) -> MappingValue:
        """``$stageVariables.NAME``."""
        return MappingValue(f"$stageVariables.{name}")

    @staticmethod
    def custom(value: str) -> MappingValue:
        """Static text, or any mix of selectors written with ``${...}``."""
        return MappingValue(value)

    def __repr__(self) -> str:
        return f"MappingValue({self.value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MappingValue) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)


#: The value of a ``remove:`` key (AWS stores ``''``).
MappingValue.NONE = MappingValue("")


def check_key(owner: str, key: str, *, response: bool) -> None:
    """Raise a :class:`SpecError` unless ``key`` is valid (and not a reserved header)."""
    match = _KEY_RE.match(key) if isinstance(key, str) else None
    where = "response" if response else "request"
    if match is None:
        others = ", overwrite:statuscode" if response else (
            ", append|overwrite|remove:querystring.NAME or overwrite:path")
        raise SpecError(owner, f"{key!r} is not a {where} mapping key: use "
                        f"append|overwrite|remove:header.NAME{others}")
    kind = match.group(2) or match.group(4)
    if response and kind in ("querystring", "path") or not response and kind == "statuscode":
        raise SpecError(owner, f"{key!r} is not allowed in a {where} mapping")
    if kind == "header":
        name = match.group(3)
        if not _HEADER_NAME_RE.match(name):
            raise SpecError(owner, f"{name!r} in {key!r} is not a valid header name")
        if reserved_header(name):
            raise SpecError(
                owner,
                f"Invalid mapping expression specified: Operations on header {name.lower()} are "
                f"restricted ({name!r} is a reserved header; see 'Reserved headers' in "
                "http-api-parameter-mapping.md)",
            )


class ParameterMapping:
    """Builder of a mapping (CDK's ``ParameterMapping``); ``.mappings`` is the key → value dict."""

    def __init__(self) -> None:
        self.mappings: dict[str, str] = {}

    @staticmethod
    def from_object(obj: Mapping[str, MappingValue | str]) -> ParameterMapping:
        """A mapping from ``{key: MappingValue}`` (keys as AWS writes them)."""
        mapping = ParameterMapping()
        for key, value in obj.items():
            mapping.custom(key, value.value if isinstance(value, MappingValue) else value)
        return mapping

    def _set(self, key: str, value: MappingValue) -> ParameterMapping:
        if not isinstance(value, MappingValue):
            raise SpecError("ParameterMapping", f"value for {key!r} must be a MappingValue, got {value!r}")
        return self.custom(key, value.value)

    def append_header(self, name: str, value: MappingValue) -> ParameterMapping:
        """``append:header.NAME``: add a value to the header."""
        return self._set(f"append:header.{name}", value)

    def overwrite_header(self, name: str, value: MappingValue) -> ParameterMapping:
        """``overwrite:header.NAME``: replace the header."""
        return self._set(f"overwrite:header.{name}", value)

    def remove_header(self, name: str) -> ParameterMapping:
        """``remove:header.NAME``."""
        return self.custom(f"remove:header.{name}", "")

    def append_query_string(self, name: str, value: MappingValue) -> ParameterMapping:
        """``append:querystring.NAME``."""
        return self._set(f"append:querystring.{name}", value)

    def overwrite_query_string(self, name: str, value: MappingValue) -> ParameterMapping:
        """``overwrite:querystring.NAME``."""
        return self._set(f"overwrite:querystring.{name}", value)

    def remove_query_string(self, name: str) -> ParameterMapping:
        """``remove:querystring.NAME``."""
        return self.custom(f"remove:querystring.{name}", "")

    def overwrite_path(self, value: MappingValue) -> ParameterMapping:
        """``overwrite:path``: the path sent to the integration."""
        return self._set("overwrite:path", value)

    def overwrite_status_code(self, value: MappingValue | int) -> ParameterMapping:
        """``overwrite:statuscode`` (response mappings only)."""
        text = value.value if isinstance(value, MappingValue) else str(value)
        return self.custom("overwrite:statuscode", text)

    def custom(self, key: str, value: str) -> ParameterMapping:
        """Any ``key`` → ``value`` (checked here, without knowing request vs response yet)."""
        if not isinstance(value, str):
            raise SpecError("ParameterMapping", f"value for {key!r} must be a str, got {value!r}")
        check_key("ParameterMapping", key, response=key == "overwrite:statuscode")
        self.mappings[key] = value
        return self

    def __repr__(self) -> str:
        return f"ParameterMapping({self.mappings!r})"


def request_mapping(owner: str, value: object) -> dict[str, str] | None:
    """Validate an integration's ``parameter_mapping`` (a ``ParameterMapping`` or a dict)."""
    if value is None:
        return None
    mappings = _as_dict(owner, "parameter_mapping", value)
    for key in mappings:
        check_key(owner, key, response=False)
    return mappings


def response_mappings(owner: str, value: object) -> dict[int, dict[str, str]]:
    """Validate ``response_parameter_mapping``: ``{status code: ParameterMapping or dict}``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SpecError(owner, f"response_parameter_mapping must map status codes to mappings, got {value!r}")
    result: dict[int, dict[str, str]] = {}
    for status, mapping in value.items():
        try:
            code = int(status)
        except (TypeError, ValueError):
            code = 0
        if not 200 <= code <= 599:
            raise SpecError(owner, f"response mapping status code {status!r} must be from 200 to 599")
        entries = _as_dict(owner, f"response_parameter_mapping[{status!r}]", mapping)
        for key, val in entries.items():
            check_key(owner, key, response=True)
            if key == "overwrite:statuscode" and not val.startswith("$") and not (
                val.isdigit() and 100 <= int(val) <= 599
            ):
                raise SpecError(owner, f"overwrite:statuscode value {val!r} must be a status code (100-599)")
        result[code] = entries
    return result


def _as_dict(owner: str, name: str, value: object) -> dict[str, str]:
    if isinstance(value, ParameterMapping):
        return dict(value.mappings)
    if isinstance(value, Mapping):
        out = {}
        for key, val in value.items():
            val = val.value if isinstance(val, MappingValue) else val
            if not isinstance(key, str) or not isinstance(val, str):
                raise SpecError(
                    owner, f"{name} must map str keys to str or MappingValue, got {key!r}: {val!r}"
                )
            out[key] = val
        return out
    raise SpecError(owner, f"{name} must be a ParameterMapping or a dict, got {type(value).__name__}")
