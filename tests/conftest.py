"""Fixtures shared by every test suite of the project."""

from tests.support.oidc import issuer  # noqa: F401 - the loopback OIDC issuer fixture
