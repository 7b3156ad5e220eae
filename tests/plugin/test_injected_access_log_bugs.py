"""The access-log case catches a rendering bug, in a real ``pytest --apigw`` run: the embedded
backend with one bug injected (a ``conftest.py`` written into the pytester folder patches it),
while the suite predicts from the spec as usual.

``route_path_only``: ``$context.routeKey`` is written without its method (``/pets/{id}`` for
``GET /pets/{id}``), a plausible slip when the key is rebuilt from the matched route's path.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.support.injection import injection_profiles

BUGGY = textwrap.dedent(
    '''
    import pytest_apigw_embedded.exchange.access_log as access_log

    _values = access_log.http_values

    def route_path_only(*args, **kwargs):
        values = _values(*args, **kwargs)
        key = values.get("routeKey")
        if isinstance(key, str) and " " in key:
            values["routeKey"] = key.partition(" ")[2]
        return values

    access_log.http_values = route_path_only
    '''
) + injection_profiles()


def test_access_log_case_catches_a_route_key_without_its_method(pytester: pytest.Pytester) -> None:
    """The case fails and names the ``routeKey`` field (JSON) or the whole line (text)."""
    pytester.makeconftest(BUGGY)
    result = pytester.runpytest_subprocess("--apigw", "-p", "no:randomly", "--hypothesis-profile=injection",
                                           "-k", "access_log", timeout=120)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*model and backend disagree on the access log*",
                                 "*== differences (model vs observed) ==*"])
    out = result.stdout.str()
    assert "($context.routeKey): model '" in out or "line: model '" in out, out
