"""Names unique per run and per xdist worker, and the tags every resource carries."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time

TAG_PREFIX = "pytest-apigw"
_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")
#: Characters outside what every tagging API accepts (ELBv2, EC2, IAM, Cloud Map, API Gateway:
#: ``^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$``); quotes in construct labels are the usual offender.
_TAG_UNSAFE = re.compile(r"[^\w\s.:/=+\-@]+")


def tag_value(text: str) -> str:
    """``text`` as a valid tag value (at most 256 characters, no quotes or other symbols)."""
    return " ".join(_TAG_UNSAFE.sub(" ", text).split())[:256]


def worker() -> str:
    """``gw0`` under pytest-xdist, else ``main``."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class Namer:
    """Makes resource names ``apigw-<run>-<worker>-<n>-<construct>`` within AWS's length limits.

    ``run`` is random per backend instance, ``n`` counts deployments, so two runs, two workers
    or two deployments of the same spec never collide.
    """

    def __init__(self, run: str | None = None) -> None:
        self.run = run or secrets.token_hex(3)
        self.worker = worker()
        self.started = str(int(time.time()))
        self._count = 0

    def deployment(self) -> DeploymentNames:
        """Names for one more deployment."""
        self._count += 1
        return DeploymentNames(self, self._count)


class DeploymentNames:
    """Names and tags for the resources of one deployment."""

    def __init__(self, namer: Namer, number: int) -> None:
        self.namer = namer
        self.prefix = f"apigw-{namer.run}-{namer.worker}-{number}"

    def name(self, construct_id: str, limit: int = 64, sep: str = "-") -> str:
        """A name for ``construct_id``: letters, digits and ``-`` (``sep``), at most ``limit``."""
        text = _UNSAFE.sub("-", f"{self.prefix}-{construct_id}").strip("-")
        if len(text) > limit:
            digest = hashlib.sha1(text.encode()).hexdigest()[:6]
            text = text[: limit - 7].rstrip("-") + "-" + digest
        return text.replace("-", sep) if sep != "-" else text

    def tags(self, construct: str = "") -> dict[str, str]:
        """Tags that let a leftover be found: run, worker, deployment and construct."""
        tags = {
            f"{TAG_PREFIX}:run": self.namer.run,
            f"{TAG_PREFIX}:worker": self.namer.worker,
            f"{TAG_PREFIX}:deployment": self.prefix,
            f"{TAG_PREFIX}:started": self.namer.started,
        }
        if construct:
            tags[f"{TAG_PREFIX}:construct"] = tag_value(construct)
        return tags

    def tag_list(self, construct: str = "") -> list[dict[str, str]]:
        """The same tags as ``[{"Key": ..., "Value": ...}]`` (EC2, ELB, IAM, Cloud Map)."""
        return [{"Key": k, "Value": v} for k, v in self.tags(construct).items()]
