"""``api_root``: where generated request paths start, on every backend's URL shape."""

from types import SimpleNamespace

from pytest_apigw.strategies import api_root


def test_embedded_default_and_named_stage():
    assert api_root(SimpleNamespace(url="http://127.0.0.1:5000", stage="$default")) == "http://127.0.0.1:5000"
    assert api_root(SimpleNamespace(url="http://127.0.0.1:5000/dev", stage="dev")) == "http://127.0.0.1:5000"


def test_localstack_path_style_keeps_its_prefix():
    base = "http://127.0.0.1:4566/_aws/execute-api/abc123"
    assert api_root(SimpleNamespace(url=f"{base}/$default", stage="$default")) == base
    assert api_root(SimpleNamespace(url=f"{base}/prod", stage="prod")) == base


def test_a_plain_url_is_the_root():
    assert api_root("http://127.0.0.1:5000/") == "http://127.0.0.1:5000"
