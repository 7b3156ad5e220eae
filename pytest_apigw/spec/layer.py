"""``LayerVersion``: a Lambda layer (CDK's ``aws_lambda.LayerVersion``), and Lambda's limits on
the layers of one function.

A layer's ``code`` is a directory or a ``.zip`` file laid out as Lambda expects: its content is
extracted under ``/opt`` in the function's environment, so Python finds ``python/`` and
``python/lib/python3.x/site-packages``, Node.js finds ``nodejs/node_modules`` (and
``nodejs/node20/node_modules``), every runtime finds ``bin/`` on ``PATH`` and ``lib/`` on
``LD_LIBRARY_PATH`` (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html).
"""

from __future__ import annotations

import os
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pytest_apigw.errors import SpecError
from pytest_apigw.spec._base import Construct, expect_items, expect_text

#: Lambda's LayerName rule (a plain name, not an ARN).
_LAYER_NAME_RE = re.compile(r"[A-Za-z0-9_\-]{1,64}\Z")
#: ``PublishLayerVersion``: at most 15 compatible runtimes, architectures ``x86_64`` / ``arm64``.
MAX_COMPATIBLE_RUNTIMES = 15
ARCHITECTURES = ("x86_64", "arm64")
#: ``CreateFunction``: at most 5 layers; function code and layers unzipped at most 250 MB
#: (https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html, Lambda quotas).
MAX_LAYERS_PER_FUNCTION = 5
MAX_UNZIPPED_BYTES = 262_144_000
#: Folders that are never part of a package (caches, VCS, virtual environments).
SKIPPED_DIRS = frozenset({"__pycache__", ".git", ".venv", "venv", ".mypy_cache", ".pytest_cache",
                          ".ruff_cache", ".tox"})


class LayerVersion(Construct):
    """A Lambda layer version: ``LayerVersion("Deps", code="layers/deps")``.

    ``code`` is a directory or a ``.zip`` file whose content Lambda extracts under ``/opt``:
    put Python packages in ``python/`` (or ``python/lib/python3.x/site-packages/``), Node.js
    packages in ``nodejs/node_modules/``, executables in ``bin/``. Give it to functions with
    ``Function(..., layers=[layer])``; in a function's list, a later layer's files win over an
    earlier one's, and the function's own code wins over every layer (as on Lambda).
    ``compatible_runtimes`` / ``compatible_architectures`` (names, or objects with a ``name`` such
    as CDK's ``Runtime.PYTHON_3_12``) are published with the layer (Lambda does not refuse other
    runtimes); ``layer_version_name`` is used as is by backends that
    provision (otherwise a unique name is made from the id).
    """

    kind = "LayerVersion"

    def __init__(
        self,
        id: str,  # noqa: A002 - CDK's own name
        *,
        code: str | Path,
        compatible_runtimes: list[str] | tuple[str, ...] | None = None,
        compatible_architectures: list[str] | tuple[str, ...] | None = None,
        description: str | None = None,
        layer_version_name: str | None = None,
        license: str | None = None,  # noqa: A002 - CDK's own name
    ) -> None:
        super().__init__(id)
        if not isinstance(code, str | Path):
            raise self.error(f"code must be a directory or a .zip file (str or Path), got "
                             f"{type(code).__name__} {code!r}")
        path = Path(code).resolve()
        if path.is_file() and not zipfile.is_zipfile(path):
            raise self.error(f"code {str(path)!r} is a file but not a .zip archive: give the layer's "
                             "directory or its zip")
        if not path.exists():
            raise self.error(f"code {str(path)!r} does not exist: give the layer's directory (with "
                             "python/ or nodejs/node_modules/ inside) or its .zip file")
        self.code = path
        self.compatible_runtimes = self._names("compatible_runtimes", compatible_runtimes,
                                               MAX_COMPATIBLE_RUNTIMES)
        self.compatible_architectures = self._names("compatible_architectures", compatible_architectures, 2)
        for arch in self.compatible_architectures:
            if arch not in ARCHITECTURES:
                raise self.error(f"compatible_architectures: {arch!r} is not one of "
                                 f"{', '.join(ARCHITECTURES)}")
        self.description = expect_text(self.label, "description", description, max_length=256)
        self.license = expect_text(self.label, "license", license, max_length=512)
        if layer_version_name is not None and not (
                isinstance(layer_version_name, str) and _LAYER_NAME_RE.match(layer_version_name)):
            raise self.error(f"layer_version_name must be 1-64 letters, digits, '-' or '_', got "
                             f"{layer_version_name!r}")
        #: ``layer_version_name`` was given: provisioning backends use it as is.
        self.named = layer_version_name is not None
        self.layer_name = layer_version_name or id
        self._warn_if_misplaced()

    def _top_level(self) -> set[str]:
        if self.is_zip:
            with zipfile.ZipFile(self.code) as archive:
                return {name.split("/", 1)[0] + ("/" if "/" in name else "") for name in archive.namelist()}
        return {entry.name + ("/" if entry.is_dir() else "") for entry in os.scandir(self.code)}

    def _warn_if_misplaced(self) -> None:
        """Python or Node.js code at the layer's root is the classic mistake: Lambda puts a layer
        under ``/opt``, where no runtime looks for modules (it silently does nothing there)."""
        top = self._top_level()
        if top & {"python/", "nodejs/", "bin/", "lib/"}:
            return
        if any(name.endswith((".py", ".js", ".mjs", ".cjs")) or name == "node_modules/" for name in top):
            warnings.warn(
                f"{self.label}: code {str(self.code)!r} has modules at its root, where no runtime "
                "looks (Lambda extracts a layer to /opt): put Python packages in python/ and Node.js "
                "packages in nodejs/node_modules/", UserWarning, stacklevel=3,
            )

    def _names(self, name: str, value: Any, limit: int) -> tuple[str, ...]:
        """Names as strings; CDK's ``Runtime`` / ``Architecture`` objects give their ``name``."""
        if value is None:
            return ()
        items = tuple(getattr(item, "name", item) for item in expect_items(self.label, name, value))
        if len(items) > limit or not all(isinstance(item, str) and item for item in items):
            raise self.error(f"{name} must be a list of at most {limit} names, got {value!r}")
        return tuple(items)

    @property
    def is_zip(self) -> bool:
        """``code`` is a ``.zip`` file (else a directory)."""
        return self.code.is_file()

    def files(self) -> Iterator[tuple[str, Path]]:
        """``(path in the layer, file)`` of a directory layer, sorted, caches left out."""
        for dirpath, dirnames, filenames in os.walk(self.code):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
            for filename in sorted(filenames):
                if filename.endswith((".pyc", ".pyo")):
                    continue
                path = Path(dirpath) / filename
                yield path.relative_to(self.code).as_posix(), path

    def has_file(self, name: str) -> bool:
        """True when the layer holds the file ``name`` (a path inside the layer, e.g. ``bootstrap``)."""
        if self.is_zip:
            with zipfile.ZipFile(self.code) as archive:
                return name in archive.namelist()
        return (self.code / name).is_file()

    def unzipped_size(self) -> int:
        """Bytes of the layer's content once extracted (what Lambda counts against 250 MB)."""
        if self.is_zip:
            with zipfile.ZipFile(self.code) as archive:
                return sum(info.file_size for info in archive.infolist() if not info.is_dir())
        return sum(path.stat().st_size for _, path in self.files())


def function_layers(owner: str, value: Any) -> tuple[LayerVersion, ...]:
    """A function's ``layers=`` as a tuple of :class:`LayerVersion` (a :class:`SpecError` naming
    the function otherwise)."""
    if value is None:
        return ()
    items = expect_items(owner, "layers", value)
    for item in items:
        if not isinstance(item, LayerVersion):
            raise SpecError(owner, f"layers must be LayerVersion objects, got {type(item).__name__} "
                                   f"{item!r}: wrap the folder in LayerVersion('Id', code='path')")
    return items


def code_size(code: Path | None) -> int:
    """Bytes of a function's code directory (caches left out)."""
    if code is None or not code.is_dir():
        return 0
    total = 0
    for dirpath, dirnames, filenames in os.walk(code):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS]
        total += sum((Path(dirpath) / name).stat().st_size for name in filenames
                     if not name.endswith((".pyc", ".pyo")))
    return total


def check_layers(function: Any) -> None:
    """Lambda's ``CreateFunction`` checks on a function's layers, with AWS's messages: at most
    5 layers, no layer twice, code and layers at most 262144000 bytes unzipped."""
    layers: tuple[LayerVersion, ...] = getattr(function, "layers", ())
    if not layers:
        return
    label = function.label
    if len(layers) > MAX_LAYERS_PER_FUNCTION:
        raise SpecError(label, f"Cannot reference more than {MAX_LAYERS_PER_FUNCTION} layers (it has "
                               f"{len(layers)}): merge some layers into one")
    seen: dict[str, LayerVersion] = {}
    for layer in layers:
        if layer.layer_name in seen:
            raise SpecError(label, "Two different versions of the same layer are not allowed to be "
                                   f"referenced in the same function: layers {seen[layer.layer_name].id!r} "
                                   f"and {layer.id!r} are both layer {layer.layer_name!r}")
        seen[layer.layer_name] = layer
    size = code_size(getattr(function, "code", None)) + sum(layer.unzipped_size() for layer in layers)
    if size > MAX_UNZIPPED_BYTES:
        raise SpecError(label, "Function code combined with layers exceeds the maximum allowed size of "
                               f"{MAX_UNZIPPED_BYTES} bytes. The actual size is {size} bytes.")
