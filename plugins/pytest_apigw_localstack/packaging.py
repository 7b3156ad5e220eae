"""A ``Function`` as a Lambda zip: its module (or its whole top-level package) or ``code=``.

A handler can be shipped only when Lambda can import it by name: a module-level function of
an importable module. Closures, lambdas, functions defined inside a test and functions of
``__main__`` cannot; they are a :class:`SpecError` that says what to do instead.
"""

from __future__ import annotations

import importlib.util
import inspect
import io
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_apigw.errors import SpecError
from pytest_apigw_localstack import dependencies

if TYPE_CHECKING:
    from pytest_apigw.spec.function import Function
    from pytest_apigw.spec.layer import LayerVersion

_SKIP_DIRS = {"__pycache__", ".git", ".venv", "venv", ".mypy_cache", ".pytest_cache", ".ruff_cache",
              "node_modules", ".tox"}
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # same bytes for the same sources


@dataclass(frozen=True)
class Package:
    """A deployable zip and the ``module.func`` Lambda calls."""

    zip_bytes: bytes
    handler: str
    files: tuple[str, ...]


def handler_name(function: Function) -> str:
    """``module.func`` for ``function.handler``; a clear error when it cannot be shipped."""
    handler = function.handler
    if isinstance(handler, str):
        return handler
    label = function.label
    name = getattr(handler, "__name__", None)
    qualname = getattr(handler, "__qualname__", "") or ""
    module = getattr(handler, "__module__", None)
    advice = ("define it at module level in an importable module (e.g. tests/handlers.py) or "
              "pass handler='module.func' with code='dir'")
    if not inspect.isfunction(handler):
        raise SpecError(label, f"handler {handler!r} is not a plain function, so it cannot be shipped "
                               f"to Lambda; {advice}")
    if name == "<lambda>":
        raise SpecError(label, f"handler is a lambda, which cannot be shipped to Lambda; {advice}")
    if "<locals>" in qualname or qualname != name:
        raise SpecError(label, f"handler {qualname!r} is defined inside a function or class (a "
                               f"closure), so Lambda cannot import it; {advice}")
    if handler.__closure__:
        raise SpecError(label, f"handler {qualname!r} closes over variables; {advice}")
    if not module or module == "__main__":
        raise SpecError(label, f"handler {qualname!r} lives in __main__, which Lambda cannot import; "
                               f"{advice}")
    loaded = sys.modules.get(module)
    if loaded is None or getattr(loaded, name, None) is not handler:
        raise SpecError(label, f"handler {qualname!r} is not reachable as {module}.{name}; {advice}")
    return f"{module}.{name}"


def _module_file(label: str, module: str) -> Path:
    loaded = sys.modules.get(module)
    path = getattr(loaded, "__file__", None) if loaded else None
    if path is None:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError) as exc:
            raise SpecError(label, f"handler module {module!r} cannot be found: {exc}") from None
        path = spec.origin if spec else None
    if not path or not path.endswith(".py"):
        raise SpecError(label, f"handler module {module!r} has no Python source file to ship ({path})")
    return Path(path).resolve()


def _walk(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    files = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part in _SKIP_DIRS for part in rel.parts) or path.suffix in (".pyc", ".pyo"):
            continue
        if path.is_file():
            files.append(path)
    return files


def sources(function: Function) -> tuple[Path, list[Path]]:
    """The zip root and the files to put in it."""
    if function.code is not None:
        return function.code, _walk(function.code)
    module = handler_name(function).rpartition(".")[0]
    path = _module_file(function.label, module)
    parts = module.split(".")
    if len(parts) == 1 and path.name != "__init__.py":
        return path.parent, [path]
    # part of a package: ship the whole top-level package so its imports keep working
    root = path.parent.parent if path.name == "__init__.py" else path.parent
    for _ in parts[1:]:
        root = root.parent
    return root, _walk(root / parts[0])


def package(function: Function) -> Package:
    """Build the zip of ``function`` (deterministic: fixed timestamps, sorted entries), with
    its ``requirements.txt`` installed beside the handler (``dependencies.py``)."""
    handler = handler_name(function)
    root, files = sources(function)
    entries = [(path.relative_to(root).as_posix(), path) for path in files]
    vendored = dependencies.installed(function)
    if vendored is not None:
        own = {name for name, _ in entries}
        entries += [(name, path) for name, path in
                    ((p.relative_to(vendored).as_posix(), p) for p in _walk(vendored))
                    if name not in own and not name.startswith(".pytest-apigw")]
    buffer = io.BytesIO()
    names = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, path in sorted(entries):
            info = zipfile.ZipInfo(arcname, _FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
            names.append(arcname)
    if not names:
        raise SpecError(function.label, f"nothing to package for handler {handler!r} (root {root})")
    return Package(buffer.getvalue(), handler, tuple(names))


def layer_package(layer: LayerVersion) -> bytes:
    """The zip ``PublishLayerVersion`` takes: a ``.zip`` layer as it is, a directory zipped as
    ``package`` zips code (deterministic, executables kept executable: ``bin/`` tools)."""
    if layer.is_zip:
        return layer.code.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, path in layer.files():
            info = zipfile.ZipInfo(arcname, _FIXED_TIME)
            info.external_attr = (0o755 if path.stat().st_mode & 0o111 else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    if not archive.namelist():
        raise SpecError(layer.label, f"code directory {str(layer.code)!r} is empty: a layer needs files "
                                     "(python/..., nodejs/node_modules/..., bin/...)")
    return buffer.getvalue()
