"""Shared fixtures: an app on a throw-away SQLite file, and one per database backend."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from screener import create_app
from screener.app import database_uri
from screener.db import db

POSTGRES_URL = os.environ.get(
    "SCREENER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# The database under the whole suite's `app` fixture: sqlite (default) or postgresql.
# `make test` runs the suite once with each.
SUITE_DATABASE = os.environ.get("SCREENER_TEST_DATABASE", "sqlite")


def wipe_database(app) -> None:
    """Remove every table, the migration record and the audit trigger function."""
    from sqlalchemy import text

    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP FUNCTION IF EXISTS audit_events_append_only() "
                                    "CASCADE"))
        db.session.commit()


def _make_app(uri: str):
    # Rate limits are off here (hundreds of posts a minute); tests/test_security.py turns
    # them on.
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri,
                      "RATELIMIT_ENABLED": False})
    wipe_database(app)
    with app.app_context():
        db.create_all()  # quicker than the migrations, which tests/test_migrations.py checks
    return app


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replace pytest-flask's: a request context held open for the whole test makes every
    request share one `g` (cached CSRF tokens, cached signed-in user). Each request here gets
    its own, as in production."""
    yield


@pytest.fixture
def app(tmp_path):
    """The app on a fresh database: SQLite, or PostgreSQL when SCREENER_TEST_DATABASE says so
    (pytest-flask builds `client` from it)."""
    app = _make_app(database_url(SUITE_DATABASE, tmp_path))
    yield app
    if SUITE_DATABASE == "postgresql":
        wipe_database(app)
    with app.app_context():
        db.engine.dispose()


def _require_postgres() -> None:
    """Skip with the reason locally; fail in CI, where PostgreSQL must be there."""
    plain = database_uri(POSTGRES_URL).replace("postgresql+psycopg://", "postgresql://")
    try:
        psycopg.connect(plain, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        message = f"PostgreSQL unreachable at {POSTGRES_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + " (set CI=true to make this a failure)")


# Parametrize a fixture or test with these to run it on each database.
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def database_url(kind: str, tmp_path) -> str:
    """A fresh SQLite file under `tmp_path`, or the test PostgreSQL (which must answer)."""
    if kind == "postgresql":
        _require_postgres()
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture(params=BACKENDS)
def db_app(request, tmp_path):
    """The app on each database backend: SQLite, and PostgreSQL."""
    app = _make_app(database_url(request.param, tmp_path))
    yield app
    wipe_database(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def db_client(db_app):
    return db_app.test_client()


def pytest_terminal_summary(terminalreporter):
    """Say plainly how the PostgreSQL and browser tests went, so CI output shows they ran."""
    def counts(belongs) -> dict[str, int]:
        found = {}
        for outcome in ("passed", "failed", "error", "skipped"):
            reports = terminalreporter.stats.get(outcome, [])
            found[outcome] = sum(1 for r in reports if belongs(getattr(r, "nodeid", "")))
        return found

    line = "{passed} passed, {failed} failed, {error} errors, {skipped} skipped"
    terminalreporter.write_line(f"Whole suite on: {SUITE_DATABASE}")
    terminalreporter.write_line(f"PostgreSQL tests ({POSTGRES_URL}): " + line.format(
        **counts(lambda nodeid: "[postgresql]" in nodeid)))
    terminalreporter.write_line("Browser tests (Chromium, axe-core WCAG 2.1 AA): " + line.format(
        **counts(lambda nodeid: nodeid.startswith("tests/browser/"))))
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
