"""The Hypothesis profiles of the injected-bug runs (text for a pytester ``conftest.py``).

``injection``: the cases' explicit examples only (``pytest_apigw/contract/explicit.py``: the
edge cases AWS documents, which meet every injected bug whatever Hypothesis would draw), no
example database; a run without a bug under the same profile is the control. ``injection-shrink``:
generated examples only, shrunk, for the one test that reads a shrunk report (slow: a deploy per
step); ``max_examples`` is its budget.
"""

from __future__ import annotations


def injection_profiles(max_examples: int = 30) -> str:
    """Conftest source registering ``injection`` and ``injection-shrink``."""
    return f'''
from hypothesis import HealthCheck as _HealthCheck, Phase as _Phase, settings as _settings

_settings.register_profile("injection", deadline=None, derandomize=True, database=None,
                           phases=[_Phase.explicit], suppress_health_check=list(_HealthCheck))
_settings.register_profile("injection-shrink", max_examples={max_examples}, deadline=None, derandomize=True,
                           database=None, phases=[_Phase.generate, _Phase.shrink],
                           suppress_health_check=list(_HealthCheck))
'''
