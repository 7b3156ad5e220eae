"""SAM's esbuild build method: a function with ``Metadata: {BuildMethod: esbuild}`` (TypeScript
or bundled JavaScript, what ``sam init`` writes for Node.js) is bundled as ``sam build`` bundles
it, so a test can load the template a team edits instead of ``.aws-sam/build``.

The command is the one AWS's builder (``aws-lambda-builders``, ``nodejs_npm_esbuild``) runs:
``esbuild --bundle --platform=node --outdir=OUT`` with ``--target=es2020``, ``--format=cjs`` and
``--minify`` unless ``BuildProperties`` set them, then the ``BuildProperties`` (``Minify``,
``Sourcemap``; ``Target``, ``Format``, ``MainFields``, ``SourcesContent``; ``External``,
``Loader``, ``OutExtension``, ``Banner``) and the ``EntryPoints`` (relative to the code folder; one
without a suffix is found as ``.ts`` then ``.js``; SAM CLI's default: the handler's module).
``Sourcemap: true`` also sets ``NODE_OPTIONS=--enable-source-maps`` as ``sam build`` does.
esbuild is found where SAM finds it: the project's ``node_modules/.bin`` (the code folder or a
folder above it), else ``PATH``. A folder holding the handler's ``.js`` but not its entry points
is what ``sam build`` wrote (its template keeps the ``Metadata``): it is used as it is.
Dependencies resolve from the project's ``node_modules`` as they are (no ``npm install`` here).

Each distinct build (command, esbuild, and the code folder's files outside ``node_modules``:
names, sizes, modification times) runs once per process, into a private folder removed at exit.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_apigw.templates.build import Build

_BOOLEAN = ("Minify", "Sourcemap")
_SINGLE = ("Target", "Format", "MainFields", "SourcesContent")
_MULTI = ("External", "Loader", "OutExtension", "Banner")
_DEFAULTS = {"Target": "--target=es2020", "Format": "--format=cjs", "Minify": "--minify"}
_root: Path | None = None
#: Seconds one bundle may take (esbuild takes milliseconds; a hung one must not hang the test).
BUILD_TIMEOUT = 120


def bundled(build: Build, logical_id: str, folder: Path, handler: str) -> tuple[Path, dict[str, str]]:
    """``(code folder, environment added)`` for the function ``logical_id`` whose code is in
    ``folder``: ``folder`` itself unless its ``Metadata`` asks for SAM's esbuild build (and the
    folder is not already what ``sam build`` wrote: its template keeps the ``Metadata``)."""
    metadata = build.resources[logical_id].get("Metadata") or {}
    if metadata.get("BuildMethod") != "esbuild":
        return folder, {}
    props = metadata.get("BuildProperties") or {}
    if not isinstance(props, dict):
        raise build.error(logical_id, "Metadata", "BuildProperties must be a mapping")
    env = {"NODE_OPTIONS": "--enable-source-maps"} if props.get("Sourcemap") is True else {}
    module = handler.rpartition(".")[0]
    entries = props.get("EntryPoints", [module])  # SAM CLI's default: the handler's module
    if not isinstance(entries, list) or not entries:
        raise build.error(logical_id, "Metadata", "BuildProperties EntryPoints must be a list of "
                                                  "files relative to CodeUri")
    found = [_entry(folder, str(entry)) for entry in entries]
    if None in found:
        if any((folder / f"{module}{suffix}").is_file() for suffix in (".js", ".mjs", ".cjs")):
            return folder, env  # bundled already (.aws-sam/build)
        missing = entries[found.index(None)]
        raise build.error(logical_id, "Metadata",
                          f"esbuild entry point {missing!r} does not exist in {str(folder)!r}")
    args = _arguments(build, logical_id, props) + [str(entry) for entry in found]
    esbuild = _esbuild(folder)
    if esbuild is None:
        raise build.error(
            logical_id, "Metadata",
            "BuildMethod esbuild needs esbuild, as `sam build` does, and none was found in the "
            "project's node_modules/.bin or on PATH: `npm install --save-dev esbuild` in the "
            "project (or load the template `sam build` writes, .aws-sam/build/template.yaml)",
        )
    out = _output(esbuild, args, folder)
    if not (out / ".complete").is_file():
        shutil.rmtree(out, ignore_errors=True)
        try:
            done = subprocess.run([esbuild, *args, f"--outdir={out}"], cwd=folder, capture_output=True,
                                  text=True, check=False, timeout=BUILD_TIMEOUT)
            failed, message = done.returncode != 0, (done.stderr or done.stdout).strip()
        except (OSError, subprocess.TimeoutExpired) as exc:
            failed, message = True, str(exc)
        if failed:
            shutil.rmtree(out, ignore_errors=True)
            raise build.error(logical_id, "Metadata", f"esbuild could not bundle the code in "
                                                      f"{str(folder)!r} (as sam build would):\n{message}")
        (out / ".complete").touch()
    return out, env


def _arguments(build: Build, logical_id: str, props: dict[str, Any]) -> list[str]:
    """esbuild's arguments but ``--outdir`` and the entry points, in the builder's order."""
    args = ["--bundle", "--platform=node"]
    args += [flag for key, flag in _DEFAULTS.items() if key not in props]
    args += [f"--{_kebab(key)}" for key in _BOOLEAN if props.get(key) is True]
    args += [f"--{_kebab(key)}={props[key]}" for key in _SINGLE if key in props]
    for key in _MULTI:
        values = props.get(key, [])
        if not isinstance(values, list):
            raise build.error(logical_id, "Metadata", f"BuildProperties {key} must be a list")
        args += [f"--{_kebab(key)}:{value}" for value in values]
    return args


def _entry(folder: Path, entry: str) -> str | None:
    """``entry`` with its suffix (``app`` → ``app.ts`` or ``app.js``); ``None``: no such file."""
    candidates = [entry] if Path(entry).suffix else [entry + ".ts", entry + ".js"]
    return next((c for c in candidates if (folder / c).is_file()), None)


def _kebab(key: str) -> str:
    """``MainFields`` → ``main-fields`` (SAM's PascalCase property, esbuild's flag)."""
    return "".join(f"-{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(key))


def _esbuild(folder: Path) -> str | None:
    """The project's ``node_modules/.bin/esbuild`` (the nearest, from ``folder`` up, as Node.js
    resolves packages), else ``PATH``'s."""
    for parent in [folder, *folder.parents]:
        candidate = parent / "node_modules" / ".bin" / "esbuild"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("esbuild")


def _output(esbuild: str, args: list[str], folder: Path) -> Path:
    """The folder this build writes to, named by everything it depends on."""
    global _root
    if _root is None:
        _root = Path(tempfile.mkdtemp(prefix="pytest-apigw-esbuild-"))
        atexit.register(shutil.rmtree, _root, True)
    digest = hashlib.sha1("\0".join([esbuild, str(folder), *args]).encode())
    for path in sorted(_sources(folder)):
        stat = path.stat()
        digest.update(f"\0{path.relative_to(folder)}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return _root / digest.hexdigest()[:20]


def _sources(folder: Path) -> list[Path]:
    """The code folder's files, ``node_modules`` and dot folders left out."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "node_modules" and not d.startswith(".")]
        found += [Path(root) / name for name in files]
    return found
