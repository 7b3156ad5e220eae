"""The Hypothesis profiles of the injected-bug runs (text for a pytester ``conftest.py``).

``injection``: enough examples to meet the bug, derandomized, no shrinking (the report prints
the whole case); ``injection-shrink``: the same with shrinking, only where the shrunk report is
what a test reads (slow: a deploy per step).
"""

from __future__ import annotations


def injection_profiles(max_examples: int = 30) -> str:
    """Conftest source registering ``injection`` and ``injection-shrink`` with ``max_examples``."""
    return f'''
from hypothesis import HealthCheck as _HealthCheck, Phase as _Phase, settings as _settings

for _name, _phases in (("injection", [_Phase.explicit, _Phase.generate]),
                       ("injection-shrink", [_Phase.explicit, _Phase.generate, _Phase.shrink])):
    _settings.register_profile(_name, max_examples={max_examples}, deadline=None, derandomize=True,
                               database=None, phases=_phases, suppress_health_check=list(_HealthCheck))
'''
