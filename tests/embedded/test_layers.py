"""Lambda layers on the embedded backend: a handler imports what only a layer holds, over HTTP.

Each test writes its own code and layer folders with module names unique to the test, so the
in-process runtime (one interpreter, one ``sys.modules``) never sees another test's module.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
import warnings
import zipfile
from pathlib import Path

import httpx
import pytest
from pytest_apigw_embedded.lambda_runtime.inprocess import InProcessRuntime
from pytest_apigw_embedded.lambda_runtime.process import ProcessRuntime
from pytest_apigw_embedded.server.loop import LoopThread

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration, LayerVersion, SpecError
from tests.support.files import write_tree


def _unique() -> str:
    return f"m{uuid.uuid4().hex[:10]}"


def _handler_code(root: Path, imports: list[str]) -> Path:
    """``app.handler`` answering ``{module: module.VALUE}`` for each of ``imports``."""
    lines = [f"import {name}" for name in imports]
    body = ", ".join(f"{name!r}: {name}.VALUE" for name in imports)
    lines += ["import json", "", "def handler(event, context):",
              f"    return {{'statusCode': 200, 'body': json.dumps({{{body}}})}}", ""]
    return write_tree(root, {"app.py": "\n".join(lines)})


def _api(function: Function) -> HttpApi:
    api = HttpApi("LayersApi")
    api.add_routes(path="/run", methods=["GET"], integration=LambdaProxyIntegration(handler=function))
    return api


@pytest.mark.parametrize("isolation", ["inprocess", "process"])
def test_a_handler_imports_a_module_only_a_layer_holds(apigw, tmp_path, isolation):
    only_in_layer, in_site_packages = _unique(), _unique()
    code = _handler_code(tmp_path / "code", [only_in_layer, in_site_packages])
    layer = LayerVersion("Deps", code=write_tree(tmp_path / "layer", {
        f"python/{only_in_layer}.py": "VALUE = 'from python/'\n",
        f"python/lib/python3.12/site-packages/{in_site_packages}/__init__.py":
            "VALUE = 'from site-packages'\n",
    }), compatible_runtimes=["python3.12"])
    fn = Function("Fn", handler="app.handler", code=code, runtime="python3.12", isolation=isolation,
                  layers=[layer], timeout=30)
    response = httpx.get(f"{apigw.deploy(_api(fn)).url}/run", timeout=30)
    assert response.status_code == 200, response.text
    assert response.json() == {only_in_layer: "from python/", in_site_packages: "from site-packages"}


def test_without_the_layer_the_same_handler_fails(apigw, tmp_path):
    missing = _unique()
    code = _handler_code(tmp_path / "code", [missing])
    fn = Function("NoLayer", handler="app.handler", code=code, isolation="process", timeout=30)
    assert httpx.get(f"{apigw.deploy(_api(fn)).url}/run", timeout=30).status_code == 500


@pytest.mark.parametrize("isolation", ["inprocess", "process"])
def test_a_later_layer_wins_and_the_function_code_wins_over_every_layer(apigw, tmp_path, isolation):
    shared, own = _unique(), _unique()
    code = _handler_code(tmp_path / "code", [shared, own])
    write_tree(code, {f"{own}.py": "VALUE = 'function code'\n"})
    first = LayerVersion("First", code=write_tree(tmp_path / "first", {
        f"python/{shared}.py": "VALUE = 'first layer'\n", f"python/{own}.py": "VALUE = 'first layer'\n"}))
    second = LayerVersion("Second", code=write_tree(tmp_path / "second", {
        f"python/{shared}.py": "VALUE = 'second layer'\n"}))
    fn = Function("Order", handler="app.handler", code=code, isolation=isolation,
                  layers=[first, second], timeout=30)
    body = httpx.get(f"{apigw.deploy(_api(fn)).url}/run", timeout=30).json()
    assert body == {shared: "second layer", own: "function code"}


def test_a_zipped_layer_is_extracted(apigw, tmp_path):
    module = _unique()
    code = _handler_code(tmp_path / "code", [module])
    archive = tmp_path / "layer.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(f"python/{module}/__init__.py", "VALUE = 'zipped'\n")
    fn = Function("Zipped", handler="app.handler", code=code, isolation="process",
                  layers=[LayerVersion("Zip", code=archive)], timeout=30)
    assert httpx.get(f"{apigw.deploy(_api(fn)).url}/run", timeout=30).json() == {module: "zipped"}


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (node on PATH)")
def test_a_node_handler_requires_a_package_from_a_layer(apigw, tmp_path):
    code = write_tree(tmp_path / "code", {"index.js": (
        "const greet = require('layer-greet');\n"
        "const pinned = require('layer-pinned');\n"
        "exports.handler = async () => ({statusCode: 200, body: JSON.stringify("
        "{greet: greet('layers'), pinned: pinned.where})});\n")})
    layer = LayerVersion("NodeDeps", code=write_tree(tmp_path / "layer", {
        "nodejs/node_modules/layer-greet/index.js": "module.exports = (who) => `hello ${who}`;\n",
        "nodejs/node_modules/layer-pinned/index.js": "exports.where = 'nodejs/node_modules';\n",
        "nodejs/node20/node_modules/layer-pinned/index.js": "exports.where = 'nodejs/node20';\n",
    }))
    fn = Function("NodeLayers", runtime="nodejs20.x", handler="index.handler", code=code, layers=[layer])
    response = httpx.get(f"{apigw.deploy(_api(fn)).url}/run", timeout=30)
    assert response.status_code == 200, response.text
    # NODE_PATH=/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules, as on Lambda
    assert response.json() == {"greet": "hello layers", "pinned": "nodejs/node20"}


def _layers(tmp_path: Path, count: int) -> list[LayerVersion]:
    return [LayerVersion(f"L{i}", code=write_tree(tmp_path / f"l{i}", {"python/x.py": ""}))
            for i in range(count)]


def test_more_than_five_layers_is_refused_at_deploy_with_aws_reason(apigw, tmp_path):
    fn = Function("Six", handler="app.handler", code=_handler_code(tmp_path / "c", []),
                  layers=_layers(tmp_path, 6))
    with pytest.raises(SpecError, match=r"Function 'Six': Cannot reference more than 5 layers"):
        apigw.deploy(_api(fn))
    five = Function("Five", handler="app.handler", code=_handler_code(tmp_path / "c5", []),
                    layers=_layers(tmp_path / "five", 5))
    assert httpx.get(f"{apigw.deploy(_api(five)).url}/run", timeout=30).status_code == 200


def test_code_and_layers_over_250_mb_unzipped_are_refused_at_deploy(apigw, tmp_path):
    big = tmp_path / "big" / "python" / "blob.bin"
    big.parent.mkdir(parents=True)
    with open(big, "wb") as sparse:  # a sparse file: 250 MB on paper, nothing on disk
        sparse.truncate(262_144_000 - 10)
    code = _handler_code(tmp_path / "c", [])  # a few hundred bytes more
    fn = Function("Big", handler="app.handler", code=code,
                  layers=[LayerVersion("Big", code=big.parent.parent)])
    with pytest.raises(SpecError, match=r"Function code combined with layers exceeds the maximum allowed "
                                        r"size of 262144000 bytes\. The actual size is \d+ bytes"):
        apigw.deploy(_api(fn))


def test_the_same_layer_twice_is_refused(apigw, tmp_path):
    layer = _layers(tmp_path, 1)[0]
    fn = Function("Twice", handler="app.handler", code=_handler_code(tmp_path / "c", []),
                  layers=[layer, layer])
    with pytest.raises(SpecError, match="Two different versions of the same layer"):
        apigw.deploy(_api(fn))


def test_bad_layer_arguments_are_spec_errors(tmp_path):
    with pytest.raises(SpecError, match=r"Function 'F': layers must be LayerVersion objects.*LayerVersion\("):
        Function("F", handler=lambda e, c: None, layers=[str(tmp_path)])
    with pytest.raises(SpecError, match=r"LayerVersion 'L': code .* does not exist"):
        LayerVersion("L", code=tmp_path / "missing")
    (tmp_path / "notzip.txt").write_text("x")
    with pytest.raises(SpecError, match=r"LayerVersion 'L': code .* not a \.zip archive"):
        LayerVersion("L", code=tmp_path / "notzip.txt")
    with pytest.raises(SpecError, match=r"compatible_architectures: 'x86' is not one of"):
        LayerVersion("L", code=tmp_path, compatible_architectures=["x86"])
    with pytest.raises(SpecError, match=r"layer_version_name must be"):
        LayerVersion("L", code=tmp_path, layer_version_name="no spaces")


@pytest.fixture
def loop():
    thread = LoopThread("layers-test")
    yield thread
    thread.stop()


def test_extracted_layers_and_import_paths_are_gone_at_close(loop, tmp_path):
    """Two layers are merged into a temporary /opt, removed at close; a single directory layer is
    served in place (nothing to merge) and left as it is."""
    merged, in_place = _unique(), _unique()
    code = _handler_code(tmp_path / "code", [merged])
    layers = [LayerVersion(f"L{i}", code=write_tree(tmp_path / f"layer{i}",
                                                {f"python/{merged}.py": f"VALUE = {i}\n"})) for i in range(2)]
    alone = LayerVersion("Alone", code=write_tree(tmp_path / "alone",
                                                {f"python/{in_place}.py": "VALUE = 'kept'\n"}))
    inprocess = InProcessRuntime()
    process = ProcessRuntime()
    fn = Function("Fn", handler="app.handler", code=code, layers=layers, timeout=30)
    isolated = Function("Iso", handler="app.handler", code=code, layers=layers, isolation="process",
                        timeout=30)
    single = Function("Single", handler="app.handler", code=_handler_code(tmp_path / "code2", [in_place]),
                      layers=[alone], timeout=30)
    before = set(sys.path)
    try:
        assert json.loads(loop.run(inprocess.invoke(fn, {})).payload["body"]) == {merged: 1}
        assert json.loads(loop.run(process.invoke(isolated, {})).payload["body"]) == {merged: 1}
        assert json.loads(loop.run(inprocess.invoke(single, {})).payload["body"]) == {in_place: "kept"}
        opt_paths = [p for p in sys.path if p not in before and "pytest-apigw-opt-" in p]
        assert opt_paths and all(os.path.isdir(p) for p in opt_paths)
        assert str(tmp_path / "alone" / "python") in sys.path
        extracted = [Path(p).parents[0] for p in opt_paths]
    finally:
        loop.run(inprocess.close())
        loop.run(process.close())
    assert not [p for p in sys.path if p not in before and ("pytest-apigw-opt-" in p or "alone" in p)]
    assert not any(path.exists() for path in extracted)
    assert (tmp_path / "alone" / "python" / f"{in_place}.py").is_file()


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None,
                    reason="AWS's tutorial bootstrap needs curl and bash")
def test_a_custom_runtime_from_a_layer_runs_its_bootstrap_and_bin_tools(apigw, tmp_path):
    """AWS's custom-runtime tutorial, with its runtime published as a layer (the tutorial's own
    last step): the code holds only function.sh, the layer's bootstrap runs, and a tool in the
    layer's bin/ is on PATH."""
    from tests.embedded.runtime_processes import BASH_TUTORIAL

    code = tmp_path / "code"
    code.mkdir()
    script = (Path(BASH_TUTORIAL) / "function.sh").read_text()
    assert "Hello from Lambda!" in script
    (code / "function.sh").write_text(script.replace("Hello from Lambda!", "$(layer-tool)"))
    runtime = tmp_path / "runtime"
    (runtime / "bin").mkdir(parents=True)
    shutil.copy2(Path(BASH_TUTORIAL) / "bootstrap", runtime / "bootstrap")
    (runtime / "bin" / "layer-tool").write_text("#!/bin/sh\necho from-bin\n")
    (runtime / "bin" / "layer-tool").chmod(0o755)
    fn = Function("BashLayer", runtime="provided.al2023", handler="function.handler", code=code,
                  layers=[LayerVersion("BashRuntime", code=runtime)])
    response = httpx.get(f"{apigw.deploy(_api(fn)).url}/run", timeout=30)
    assert response.status_code == 200, response.text
    assert response.text == "from-bin"
    with pytest.raises(SpecError, match=r"bootstrap.*or a layer with bootstrap at its root"):
        Function("NoBoot", runtime="provided.al2023", handler="function.handler", code=code,
                 layers=[LayerVersion("NotARuntime", code=runtime / "bin")])


def test_extraction_keeps_executables_skips_escaping_entries_and_never_writes_into_a_layer(tmp_path):
    from pytest_apigw_embedded.lambda_runtime.layers import extract

    first = write_tree(tmp_path / "first", {"python/shared.py": "first\n", "python/only_first.py": "1\n"})
    archive = tmp_path / "second.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("python/shared.py", "second\n")
        tool = zipfile.ZipInfo("bin/tool")
        tool.external_attr = 0o755 << 16
        zipped.writestr(tool, "#!/bin/sh\necho hi\n")
        zipped.writestr("../escaped.txt", "nope")
    target = tmp_path / "opt"
    extract((LayerVersion("First", code=first), LayerVersion("Second", code=archive)), target)
    assert (target / "python" / "shared.py").read_text() == "second\n"  # the later layer wins
    assert (target / "python" / "only_first.py").read_text() == "1\n"  # folders are merged
    assert os.access(target / "bin" / "tool", os.X_OK)
    assert not (tmp_path / "escaped.txt").exists()
    assert (first / "python" / "shared.py").read_text() == "first\n"  # the layer itself is untouched


def test_in_process_a_layer_module_already_imported_elsewhere_is_a_warning(apigw, tmp_path):
    code = write_tree(tmp_path / "code", {"app.py": (
        "import json\nimport httpx\n\ndef handler(event, context):\n"
        "    return {'statusCode': 200, 'body': json.dumps(httpx.__version__)}\n")})
    layer = LayerVersion("Shadowing", code=write_tree(tmp_path / "layer", {
        "python/httpx/__init__.py": "__version__ = 'the layer copy'\n"}))
    fn = Function("Shadowed", handler="app.handler", code=code, layers=[layer])
    with pytest.warns(RuntimeWarning, match=r"Function 'Shadowed': its layer's module 'httpx' .* is already "
                                            r"imported .*isolation='process'"):
        url = apigw.deploy(_api(fn)).url
    assert httpx.get(f"{url}/run", timeout=30).json() == httpx.__version__  # the test process's
    isolated = Function("Isolated", handler="app.handler", code=code, layers=[layer], isolation="process",
                        timeout=30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        url = apigw.deploy(_api(isolated)).url
    assert httpx.get(f"{url}/run", timeout=30).json() == "the layer copy"  # as on Lambda


def test_modules_at_a_layers_root_are_a_warning_naming_where_they_belong(tmp_path):
    with pytest.warns(UserWarning, match=r"LayerVersion 'Flat': .* has modules at its root.*python/"):
        LayerVersion("Flat", code=write_tree(tmp_path / "flat", {"requests_like.py": ""}))
    archive = tmp_path / "flat.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("node_modules/x/index.js", "")
    with pytest.warns(UserWarning, match=r"nodejs/node_modules/"):
        LayerVersion("FlatZip", code=archive)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LayerVersion("Good", code=write_tree(tmp_path / "good", {"python/x.py": "", "README.md": ""}))
        LayerVersion("Data", code=write_tree(tmp_path / "data", {"config.json": "{}"}))


def test_in_process_a_released_functions_layer_leaves_the_import_path(loop, tmp_path):
    """When the deployments using a function are gone (``release``), its layer folders leave
    ``sys.path`` unless another prepared function still uses them."""
    module = _unique()
    code = _handler_code(tmp_path / "code", [module])
    layer = LayerVersion("L", code=write_tree(tmp_path / "layer", {f"python/{module}.py": "VALUE = 1\n"}))
    first = Function("First", handler="app.handler", code=code, layers=[layer], timeout=30)
    second = Function("Second", handler="app.handler", code=code, layers=[layer], timeout=30)
    folder = str(tmp_path / "layer" / "python")
    runtime = InProcessRuntime()
    try:
        runtime.prepare(first)
        runtime.prepare(second)
        assert sys.path.count(folder) == 1
        loop.run(runtime.release([first]))
        assert folder in sys.path  # second still imports from it
        loop.run(runtime.release([second]))
        assert folder not in sys.path
    finally:
        loop.run(runtime.close())


def test_runtime_and_architecture_objects_give_their_names(tmp_path):
    class Runtime:  # the shape of CDK's aws_lambda.Runtime / Architecture: a ``name``
        def __init__(self, name: str) -> None:
            self.name = name

    layer = LayerVersion("Named", code=write_tree(tmp_path / "l", {"python/x.py": ""}),
                         compatible_runtimes=[Runtime("python3.12"), "python3.13"],
                         compatible_architectures=[Runtime("arm64")])
    assert layer.compatible_runtimes == ("python3.12", "python3.13")
    assert layer.compatible_architectures == ("arm64",)
