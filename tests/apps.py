"""The app fixtures, for the tests that need an app (tests/web, tests/staff, tests/system,
tests/browser): each of those folders' conftest imports them from here, so the clinical
tests, which need no app, never import Flask.

pytest-flask's `client` is imported here explicitly: its plugin is not loaded (pyproject's
addopts), so neither are its autouse fixtures, one of which held a request context open for
the whole test and made every request share one `g` (cached CSRF tokens, cached signed-in
user). Each request here gets its own, as in production.
"""

from __future__ import annotations

import pytest
from pytest_flask.fixtures import client  # noqa: F401 - a fixture, for the conftests

from screener import create_app
from screener.db import db
from tests.services import POSTGRES_URL, SUITE_DATABASE, require

__all__ = ["BACKENDS", "POSTGRES_URL", "SUITE_DATABASE", "app", "client", "database_url",
           "db_app", "db_client", "make_app", "wipe_database"]


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


def make_app(uri: str):
    """The app on `uri`, its tables new. Rate limits are off here (hundreds of posts a
    minute); tests/web/test_security.py turns them on."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri,
                      "RATELIMIT_ENABLED": False})
    wipe_database(app)
    with app.app_context():
        db.create_all()  # quicker than the migrations, which tests/web/test_migrations.py checks
    return app


# Parametrize a fixture or test with these to run it on each database.
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def database_url(kind: str, tmp_path) -> str:
    """A fresh SQLite file under `tmp_path`, or the test PostgreSQL (which must answer)."""
    if kind == "postgresql":
        require("postgresql")
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def app(tmp_path):
    """The app on a fresh database: SQLite, or PostgreSQL when SCREENER_TEST_DATABASE says so
    (`client` is built from it)."""
    app = make_app(database_url(SUITE_DATABASE, tmp_path))
    yield app
    if SUITE_DATABASE == "postgresql":
        wipe_database(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_app(request, tmp_path):
    """The app on each database backend: SQLite, and PostgreSQL."""
    app = make_app(database_url(request.param, tmp_path))
    yield app
    wipe_database(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def db_client(db_app):
    return db_app.test_client()


def no_half_records(app) -> None:
    """After fuzzing: no screening, action, refill or patient written in part."""
    from screener.models import Patient, Refill, Screening, ScreeningAction

    with app.app_context():
        for screening in db.session.execute(db.select(Screening)).scalars():
            assert screening.assessment and screening.answers and screening.level
        assert db.session.execute(db.select(ScreeningAction).where(
            ScreeningAction.kind.is_(None))).first() is None
        for refill in db.session.execute(db.select(Refill)).scalars():
            assert refill.refilled_on < refill.next_refill_date
            patient = db.session.get(Patient, refill.patient_id)
            assert patient.last_refill_on and patient.next_refill_date
        for patient in db.session.execute(db.select(Patient)).scalars():
            assert patient.reference and patient.reference.strip() == patient.reference
            numbers = (patient.reservoir_ml, patient.concentration_mcg_per_ml,
                       patient.daily_dose_mcg, patient.low_reservoir_alarm_ml)
            assert all(n is None or 0 <= n <= 4000 for n in numbers), numbers
