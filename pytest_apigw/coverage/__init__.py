"""Route coverage: which routes of each deployed API the test session requested, and how.

The flow: :mod:`.collect` (deployments and the invocation log, per process) → :mod:`.merge`
(pytest-xdist workers into one) → :mod:`.report_json`, :mod:`.report_html`, :mod:`.terminal`;
:mod:`.plugin` is the pytest plugin (options, xdist hand-over, fail-under).

The data is plain JSON-able dicts (:mod:`.data` says their shape), so it crosses process
boundaries as it is and a CI job can read the JSON report without this package.
"""
