"""Route paths, route keys and route tables of HTTP APIs.

Tables are drawn from a small vocabulary of segments and parameter names so that routes
overlap (``/pets/{id}`` beside ``/pets/dog`` beside ``/{proxy+}``) and sometimes conflict
(``GET /{a}`` beside ``GET /{b}``: AWS does not document which wins).
"""

from __future__ import annotations

import functools
import string

from hypothesis import strategies as st

__all__ = ["METHODS", "literal_segments", "route_keys", "route_paths", "route_tables"]

#: Route methods, ``ANY`` included.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")
_LITERAL_ALPHABET = string.ascii_letters + string.digits + "-._~"
_PARAM_ALPHABET = string.ascii_letters + string.digits + "_"


@functools.lru_cache(maxsize=1)  # one shared strategy (see requests._shared)
def literal_segments() -> st.SearchStrategy[str]:
    """Literal route segments AWS accepts (never ``.`` or ``..``, which clients normalise)."""
    return st.text(_LITERAL_ALPHABET, min_size=1, max_size=8).filter(lambda s: s not in (".", ".."))


@functools.lru_cache(maxsize=1)
def _param_names() -> st.SearchStrategy[str]:
    return st.text(_PARAM_ALPHABET, min_size=1, max_size=6)


@st.composite
def route_paths(
    draw: st.DrawFn,
    *,
    segments: st.SearchStrategy[str] | None = None,
    param_names: st.SearchStrategy[str] | None = None,
    max_depth: int = 4,
    params: bool = True,
    greedy: bool = True,
) -> str:
    """Route paths such as ``/``, ``/pets``, ``/pets/{id}`` or ``/files/{proxy+}``.

    ``segments`` and ``param_names`` choose the vocabulary; ``params`` and ``greedy`` allow
    ``{name}`` and a final ``{name+}``. Parameter names never repeat within a path.
    """
    segments = segments if segments is not None else literal_segments()
    param_names = param_names if param_names is not None else _param_names()
    depth = draw(st.integers(0, max_depth))
    parts: list[str] = []
    used: set[str] = set()
    for index in range(depth):
        last = index == depth - 1
        kinds = ["literal"] + (["param"] if params else []) + (["greedy"] if greedy and last else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "literal":
            parts.append(draw(segments))
            continue
        name = draw(param_names)
        while name in used:
            name += str(index)
        used.add(name)
        parts.append(f"{{{name}+}}" if kind == "greedy" else f"{{{name}}}")
    return "/" + "/".join(parts)


def route_keys(
    *,
    paths: st.SearchStrategy[str] | None = None,
    methods: st.SearchStrategy[str] | None = None,
    default: bool = True,
) -> st.SearchStrategy[str]:
    """Route keys: ``METHOD /path`` (``ANY`` included) or, when ``default``, ``$default``."""
    paths = paths if paths is not None else route_paths()
    methods = methods if methods is not None else st.sampled_from(METHODS)
    keyed = st.builds(lambda m, p: f"{m} {p}", methods, paths)
    return st.one_of(keyed, st.just("$default")) if default else keyed


@st.composite
def route_tables(
    draw: st.DrawFn,
    *,
    min_size: int = 1,
    max_size: int = 8,
    max_depth: int = 3,
    default: bool | None = None,
    greedy: bool = True,
) -> list[str]:
    """Lists of distinct route keys that overlap (and sometimes conflict) with each other.

    ``default=None`` draws whether ``$default`` is in the table; ``True``/``False`` force it.
    """
    vocabulary = draw(st.lists(literal_segments(), min_size=1, max_size=4, unique=True))
    names = draw(st.lists(_param_names(), min_size=1, max_size=3, unique=True))
    paths = route_paths(
        segments=st.sampled_from(vocabulary), param_names=st.sampled_from(names),
        max_depth=max_depth, greedy=greedy,
    )
    keys = draw(st.lists(route_keys(paths=paths, default=False), min_size=min_size,
                         max_size=max_size, unique=True))
    with_default = draw(st.booleans()) if default is None else default
    if with_default:
        keys.append("$default")
    return keys
