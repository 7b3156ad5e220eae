"""A backend reads its own handle back through a checked helper: a deployment made elsewhere is
refused with a ``TypeError`` that says so, not an ``AttributeError`` deep inside teardown."""

from __future__ import annotations

import pytest
from pytest_apigw_embedded.backend import EmbeddedBackend, served
from pytest_apigw_localstack.backend import provisioned

from pytest_apigw import HttpApi
from pytest_apigw.backend import Deployment


@pytest.mark.parametrize("handle", [object(), None], ids=["foreign", "none"])
def test_the_aws_api_backends_refuse_a_deployment_they_did_not_make(handle: object) -> None:
    other = Deployment(api=HttpApi("Elsewhere"), api_id="abc", stage="$default", url="http://127.0.0.1:1",
                       backend=EmbeddedBackend(), handle=handle)
    with pytest.raises(TypeError, match="not deployed through the AWS API"):
        provisioned(other)
    with pytest.raises(TypeError, match="not deployed by the embedded backend"):
        served(other)
