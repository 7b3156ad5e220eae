"""A Lambda layer shared by functions: the handler imports a module only the layer holds,
in-process (the default) and in a worker process, as on Lambda."""

from pathlib import Path

import pytest

from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration, LayerVersion

HERE = Path(__file__).parent
PRICING = LayerVersion("Pricing", code=HERE / "layer", compatible_runtimes=["python3.12"],
                       description="shared pricing rules")


def quotes_api(isolation: str) -> HttpApi:
    quote = Function("Quote", handler="quote.handler", code=HERE / "src", runtime="python3.12",
                     layers=[PRICING], isolation=isolation)
    api = HttpApi("Quotes")
    api.add_routes(path="/quote", methods=[HttpMethod.GET], integration=LambdaProxyIntegration(handler=quote))
    return api


@pytest.mark.parametrize("isolation", ["inprocess", "process"])
def test_quote_uses_the_layers_rules(apigw, isolation):
    deployment = apigw.deploy(quotes_api(isolation))
    with deployment.client() as client:
        assert client.get("/quote", params={"cents": "1000", "country": "de"}).json() == {
            "cents": 1190, "country": "de"}
        assert client.get("/quote", params={"country": "xx"}).status_code == 400

