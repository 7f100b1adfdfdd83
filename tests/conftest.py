"""The whole suite's conftest: it imports no app, so tests/clinical and tests/project run
without Flask, SQLAlchemy or a database (`make test-fast`). The app fixtures are in
tests/apps.py, imported by the conftest of each folder that needs them."""

from __future__ import annotations

from pathlib import Path

from tests.services import POSTGRES_URL, SUITE_DATABASE

# Folders whose tests need no app: the fast lane (`make test-fast`).
FAST = ("tests/clinical/", "tests/project/")
PROBES = "tests/clinical/test_probes.py"


def pytest_terminal_summary(terminalreporter):
    """Say plainly how the PostgreSQL and browser tests went, so CI output shows they ran
    (only when the run held tests that need an app), and the rule set against its wanted
    levels (when the run held the probe table's tests: the whole suite, `make test-fast`)."""
    def counts(belongs) -> dict[str, int]:
        found = {}
        for outcome in ("passed", "failed", "error", "skipped"):
            reports = terminalreporter.stats.get(outcome, [])
            found[outcome] = sum(1 for r in reports if belongs(getattr(r, "nodeid", "")))
        return found

    reports = [r for outcome in ("passed", "failed", "error", "skipped")
               for r in terminalreporter.stats.get(outcome, [])]
    if any(not getattr(r, "nodeid", "").startswith(FAST) for r in reports):
        line = "{passed} passed, {failed} failed, {error} errors, {skipped} skipped"
        terminalreporter.write_line(f"Whole suite on: {SUITE_DATABASE}")
        terminalreporter.write_line(f"PostgreSQL tests ({POSTGRES_URL}): " + line.format(
            **counts(lambda nodeid: "[postgresql]" in nodeid)))
        terminalreporter.write_line("Browser tests (Chromium, axe-core WCAG 2.1 AA): "
                                    + line.format(**counts(
                                        lambda nodeid: nodeid.startswith("tests/browser/"))))
    if any(getattr(r, "nodeid", "").startswith(PROBES) for r in reports):
        terminalreporter.write_line(_bands_line())


def _bands_line() -> str:
    """The rule set against its wanted levels (issue 20, item 7): benign over-triage is the
    share of rows whose highest acceptable level is soon or routine that are given more."""
    from screener.cli.replay import band_count
    from screener.clinical.rules import default_ruleset

    rules, data = default_ruleset(), Path(__file__).parent / "data"
    parts = []
    for name in ("probes", "review_cases", "everyday_calls"):
        count = band_count(data / f"{name}.json", rules)
        parts.append(f"{name} {count.benign_over}/{count.benign} ({count.benign_share:.1%}), "
                     f"{count.under} under")
    return f"Benign over-triage, rule set {rules.version}: " + "; ".join(parts)
