"""Project-wide test configuration. pytester is enabled in pyproject.toml (``-p pytester``):
``pytest_plugins`` here would break runs whose rootdir is elsewhere (``cd /tmp && pytest --apigw``
collects the conformance suite from this tree, making this a non-top-level conftest)."""
