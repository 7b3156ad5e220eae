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


def test_the_connections_client_signs_like_the_backend_it_talks_to(monkeypatch):
    """Against AWS: the credential chain in the API's region; locally: test credentials only
    when none are set (it never hard-codes them over a user's)."""
    from pytest_apigw.ws_client import management_client

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "user-secret")
    aws = management_client("https://abc123.execute-api.eu-west-2.amazonaws.com/prod")
    assert aws.meta.region_name == "eu-west-2"
    assert aws._request_signer._credentials.access_key == "AKIAUSERKEY"
    local = management_client("http://127.0.0.1:4566/_aws/execute-api/abc/dev")
    assert local._request_signer._credentials.access_key == "AKIAUSERKEY"
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    bare = management_client("http://127.0.0.1:4566/_aws/execute-api/abc/dev")
    assert bare._request_signer._credentials.access_key == "test"
