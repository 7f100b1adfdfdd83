"""The tests' own shape (issue 21, item 5): helpers live in helper modules, never in a test
module or a conftest another module imports from, and the fast lane (tests/clinical,
tests/project) loads no app, so `make test-fast` needs no Flask, database, server or browser."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
FAST = ("clinical", "project")
APP_STACK = ("flask", "flask_babel", "flask_wtf", "werkzeug", "sqlalchemy", "alembic",
             "psycopg", "screener.app", "screener.db", "screener.models")


def _imported(path: Path) -> set[str]:
    """The modules `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_test_module_imports_from_a_test_module_or_a_conftest():
    wrong = {}
    for path in sorted(TESTS.rglob("*.py")):
        bad = sorted(name for name in _imported(path) if name.startswith("tests.")
                     and name.rsplit(".", 1)[-1].startswith(("test_", "conftest")))
        if bad:
            wrong[str(path.relative_to(ROOT))] = bad
    assert not wrong, "move these helpers to a helper module (tests/journeys.py, ...)"


def test_the_fast_lane_imports_no_app():
    modules = [".".join(path.relative_to(ROOT).with_suffix("").parts)
               for folder in FAST for path in sorted((TESTS / folder).glob("*.py"))]
    script = ("import sys\n" + "".join(f"import {m}\n" for m in ["tests.conftest", *modules])
              + f"print(sorted(m for m in {APP_STACK!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"tests/clinical or tests/project loads {done.stdout}"
