"""``pytest --apigw=localstack --apigw-endpoint=URL``: the backend through the registered plugin."""

from __future__ import annotations

pytest_plugins = ["pytester"]


def test_apigw_fixture_deploys_to_localstack(pytester, ministack) -> None:
    pytester.makepyfile(probe_handlers="""
        def hello(event, context):
            return {"statusCode": 200, "body": "hi from " + event["requestContext"]["stage"]}
    """)
    pytester.makepyfile(test_probe="""
        import httpx
        import probe_handlers
        from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration

        def test_hello(apigw, apigw_backend):
            assert apigw_backend.name == "localstack"
            api = HttpApi("Hello")
            fn = Function("Hello", handler=probe_handlers.hello)
            api.add_routes(path="/hello", methods=[HttpMethod.GET],
                           integration=LambdaProxyIntegration(handler=fn))
            deployment = apigw.deploy(api)
            assert "/_aws/execute-api/" in deployment.url
            assert httpx.get(deployment.url + "/hello", timeout=30).text == "hi from $default"
    """)
    result = pytester.runpytest_subprocess(
        "--apigw=localstack", f"--apigw-endpoint={ministack.url}", "--apigw-no-conformance",
    )
    result.stdout.fnmatch_lines(["apigw: backend 'localstack'*registered: *aws*embedded*localstack*"])
    result.assert_outcomes(passed=1)


def test_report_header_and_unknown_backend(pytester) -> None:
    result = pytester.runpytest_subprocess("--apigw=nope")
    result.stderr.fnmatch_lines(["*unknown backend 'nope'; registered backends: aws, embedded, localstack*"])
