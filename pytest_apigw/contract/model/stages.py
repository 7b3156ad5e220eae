"""Stage selection (``http-api-develop-routes.md``, "Routing API requests"; ``http-api-stages.md``).

"If the request explicitly matches a stage, API Gateway sends the request to that stage. If no
stage fully matches the request, API Gateway sends the request to the ``$default`` stage. If
there's no ``$default`` stage, then the API returns ``{"message":"Not Found"}``." The
``$default`` stage "is served from the base of your API's URL", so it adds no path segment.
"""

from __future__ import annotations

from collections.abc import Iterable

DEFAULT_STAGE = "$default"


def select_stage(stage_names: Iterable[str], raw_path: str) -> tuple[str, str] | None:
    """``(stage name, stage-relative raw path)`` for a request path, or ``None``: 404.

    A named stage matches when it is the first path segment, exactly (``/dev`` and ``/dev/x``;
    never ``/devx``); ``/dev`` alone is the stage's root ``/``.
    """
    names = set(stage_names)
    first, slash, rest = raw_path[1:].partition("/")
    if first and first != DEFAULT_STAGE and first in names:
        return first, "/" + rest if slash else "/"
    if DEFAULT_STAGE in names:
        return DEFAULT_STAGE, raw_path
    return None
