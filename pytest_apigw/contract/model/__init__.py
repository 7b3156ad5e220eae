"""The reference model: what API Gateway v2 does with a request, written from AWS's docs.

It never imports a backend. Each module cites the ``awsdocs/amazon-api-gateway-developer-guide``
page (``doc_source/``) it follows and names every undocumented choice where it is made:

- :mod:`.stages` (``http-api-stages.md``, ``http-api-develop-routes.md``)
- :mod:`.routing` (``http-api-develop-routes.md``)
- :mod:`.lambda_event`, :mod:`.lambda_response` (``http-api-develop-integrations-lambda.md``)
- :mod:`.integrations` (one predictor per integration type; ``http-api-develop-integrations-http.md``)
- :mod:`.private` (ALB, NLB, Cloud Map; ``http-api-develop-integrations-private.md``)
- :mod:`.websocket` (``websocket-api-develop-routes.md``)
- :mod:`.websocket_limits` (frame 32 KB, message 128 KB: the WebSocket quotas page)
- :mod:`.websocket_sessions` (connections over time: ``$connect`` authorizers, ``@connections``,
  ``$disconnect``; ``apigateway-how-to-call-websocket-api-connections.md`` and friends)
- :mod:`.cors` (``http-api-cors.md``)
- :mod:`.parameter_mapping` (``http-api-parameter-mapping.md``)
- :mod:`.access_log` (the stage's access-log line; ``http-api-logging-variables.md``)
"""

from pytest_apigw.contract.model import private  # noqa: F401 - registers the private predictors
from pytest_apigw.contract.model.expect import ABSENT, PRESENT, UNSPECIFIED, Diff, OneOf, compare
from pytest_apigw.contract.model.integrations import Routed, predicts
from pytest_apigw.contract.model.lambda_response import ExpectedResponse, response_v1, response_v2
from pytest_apigw.contract.model.predict import Prediction, predict
from pytest_apigw.contract.model.routing import RouteSelection, select_route
from pytest_apigw.contract.model.stages import select_stage
from pytest_apigw.contract.model.websocket import select_websocket_route, selection_value

__all__ = [
    "ABSENT", "PRESENT", "UNSPECIFIED", "Diff", "ExpectedResponse", "OneOf", "Prediction",
    "RouteSelection", "Routed", "compare", "predict", "predicts", "response_v1", "response_v2",
    "select_route", "select_stage", "select_websocket_route", "selection_value",
]
