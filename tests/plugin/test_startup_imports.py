"""Start-up cost: what a pytest session imports before it needs it (issue 13).

A real pytest session (pytester, a subprocess) records ``sys.modules`` at its first test (the
plugin loaded, ``pytest_configure`` run, nothing deployed) and again after a first HTTP API is
deployed through the ``apigw`` fixture and answered a request. Heavy modules that serve something
else (Hypothesis, the templates package, the reference model, the strategies, authorizers,
WebSocket parts) must load on first use only; the last test checks that the names made lazy
still resolve, and to the same objects.
"""

from __future__ import annotations

import json
import textwrap

import pytest

#: Not imported by a session that has deployed nothing yet.
NOT_AT_START = (
    "hypothesis",
    "pytest_apigw.templates",
    "pytest_apigw.contract.model",
    "pytest_apigw.strategies",
    "pytest_apigw_embedded.backend",
    "uvloop",
    "httptools",
    "pytest_apigw.coverage.collect",  # route coverage is off
    "pytest_apigw.coverage.merge",
)

#: Not imported by a first deploy of an HTTP API with a Lambda proxy integration and one request.
NOT_AFTER_HTTP_DEPLOY = (
    "hypothesis",
    "pytest_apigw.templates",
    "pytest_apigw.contract.model",
    "pytest_apigw.strategies",
    "uvicorn",
    "websockets",
    "secrets",  # API ids come from random.SystemRandom
    "pytest_apigw_embedded.exchange.access_log",  # no stage writes an access log
    "pytest_apigw_embedded.authorizers.outcome",  # no route has an authorizer
    "pytest_apigw_embedded.authorizers.protocol",
    "pytest_apigw_embedded.websocket",  # the SDK hooks are installed by a WebSocket deploy
)

SESSION = textwrap.dedent(
    '''
    import json
    import sys
    import urllib.request

    WATCHED = {watched!r}
    SEEN = {{}}


    def loaded():
        return sorted(name for name in WATCHED if name in sys.modules)


    def test_1_session_start():
        SEEN["start"] = loaded()


    def test_2_first_http_deploy(apigw):
        from pytest_apigw import Function, HttpApi, LambdaProxyIntegration

        api = HttpApi("First")
        api.add_routes(path="/first", methods=["GET"], integration=LambdaProxyIntegration(
            handler=Function("F", handler=lambda event, context: {{"statusCode": 200, "body": "ok"}})))
        deployment = apigw.deploy(api)
        with urllib.request.urlopen(deployment.url + "/first", timeout=10) as response:
            assert response.read() == b"ok"
        SEEN["after_deploy"] = loaded()


    def test_3_lazy_names_resolve():
        import pytest_apigw
        import pytest_apigw.strategies as strategies
        from pytest_apigw import templates
        from pytest_apigw.strategies import http_apis, wire

        assert pytest_apigw.Template is templates.Template
        assert pytest_apigw.load_template is templates.load_template
        assert {{"Template", "load_template"}} <= set(pytest_apigw.__all__)
        assert http_apis is strategies.apis.http_apis
        assert strategies.HttpRequest is wire.HttpRequest
        missing = [name for name in strategies.__all__ if getattr(strategies, name, None) is None]
        assert not missing, missing
        assert set(strategies.__all__) <= set(dir(strategies))
        try:
            strategies.no_such_strategy
        except AttributeError:
            pass
        else:
            raise AssertionError("strategies.no_such_strategy resolved")
        SEEN["after_use"] = loaded()
        with open("seen.json", "w") as out:
            json.dump(SEEN, out)
    '''
)


def test_heavy_modules_load_on_first_use_only(pytester: pytest.Pytester) -> None:
    watched = sorted({*NOT_AT_START, *NOT_AFTER_HTTP_DEPLOY})
    pytester.makepyfile(test_session=SESSION.format(watched=watched))
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    seen = json.loads((pytester.path / "seen.json").read_text())
    assert not set(seen["start"]) & set(NOT_AT_START), seen["start"]
    assert not set(seen["after_deploy"]) & set(NOT_AFTER_HTTP_DEPLOY), seen["after_deploy"]
    # the lazy names still resolve, and then their modules are there
    assert {"hypothesis", "pytest_apigw.templates", "pytest_apigw.strategies"} <= set(seen["after_use"])
