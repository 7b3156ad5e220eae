"""Stages: ``$default`` at the API root or a named stage served under ``/name``."""

from __future__ import annotations

import re

from pytest_apigw.access_log import check_format
from pytest_apigw.spec._base import Construct, expect_bool, string_map
from pytest_apigw.spec.throttle import ThrottleSettings
from pytest_apigw.spec.throttle import route_throttles as route_throttles_of

DEFAULT_STAGE = "$default"
#: "Stage variables per stage: 100" (HTTP API quotas; cannot be increased).
MAX_STAGE_VARIABLES = 100
_STAGE_NAME_RE = re.compile(r"^[A-Za-z0-9\-._]{1,128}\Z")
_VAR_NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,64}\Z")
_VAR_VALUE_RE = re.compile(r"^[A-Za-z0-9\-._~:/?#&=,]{0,2048}\Z")


class Stage(Construct):
    """Base of ``HttpStage`` and ``WebSocketStage``."""

    def __init__(
        self,
        id: str,  # noqa: A002
        *,
        stage_name: str,
        auto_deploy: bool,
        stage_variables: dict[str, str] | None,
        throttle: ThrottleSettings | None = None,
        route_throttles: dict[str, ThrottleSettings] | None = None,
        access_log_format: str | None = None,
    ) -> None:
        super().__init__(id)
        if stage_name != DEFAULT_STAGE and not (
            isinstance(stage_name, str) and _STAGE_NAME_RE.match(stage_name)
        ):
            raise self.error(
                f"stage_name {stage_name!r} must be '$default' or 1-128 letters, digits, "
                "'-', '.' or '_'"
            )
        self.stage_name = stage_name
        self.auto_deploy = expect_bool(self.label, "auto_deploy", auto_deploy)
        if throttle is not None and not isinstance(throttle, ThrottleSettings):
            raise self.error(f"throttle must be a ThrottleSettings, got {throttle!r}")
        #: The routes' default limits (``DefaultRouteSettings``), ``None``: the account's.
        self.throttle = throttle
        #: Per-route limits by route key (``RouteSettings``), over :attr:`throttle`.
        self.route_throttles = route_throttles_of(self.label, route_throttles)
        variables = string_map(self.label, "stage_variables", stage_variables)
        if len(variables) > MAX_STAGE_VARIABLES:
            raise self.error(f"{len(variables)} stage variables; AWS allows at most {MAX_STAGE_VARIABLES} "
                             "per stage (quota, cannot be raised)")
        for name, value in variables.items():
            if not _VAR_NAME_RE.match(name):
                raise self.error(
                    f"stage variable name {name!r} must be 1-64 letters, digits or '_'"
                )
            if not _VAR_VALUE_RE.match(value):
                raise self.error(
                    f"stage variable {name!r} value {value!r} may only hold letters, digits and "
                    "-._~:/?#&=, (at most 2048 characters)"
                )
        self.stage_variables = variables
        #: ``AccessLogSettings.Format``: one line per request, ``$context`` variables filled in.
        self.access_log_format = check_format(self.label, access_log_format)

    @property
    def path_prefix(self) -> str:
        """``""`` for ``$default``, ``"/name"`` for a named stage."""
        return "" if self.stage_name == DEFAULT_STAGE else f"/{self.stage_name}"


class StagedApi(Construct):
    """What HTTP and WebSocket APIs share: their stages and a version bumped on every change
    (auto-deploy stages of a live deployment follow it)."""

    def __init__(self, id: str) -> None:  # noqa: A002
        super().__init__(id)
        self.stages: list[Stage] = []
        self.version = 0

    def _add_stage(self, stage: Stage) -> None:
        if any(s.stage_name == stage.stage_name for s in self.stages):
            raise self.error(f"stage {stage.stage_name!r} already exists (ConflictException)")
        self.stages.append(stage)
        self.version += 1
