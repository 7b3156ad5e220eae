"""The WebSocket limits case catches an emulation bug, in a real ``pytest --apigw`` run: the
embedded backend with its 32 KB frame limit switched off (a ``conftest.py`` written into the
pytester folder patches it), while the suite predicts from the AWS quotas as usual: a frame over
32 KB then reaches the route instead of closing the connection with 1009."""

from __future__ import annotations

import textwrap

import pytest

from tests.support.injection import injection_profiles

BUGGY = textwrap.dedent(
    '''
    import pytest_apigw_embedded.server.websocket_protocol as websocket_protocol

    websocket_protocol.MAX_FRAME_BYTES = 10 * 1024 * 1024  # the bug: no frame limit
    '''
) + injection_profiles()


def test_frame_limit_off_fails_the_websocket_limits_case(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(BUGGY)
    result = pytester.runpytest_subprocess("--apigw", "-p", "no:randomly", "--hypothesis-profile=injection",
                                           "-k", "test_websocket_size_limits", timeout=120)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "WebSocket limits" in out and "a frame of" in out, out[-4000:]
    assert "close: model 1009, observed None" in out, out[-4000:]
