"""The seed's six examples as real ``aws-cdk-lib`` stacks, built once per session."""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


@pytest.fixture(scope="session")
def seed_stacks() -> dict:
    """``{example name: aws_cdk.Stack}``, all in one ``cdk.App``; ``load_template(stack)``
    synthesizes the app on first use, once for the whole session."""
    if shutil.which("node") is None:
        pytest.skip("aws-cdk-lib runs on Node.js (jsii): no `node` on PATH")
    pytest.importorskip("aws_cdk", reason="needs aws-cdk-lib (the test extra)")
    from seed_stacks import seed_app

    return seed_app()
