"""What well-known Lambda libraries keep for one execution environment, made fresh at each cold
start of an in-process function.

A library is imported once per test process and never again (its modules are not the function's
own: ``function_modules.py``), so the state it keeps in module globals for "this environment"
would carry over from one test's deployment into the next. Two such states show in tests:

- Powertools' cold-start flag: the ``cold_start`` key of its ``Logger`` lines, its ``Tracer``'s
  ``ColdStart`` annotation and its ``Metrics``' ``ColdStart`` metric. On Lambda a new function's
  first call is cold; in-process the flag stayed ``False`` after the first call of the session,
  so a test asserting it passed alone and failed after another test.
- Powertools' parameter cache (``get_parameter``, ``get_secret``: values kept 5 s by default):
  a value the previous test put in moto's SSM would still be the handler's in the next test,
  which put another. A new environment starts with an empty cache: so does a cold start here.

One interpreter holds one flag for every function: two functions deployed side by side share it
(the first of their calls is the cold one), as they share the library.
"""

from __future__ import annotations

import sys

#: ``{module: [global set True at a cold start]}`` for the libraries loaded in the test process.
COLD_START_FLAGS: dict[str, tuple[str, ...]] = {
    "aws_lambda_powertools.logging.logger": ("is_cold_start",),
    "aws_lambda_powertools.tracing.tracer": ("is_cold_start",),
    "aws_lambda_powertools.metrics.provider.cold_start": ("is_cold_start",),
    "aws_lambda_powertools.metrics.base": ("is_cold_start",),
}


#: ``{module: function}`` emptying what the library cached for the environment.
COLD_START_CALLS: dict[str, str] = {
    "aws_lambda_powertools.utilities.parameters.base": "clear_caches",
}


def cold_start() -> None:
    """A function starts cold: the loaded libraries' cold-start flags are set again and their
    per-environment caches emptied."""
    for name, flags in COLD_START_FLAGS.items():
        module = sys.modules.get(name)
        if module is not None:
            for flag in flags:
                if getattr(module, flag, None) is False:
                    setattr(module, flag, True)
    for name, function in COLD_START_CALLS.items():
        module = sys.modules.get(name)
        call = getattr(module, function, None) if module is not None else None
        if callable(call):
            call()
