"""A function's layers as Lambda serves them: extracted, in order, into one folder (its ``/opt``).

Lambda extracts a function's layers into ``/opt`` in the order the function lists them; a file
in a later layer replaces the same file of an earlier one (folders are merged). Each runtime then
finds its part of ``/opt`` (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html):
Python imports from ``/opt/python/lib/python3.x/site-packages`` then ``/opt/python``, after the
function's own code (https://docs.aws.amazon.com/lambda/latest/dg/python-package.html, the
search path); Node.js has ``NODE_PATH=/opt/nodejs/node<major>/node_modules:/opt/nodejs/node_modules``;
every runtime has ``/opt/bin`` on ``PATH`` and ``/opt/lib`` on ``LD_LIBRARY_PATH``.

The emulator cannot write to ``/opt``: each distinct list of layers gets its own folder under a
private temporary directory, made once and removed by :meth:`LayerFolders.close`; a function
with a single directory layer has nothing to merge and is served from that directory in place.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_apigw.spec.function import Function
    from pytest_apigw.spec.layer import LayerVersion


def folder_modules(folder: str | Path) -> dict[str, str]:
    """``{top-level module name: its file or folder}`` importable from ``folder`` (modules,
    compiled ones too, and packages; ``*.dist-info``, ``*.egg-info`` and caches left out)."""
    found: dict[str, str] = {}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        name = entry.name.split(".", 1)[0]
        if entry.is_dir() and ("." in entry.name or entry.name == "__pycache__"):
            continue  # *.dist-info, *.egg-info, caches
        if not entry.is_dir() and not entry.name.endswith((".py", ".so", ".pyd")):
            continue
        if name.isidentifier():
            found.setdefault(name, entry.path)
    return found


def _extract_zip(archive_path: Path, target: Path) -> None:
    """Unzip over ``target`` (later files replace earlier ones), keeping the executable bit
    (Lambda keeps a zip entry's Unix permissions: a layer's ``bin/`` tools stay runnable)."""
    made: set[Path] = set()
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            parts = PurePosixPath(info.filename).parts
            if not parts or info.filename.startswith("/") or ".." in parts:
                continue  # an entry escaping the layer's root is never extracted
            destination = target.joinpath(*parts)
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            if destination.parent not in made:
                destination.parent.mkdir(parents=True, exist_ok=True)
                made.add(destination.parent)
            if os.path.lexists(destination):
                destination.unlink()
            with archive.open(info) as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out)
            mode = (info.external_attr >> 16) & 0o777
            if mode & 0o111:
                os.chmod(destination, mode | stat.S_IRUSR | stat.S_IWUSR)


def _copy_dir(layer: LayerVersion, target: Path) -> None:
    made: set[Path] = set()
    for name, path in layer.files():
        destination = target / name
        if destination.parent not in made:
            destination.parent.mkdir(parents=True, exist_ok=True)
            made.add(destination.parent)
        if os.path.lexists(destination):
            destination.unlink()
        try:  # a hard link: nothing copied (/opt is read-only on Lambda, so nothing writes to it)
            os.link(path, destination)
        except OSError:  # another filesystem, or links not allowed: copy
            shutil.copy2(path, destination)


def extract(layers: tuple[LayerVersion, ...], target: Path) -> None:
    """Extract ``layers`` into ``target`` in order (a later layer's file wins)."""
    target.mkdir(parents=True, exist_ok=True)
    for layer in layers:
        if layer.is_zip:
            _extract_zip(layer.code, target)
        else:
            _copy_dir(layer, target)


def python_version(runtime: str) -> str:
    """``python3.12`` → ``python3.12``; another runtime (a Python test double standing in for a
    Node.js function) → the ``python3.x`` folder name of Lambda's default, ``python3.11``."""
    return runtime if runtime.startswith("python3.") else "python3.11"


class OptFolder:
    """One function's ``/opt``: the extracted layers and the paths each runtime searches."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def python_paths(self, runtime: str) -> list[str]:
        """Python's import folders, first searched first (only those that exist)."""
        candidates = [self.root / "python" / "lib" / python_version(runtime) / "site-packages",
                      self.root / "python"]
        return [str(path) for path in candidates if path.is_dir()]

    def python_modules(self, runtime: str) -> dict[str, str]:
        """``{top-level module name: its file or folder}`` the layers make importable (the first
        search path that has a name wins, as for ``import``)."""
        found: dict[str, str] = {}
        for folder in self.python_paths(runtime):
            for name, path in folder_modules(folder).items():
                found.setdefault(name, path)
        return found

    def node_paths(self, runtime: str) -> list[str]:
        """Node.js's ``NODE_PATH`` folders for ``nodejs<major>.x``."""
        major = runtime.removeprefix("nodejs").split(".")[0]
        return [str(self.root / "nodejs" / f"node{major}" / "node_modules"),
                str(self.root / "nodejs" / "node_modules")]

    def environment(self, function: Function, env: dict[str, str]) -> dict[str, str]:
        """``env`` with the layers' ``bin`` on ``PATH``, ``lib`` on ``LD_LIBRARY_PATH`` and, for a
        Node.js function, ``nodejs/.../node_modules`` on ``NODE_PATH``."""
        out = dict(env)
        if (self.root / "bin").is_dir():
            out["PATH"] = os.pathsep.join(p for p in (str(self.root / "bin"), env.get("PATH", "")) if p)
        if (self.root / "lib").is_dir():  # last, as on Lambda (only when the layers have one: a
            # layer's lib/ would otherwise come before this machine's own libraries)
            out["LD_LIBRARY_PATH"] = os.pathsep.join(
                p for p in (env.get("LD_LIBRARY_PATH", ""), str(self.root / "lib")) if p)
        if function.runtime.startswith("nodejs"):
            out["NODE_PATH"] = os.pathsep.join(
                [*self.node_paths(function.runtime), *filter(None, [env.get("NODE_PATH", "")])])
        return out


class LayerFolders:
    """The ``/opt`` folders of a runtime's functions, one per distinct list of layers."""

    def __init__(self) -> None:
        self._root: Path | None = None
        self._made: dict[tuple[LayerVersion, ...], OptFolder] = {}

    def opt(self, function: Function) -> OptFolder | None:
        """``function``'s ``/opt`` (extracted on first use), or ``None`` when it has no layers."""
        layers = function.layers
        if not layers:
            return None
        if layers not in self._made:  # keyed by the layer objects themselves (identity)
            if len(layers) == 1 and not layers[0].is_zip:  # nothing to merge: served in place
                self._made[layers] = OptFolder(layers[0].code)
                return self._made[layers]
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="pytest-apigw-opt-"))
            folder = self._root / f"opt-{len(self._made)}"
            extract(layers, folder)
            self._made[layers] = OptFolder(folder)
        return self._made[layers]

    def close(self) -> None:
        """Remove every extracted folder."""
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
        self._root = None
        self._made.clear()
