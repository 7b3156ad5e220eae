"""The import rules of docs/ARCHITECTURE.md, checked on the source: no import runs back up.

The embedded backend is built in floors, in the order a request flows through it. A module may
import its own package and the floors below its own; never a floor above, never a sibling on the
same floor (``gateway`` and ``websocket`` are two tops; ``integrations`` and ``authorizers`` are
two steps of the chain that share only what lies below them). The core never imports a backend,
and the reference model never imports anything that it judges.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED = ROOT / "plugins" / "pytest_apigw_embedded"
CORE = ROOT / "pytest_apigw"

#: Floor of each top-level part of ``pytest_apigw_embedded`` (higher floors import lower ones).
FLOORS: dict[str, int] = {
    "plugin": 9, "backend": 8,
    "gateway": 7, "websocket": 7,
    "deployed": 6,
    "integrations": 5, "authorizers": 5,
    "lambda_events": 4,
    "exchange": 3,
    "services": 2,
    "server": 1, "lambda_runtime": 1,
    "aws": 0, "bounded": 0, "__init__": 0,
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every absolute import in ``path`` (function-level ones too)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)]
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names
                      if node.module == "pytest_apigw_embedded"]
    return found


def _part(module_path: Path) -> str:
    rel = module_path.relative_to(EMBEDDED)
    return rel.parts[0].removesuffix(".py")


def _sources(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "_boot" not in p.parts)


def embedded_violations() -> list[str]:
    """Every import in the embedded backend that runs up or sideways, as readable lines."""
    bad: list[str] = []
    for path in _sources(EMBEDDED):
        own = _part(path)
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] != "pytest_apigw_embedded" or len(parts) < 2:
                continue
            target = parts[1]
            if target == own:
                continue
            if target not in FLOORS or own not in FLOORS:
                bad.append(f"{path.relative_to(ROOT)}:{line}: {target!r} or {own!r} has no floor")
            elif FLOORS[target] >= FLOORS[own]:
                how = "sideways" if FLOORS[target] == FLOORS[own] else "up"
                bad.append(f"{path.relative_to(ROOT)}:{line}: {own} imports {module} ({how})")
    return bad


def test_every_part_of_the_embedded_backend_has_a_floor() -> None:
    parts = {p.name.removesuffix(".py") for p in EMBEDDED.iterdir()
             if (p.suffix == ".py" or (p / "__init__.py").exists())}
    missing = parts - set(FLOORS)
    assert not missing, f"give these a floor in FLOORS and docs/ARCHITECTURE.md: {missing}"


def test_no_import_runs_up_or_sideways_in_the_embedded_backend() -> None:
    assert embedded_violations() == []


@pytest.mark.parametrize("backend", ["pytest_apigw_embedded", "pytest_apigw_localstack"])
def test_the_core_never_imports_a_backend(backend: str) -> None:
    bad = [f"{p.relative_to(ROOT)}:{line}: {m}" for p in _sources(CORE)
           for line, m in _imports(p) if m.split(".")[0] == backend]
    assert bad == []


def test_the_reference_model_imports_only_the_spec_and_itself() -> None:
    model = CORE / "contract" / "model"
    # its input is a request as the strategies write it on the wire (plain data)
    allowed = ("pytest_apigw.contract.model", "pytest_apigw.spec", "pytest_apigw.errors",
               "pytest_apigw.strategies.wire")
    bad = [f"{p.relative_to(ROOT)}:{line}: {m}" for p in _sources(model)
           for line, m in _imports(p)
           if m.split(".")[0].startswith("pytest_apigw") and not m.startswith(allowed)]
    assert bad == []


def test_the_rule_catches_an_upward_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker itself can fail: a copy of the tree with one import running up is caught."""
    fake = tmp_path / "pytest_apigw_embedded"
    (fake / "exchange").mkdir(parents=True)
    (fake / "gateway").mkdir()
    (fake / "exchange" / "bad.py").write_text("from pytest_apigw_embedded.gateway import http_app\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "EMBEDDED", fake)
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "ROOT", tmp_path)
    assert embedded_violations() == [
        "pytest_apigw_embedded/exchange/bad.py:1: exchange imports pytest_apigw_embedded.gateway (up)"
    ]
