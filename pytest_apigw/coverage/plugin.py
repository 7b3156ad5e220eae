"""The route-coverage pytest plugin (registered by :mod:`pytest_apigw.plugin`).

``--apigw-coverage`` (or ini ``apigw_coverage = true``) prints a summary,
``--apigw-coverage-report=PATH`` writes JSON (``.json``) or HTML (``.html``),
``--apigw-coverage-fail-under=N`` fails the session below N % of routes requested. Under
pytest-xdist each worker hands its data to the controller through ``workeroutput``
(``pytest_sessionfinish`` on the worker, ``pytest_testnodedown`` on the controller), which merges
them, writes the reports and decides fail-under.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_apigw.coverage import data as model
from pytest_apigw.coverage import route_log

if TYPE_CHECKING:  # imported by a session that asks for coverage (RouteCoverage), not at start
    from pytest_apigw.coverage.collect import Collector

#: ``workeroutput`` key carrying a worker's data (a JSON string) to the controller.
WORKER_OUTPUT_KEY = "apigw_coverage"
#: The report formats by suffix.
REPORT_SUFFIXES = (".json", ".html")
#: The built-in conformance suite deploys generated APIs: not the user's, so not counted.
CONTRACT_DIR = Path(__file__).resolve().parent.parent / "contract"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--apigw-coverage``, ``--apigw-coverage-report=PATH``, ``--apigw-coverage-fail-under=N``."""
    group = parser.getgroup("apigw", "API Gateway v2 testing (pytest-apigw)")
    group.addoption(
        "--apigw-coverage", action="store_true", default=False,
        help="print which routes of each deployed API the session requested (ini: apigw_coverage)",
    )
    group.addoption(
        "--apigw-coverage-report", action="append", default=[], metavar="PATH",
        help="write the route coverage report to PATH: JSON for .json, a self-contained HTML page "
        "for .html (repeat for both)",
    )
    group.addoption(
        "--apigw-coverage-fail-under", action="store", type=float, default=None, metavar="N",
        help="fail the session when less than N%% of the deployed APIs' routes were requested",
    )
    parser.addini("apigw_coverage", "print the route coverage summary (like --apigw-coverage)",
                  type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    """Check the options and start collecting when any of them asks for coverage."""
    show = bool(config.getoption("apigw_coverage") or config.getini("apigw_coverage"))
    reports = [Path(p) for p in config.getoption("apigw_coverage_report") or []]
    fail_under = config.getoption("apigw_coverage_fail_under")
    for path in reports:
        if path.suffix.lower() not in REPORT_SUFFIXES:
            raise pytest.UsageError(
                f"--apigw-coverage-report={path}: the file name must end in .json (JSON report) or "
                ".html (HTML page)"
            )
    if fail_under is not None and not 0 <= fail_under <= 100:
        raise pytest.UsageError(
            f"--apigw-coverage-fail-under={fail_under:g}: give a percentage from 0 to 100"
        )
    if show or reports or fail_under is not None:
        config.stash[route_log.WANTED] = True  # backends with access logs give every stage one
        base = config.invocation_params.dir
        config.pluginmanager.register(
            RouteCoverage(config, show, [base / p for p in reports], fail_under), "apigw-route-coverage"
        )


class RouteCoverage:
    """One session's route coverage: collects, merges the workers', reports, checks fail-under."""

    def __init__(self, config: pytest.Config, show: bool, reports: list[Path],
                 fail_under: float | None) -> None:
        self.config = config
        self.show = show
        self.reports = reports
        self.fail_under = fail_under
        from pytest_apigw.coverage.collect import Collector

        self.collector: Collector = Collector()
        self.collector.start()
        self.workers: list[dict[str, Any]] = []
        self.result: dict[str, Any] | None = None
        self.written: list[Path] = []
        self._in_contract = False

    @property
    def is_worker(self) -> bool:
        """True in a pytest-xdist worker (its data goes to the controller)."""
        return hasattr(self.config, "workerinput")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Note whether the running test belongs to the built-in conformance suite."""
        self._in_contract = CONTRACT_DIR in Path(str(item.path)).resolve().parents

    def pytest_apigw_deployed(self, deployment: Any) -> None:
        """Count a deployment (not those of the conformance suite's generated APIs)."""
        if not self._in_contract:
            self.collector.deployed(deployment)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """Controller: take a finished worker's data."""
        raw = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
        if raw:
            self.workers.append(json.loads(raw))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Worker: hand the data over. Otherwise: merge, write the reports, apply fail-under."""
        self.collector.stop()
        self.collector.settle_all()
        own = self.collector.snapshot()
        if self.is_worker:
            self.config.workeroutput[WORKER_OUTPUT_KEY] = json.dumps(own)  # type: ignore[attr-defined]
            return
        from pytest_apigw.coverage.merge import merge

        self.result = merge([own, *self.workers])
        from pytest_apigw.coverage import report_html, report_json

        for path in self.reports:
            writer = report_json if path.suffix.lower() == ".json" else report_html
            writer.write(self.result, path)
            self.written.append(path)
        if self.failed_under() and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def failed_under(self) -> bool:
        """True when fail-under is set and not reached (or cannot be measured)."""
        if self.fail_under is None or self.result is None:
            return False
        if self.unmeasurable():
            return True
        return model.percent(*model.totals(self.result)) < self.fail_under

    def unmeasurable(self) -> bool:
        """APIs were deployed, but only to backends that cannot say which route a request matched."""
        apis = self.result["apis"].values() if self.result is not None else []
        return bool(apis) and not any(api["collected"] for api in apis)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """The summary (``--apigw-coverage``), the reports written and the fail-under verdict."""
        if self.result is None or self.config.option.collectonly:
            return
        from pytest_apigw.coverage.terminal import summary_lines

        covered, total = model.totals(self.result)
        pct = model.percent(covered, total)
        if self.show or self.written or self.fail_under is not None:
            terminalreporter.write_sep("-", f"apigw route coverage: {pct:.1f}%")
        if self.show:
            for line in summary_lines(self.result):
                terminalreporter.write_line(line)
        for path in self.written:
            terminalreporter.write_line(f"apigw route coverage report written to {path}")
        if self.fail_under is not None:
            self._fail_under_line(terminalreporter, pct)

    def _fail_under_line(self, terminalreporter: Any, pct: float) -> None:
        assert self.result is not None and self.fail_under is not None
        if not self.failed_under():
            terminalreporter.write_line(
                f"Required apigw route coverage of {self.fail_under:g}% reached. "
                f"Total route coverage: {pct:.2f}%"
            )
        elif self.unmeasurable():
            reasons = "; ".join(model.uncollected_reasons(self.result).values())
            terminalreporter.write_line(
                f"FAIL Required apigw route coverage of {self.fail_under:g}% cannot be checked: {reasons}",
                red=True, bold=True,
            )
        else:
            terminalreporter.write_line(
                f"FAIL Required apigw route coverage of {self.fail_under:g}% not reached. "
                f"Total route coverage: {pct:.2f}%", red=True, bold=True,
            )

    def pytest_unconfigure(self) -> None:
        """Stop observing the invocation log."""
        self.collector.stop()
