"""Serving a function's layers on the embedded backend: what its first invocation pays once.

A layer of ``FILES`` Python modules (4 KB each, about what a few site-packages weigh): zipped, it
is extracted into the function's ``/opt`` (``layer_zip_<n>``, against ``zipfile.extractall`` of
the same zip, the floor); two directory layers are merged (hard links where the filesystem
allows, else copies: ``layers_merge_<n>``); one directory layer is served in place
(``layer_dir_<n>``: nothing copied). Each is paid once per runtime and list of layers, on the
function's first invocation; later ones reuse the folder."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from benchmarks.common import Result, Settings, bench, clock, median


def _tree(root: Path, files: int, tag: str) -> Path:
    body = f"# {tag}\n" + "X = 1\n" * 680  # about 4 KB
    for i in range(files):
        path = root / "python" / f"pkg{i // 50}" / f"mod{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return root


@bench("layers", order=87)
def layers(settings: Settings) -> list[Result]:
    from pytest_apigw_embedded.lambda_runtime.layers import LayerFolders

    from pytest_apigw import Function, LayerVersion

    files = 100 if settings.quick else 500
    repeats = 3 if settings.quick else 5
    rows: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-layers-") as folder:
        root = Path(folder)
        first, second = _tree(root / "a", files, "a"), _tree(root / "b", files, "b")
        archive = root / "a.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(first.rglob("*.py")):
                zipped.write(path, path.relative_to(first).as_posix())
        code = root / "code"
        code.mkdir()
        (code / "app.py").write_text("def handler(event, context):\n    return 1\n")

        def timed(make: object) -> float:
            times = []
            for i in range(repeats):
                start = clock()
                assert callable(make)
                make(i)
                times.append(clock() - start)
            return median(times) * 1000

        def extractall(i: int) -> None:
            target = root / f"plain{i}"
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(target)
            shutil.rmtree(target)

        def serve(layer_list: list[LayerVersion]) -> object:
            def make(i: int) -> None:
                folders = LayerFolders()
                folders.opt(Function(f"F{i}", handler="app.handler", code=code, layers=layer_list))
                folders.close()
            return make

        rows.append(Result(f"extractall_{files}", timed(extractall), "ms",
                           note=f"zipfile.extractall of the zipped layer ({files} files): the floor"))
        rows.append(Result(f"layer_zip_{files}", timed(serve([LayerVersion("Zip", code=archive)])), "ms",
                           vs=f"extractall_{files}", note="a zipped layer extracted into its /opt"))
        merge = [LayerVersion("A", code=first), LayerVersion("B", code=second)]
        rows.append(Result(f"layers_merge_{files}", timed(serve(merge)), "ms", vs=f"extractall_{files}",
                           note=f"two directory layers of {files} files merged (a later layer wins)"))
        rows.append(Result(f"layer_dir_{files}", timed(serve([LayerVersion("Dir", code=first)])), "ms",
                           note="one directory layer: served in place, nothing copied"))
    return rows
