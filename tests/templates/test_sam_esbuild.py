"""SAM's esbuild build method (``Metadata: {BuildMethod: esbuild}``, ``sam init``'s TypeScript
layout): the template a team edits is loaded as is, its TypeScript bundled as ``sam build`` would
and served by the Node.js runtime over HTTP.

esbuild comes from ``tests/templates/esbuild`` (``sh tests/support/npm_install.sh ...``, as the
README's test command runs it); without it, or without Node.js, these tests skip, saying why.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from pytest_apigw import SpecError, load_template
from tests.support.files import write_tree

ESBUILD_BIN = Path(__file__).with_name("esbuild") / "node_modules" / ".bin"

APP_TS = """\
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { greet } from './greeting';

export const lambdaHandler = async (event: APIGatewayProxyEventV2) => {
  const who: string = event.pathParameters?.name ?? 'nobody';
  const nodeOptions = process.env.NODE_OPTIONS ?? null;
  return { statusCode: 200, body: JSON.stringify({ greeting: greet(who), nodeOptions }) };
};
"""


@pytest.fixture(autouse=True)
def _node_and_esbuild() -> None:
    if shutil.which("node") is None:
        pytest.skip("the Node.js runtime needs `node` on PATH")
    if not (ESBUILD_BIN / "esbuild").is_file():
        pytest.skip("esbuild is not installed: sh tests/support/npm_install.sh tests/templates/esbuild")


def _template(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"HelloFunction": {
            "Type": "AWS::Serverless::Function",
            "Properties": {"CodeUri": "hello/", "Handler": "app.lambdaHandler", "Runtime": "nodejs20.x",
                           "Events": {"Hello": {"Type": "HttpApi", "Properties": {
                               "Path": "/hello/{name}", "Method": "get"}}}},
            "Metadata": {"BuildMethod": "esbuild", "BuildProperties": properties},
        }},
    }


def _project(root: Path, properties: dict[str, Any], greeting: str = "hello") -> Path:
    """A SAM project: ``template.json`` and ``hello/`` with TypeScript importing a local module."""
    write_tree(root, {
        "hello/app.ts": APP_TS,
        "hello/greeting.ts": f"export const greet = (who: string): string => `{greeting}, ${{who}}`;\n",
    })
    (root / "template.json").write_text(json.dumps(_template(properties)))
    return root / "template.json"


@pytest.fixture
def esbuild_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{ESBUILD_BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def test_typescript_is_bundled_as_sam_build_would_and_served(apigw, tmp_path, esbuild_on_path):
    template = _project(tmp_path, {"EntryPoints": ["app.ts"], "Minify": True, "Target": "es2020",
                                   "Sourcemap": True})
    tpl = load_template(template)
    code = tpl.function("HelloFunction").code
    assert code is not None and (code / "app.js").is_file() and not (code / "app.ts").exists()
    response = httpx.get(apigw.deploy(tpl).url + "/hello/ada")
    assert response.status_code == 200, response.text
    # Sourcemap: true sets NODE_OPTIONS=--enable-source-maps, as `sam build` does
    assert response.json() == {"greeting": "hello, ada", "nodeOptions": "--enable-source-maps"}


def test_the_projects_own_esbuild_and_an_entry_point_without_suffix(apigw, tmp_path, monkeypatch):
    (tmp_path / "node_modules").symlink_to(ESBUILD_BIN.parent, target_is_directory=True)
    with monkeypatch.context() as patched:
        patched.setenv("PATH", "/nonexistent")  # only the project's node_modules/.bin has it
        tpl = load_template(_project(tmp_path, {"EntryPoints": ["app"]}))
    response = httpx.get(apigw.deploy(tpl).url + "/hello/grace")
    assert response.json() == {"greeting": "hello, grace", "nodeOptions": None}


def test_a_build_runs_once_per_code_and_again_when_the_code_changes(apigw, tmp_path, esbuild_on_path):
    template = _project(tmp_path, {"EntryPoints": ["app.ts"]})
    first = load_template(template).function("HelloFunction").code
    assert load_template(template).function("HelloFunction").code == first
    (tmp_path / "hello" / "greeting.ts").write_text(
        "export const greet = (who: string): string => `good day, ${who}`;\n")
    tpl = load_template(template)
    assert tpl.function("HelloFunction").code != first
    assert httpx.get(apigw.deploy(tpl).url + "/hello/ada").json()["greeting"] == "good day, ada"


def test_without_esbuild_the_error_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SpecError) as raised:
        load_template(_project(tmp_path, {"EntryPoints": ["app.ts"]}))
    message = str(raised.value)
    assert "HelloFunction" in message and "npm install --save-dev esbuild" in message
    assert ".aws-sam/build/template.yaml" in message


def test_code_esbuild_cannot_bundle_is_refused_with_its_message(tmp_path, esbuild_on_path):
    template = _project(tmp_path, {"EntryPoints": ["app.ts"]})
    (tmp_path / "hello" / "greeting.ts").write_text("export const greet = (who: string) => {\n")
    with pytest.raises(SpecError) as raised:
        load_template(template)
    message = str(raised.value)
    assert "esbuild could not bundle" in message and "greeting.ts" in message


def test_a_missing_entry_point_is_refused(tmp_path, esbuild_on_path):
    with pytest.raises(SpecError, match="entry point 'main.ts' does not exist"):
        load_template(_project(tmp_path, {"EntryPoints": ["main.ts"]}))


def test_without_entry_points_the_handlers_module_is_bundled(apigw, tmp_path, esbuild_on_path):
    """SAM CLI's default entry point: the handler's module (``app.lambdaHandler`` → ``app.ts``)."""
    tpl = load_template(_project(tmp_path, {"Minify": False}))
    assert httpx.get(apigw.deploy(tpl).url + "/hello/ada").json()["greeting"] == "hello, ada"


def test_the_template_sam_build_wrote_is_served_as_built(apigw, tmp_path, monkeypatch):
    """``.aws-sam/build/template.yaml`` keeps the ``Metadata``; its code folder holds the bundle
    (``app.js``, no ``app.ts``): it runs as it is, no esbuild needed."""
    template = _project(tmp_path, {"EntryPoints": ["app.ts"]})
    built = tmp_path / "hello"
    for source in built.glob("*.ts"):
        source.unlink()
    (built / "app.js").write_text(
        "exports.lambdaHandler = async (event) => ({ statusCode: 200,"
        " body: JSON.stringify({ greeting: 'built, ' + event.pathParameters.name, nodeOptions: null }) });\n")
    with monkeypatch.context() as patched:
        patched.setenv("PATH", "/nonexistent")
        tpl = load_template(template)
    assert tpl.function("HelloFunction").code == built
    assert httpx.get(apigw.deploy(tpl).url + "/hello/ada").json()["greeting"] == "built, ada"
