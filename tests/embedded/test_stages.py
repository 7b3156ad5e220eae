"""Stages: $default at the root, named stages under /name, auto-deploy and redeploy."""

import httpx

from pytest_apigw import Function, HttpApi, HttpStage, LambdaProxyIntegration


def _integration(name):
    def handler(event, context):
        return {"fn": name, "stage": event["requestContext"]["stage"]}

    return LambdaProxyIntegration(handler=Function(name, handler=handler))


def test_default_and_named_stages_side_by_side(apigw):
    api = HttpApi("S")
    api.add_routes(path="/pets", methods=["GET"], integration=_integration("pets"))
    HttpStage("Prod", http_api=api, stage_name="prod")
    deployment = apigw.deploy(api)
    base = deployment.url
    assert httpx.get(f"{base}/pets").json() == {"fn": "pets", "stage": "$default"}
    assert httpx.get(f"{base}/prod/pets").json() == {"fn": "pets", "stage": "prod"}
    assert deployment.url_for("prod") == f"{base}/prod"
    # Never served under a literal /$default segment: that path goes to $default as /$default/pets.
    assert httpx.get(f"{base}/$default/pets").status_code == 404


def test_unknown_stage_without_default_stage_is_404(apigw):
    api = HttpApi("S", create_default_stage=False)
    api.add_routes(path="/pets", methods=["GET"], integration=_integration("pets"))
    HttpStage("Dev", http_api=api, stage_name="dev")
    deployment = apigw.deploy(api)
    root = deployment.url.rsplit("/dev", 1)[0]
    assert httpx.get(f"{root}/dev/pets").status_code == 200
    response = httpx.get(f"{root}/prod/pets")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}


def test_auto_deploy_follows_the_spec_and_manual_stages_wait_for_redeploy(apigw):
    api = HttpApi("S")
    api.add_routes(path="/a", methods=["GET"], integration=_integration("a"))
    HttpStage("Manual", http_api=api, stage_name="manual", auto_deploy=False)
    deployment = apigw.deploy(api)
    api.add_routes(path="/b", methods=["GET"], integration=_integration("b"))
    assert httpx.get(f"{deployment.url}/b").json()["fn"] == "b"  # $default auto-deploys
    manual = deployment.url_for("manual")
    assert httpx.get(f"{manual}/b").status_code == 404
    deployment.redeploy()
    assert httpx.get(f"{manual}/b").json() == {"fn": "b", "stage": "manual"}


def test_deploy_picks_the_requested_stage(apigw):
    api = HttpApi("S")
    api.add_routes(path="/a", methods=["GET"], integration=_integration("a"))
    HttpStage("Beta", http_api=api, stage_name="beta")
    deployment = apigw.deploy(api, stage="beta")
    assert deployment.stage == "beta"
    assert httpx.get(f"{deployment.url}/a").json()["stage"] == "beta"


def test_deploy_errors_name_the_problem(apigw):
    import pytest

    from pytest_apigw import SpecError

    with pytest.raises(SpecError, match="no routes exist in this API"):
        apigw.deploy(HttpApi("Empty"))
    api = HttpApi("NoStage", create_default_stage=False)
    api.add_routes(path="/a", methods=["GET"], integration=_integration("a"))
    with pytest.raises(SpecError, match="HttpApi 'NoStage': has no stage to deploy to"):
        apigw.deploy(api)
    with pytest.raises(SpecError, match=r"has no stage 'nope' \(stages: \$default\)"):
        apigw.deploy(HttpApi("X", default_integration=_integration("x")), stage="nope")
    with pytest.raises(SpecError, match="expected an HttpApi or WebSocketApi"):
        apigw.deploy({"routes": []})
