"""moto for tests whose handlers call AWS: fake credentials and a region, then ``mock_aws``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

FAKE_AWS = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def mocked_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's ``mock_aws`` for the test (its handlers included), with fake credentials."""
    moto = pytest.importorskip("moto")
    for name, value in FAKE_AWS.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        yield
