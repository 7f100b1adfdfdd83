"""The schema is managed by migrations: they build exactly what the models describe, on
SQLite and PostgreSQL, and make the audit trail append-only in the database itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from screener import create_app
from screener.db import MIGRATIONS, db
from screener.reference_codes import ALPHABET, LENGTH
from tests.apps import BACKENDS, POSTGRES_URL, database_url, wipe_database


@pytest.fixture(params=BACKENDS)
def empty_app(request, tmp_path):
    """The app on an empty database of each kind (no tables at all)."""
    uri = database_url(request.param, tmp_path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri,
                      "RATELIMIT_ENABLED": False})
    wipe_database(app)
    yield app
    wipe_database(app)
    with app.app_context():
        db.engine.dispose()


def test_the_migrations_build_what_the_models_describe(empty_app):
    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS))
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            drift = compare_metadata(context, db.metadata)
        assert drift == [], f"models and migrations differ: {drift}"


def test_init_db_applies_the_migrations_and_keeps_data(empty_app):
    runner = empty_app.test_cli_runner()
    assert "up to date" in runner.invoke(args=["init-db"]).output
    with empty_app.app_context():
        db.session.execute(text("INSERT INTO patients (reference, route, created_at, "
                                "updated_at) VALUES ('P-1', 'oral', CURRENT_TIMESTAMP, "
                                "CURRENT_TIMESTAMP)"))
        db.session.commit()
    assert runner.invoke(args=["init-db"]).exit_code == 0  # a second run changes nothing
    with empty_app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM patients")).scalar() == 1


def test_the_database_refuses_to_change_or_remove_audit_rows(empty_app):
    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS))
        db.session.execute(text("INSERT INTO audit_events (at, action, details) VALUES "
                                "(CURRENT_TIMESTAMP, 'sign_in', '{}')"))
        db.session.commit()
        for statement in ("UPDATE audit_events SET action = 'nothing'",
                          "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.execute(text("SELECT action FROM audit_events")).scalar() == "sign_in"


def test_the_owner_applies_the_audit_trails_retention_and_it_stays_append_only(empty_app):
    """Issue 12, item 9: audit events past RETENTION_AUDIT_DAYS go, by a command run as the
    owner; the newer ones stay, its own line is added, and the trigger is back afterwards."""
    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS))
        for days in (9 * 365, 7 * 365, 0):
            db.session.execute(text("INSERT INTO audit_events (at, action, details) VALUES "
                                    "(:at, 'sign_in', '{}')"),
                               {"at": datetime.now(UTC) - timedelta(days=days)})
        db.session.commit()
    result = empty_app.test_cli_runner().invoke(args=["apply-audit-retention"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 audit events." in result.output
    with empty_app.app_context():
        actions = db.session.execute(text("SELECT action FROM audit_events ORDER BY id")
                                     ).scalars().all()
        assert actions == ["sign_in", "sign_in", "apply_audit_retention"]
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("DELETE FROM audit_events"))
        db.session.rollback()


def test_existing_screenings_are_given_different_short_references(empty_app):
    """Issue 23, item 2: the migration adding the short reference fills it in for every
    screening already stored, each different, then makes it required and unique."""
    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="e5b1c9d3a7f2")
        for number in range(30):
            db.session.execute(text(
                "INSERT INTO screenings (public_id, created_at, ruleset_version, level, "
                "priority, score, answers, assessment, status) VALUES (:public_id, "
                "CURRENT_TIMESTAMP, '2026.5', 'soon', 4, 1, '{}', '{}', 'open')"),
                {"public_id": f"old-{number}"})
        db.session.commit()
        upgrade(directory=str(MIGRATIONS))
        codes = db.session.execute(text("SELECT reference_code FROM screenings")).scalars().all()
        assert len(codes) == len(set(codes)) == 30
        assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in codes)
        for statement in ("UPDATE screenings SET reference_code = NULL",
                          f"UPDATE screenings SET reference_code = '{codes[0]}'"):
            with pytest.raises(DBAPIError):
                db.session.execute(text(statement))
            db.session.rollback()


def test_pumps_already_on_record_get_the_worklists_days_and_flags(empty_app):
    """Issue 25: the migration adding the worklist's stored days fills them in for every
    patient already stored: the earliest alarm, the refill-by day, the battery's book-by day
    (20 mL of 500 micrograms/mL at 250 a day, 2 mL alarm: at 15 % fast, 31 days; refill by
    day 24; a pump implanted 7 years less 30 days ago books its replacement at once)."""
    today = datetime.now(UTC).date()
    refilled = today - timedelta(days=10)
    implanted = today.replace(year=today.year - 7) + timedelta(days=30)
    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="a3d9e5c1f7b4")
        db.session.execute(text(
            "INSERT INTO users (id, username, name, role, password_hash, active, session_version, "
            "created_at) VALUES (1, 'cara', 'Cara', 'clinic', '!', TRUE, 1, "
            "CURRENT_TIMESTAMP)"))
        db.session.execute(text(
            "INSERT INTO patients (id, reference, route, last_refill_on, reservoir_ml, "
            "concentration_mcg_per_ml, daily_dose_mcg, low_reservoir_alarm_ml, "
            "next_refill_date, due_date, created_at, updated_at) VALUES (1, 'P-1', "
            "'intrathecal', :refilled, 20, 500, 250, 2, :booked, :old_due, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
            {"refilled": refilled, "booked": refilled + timedelta(days=60),
             "old_due": refilled + timedelta(days=36)})
        db.session.execute(text(
            "INSERT INTO pump_settings (patient_id, recorded_at, recorded_by_id, model_name, "
            "reservoir_ml, alarm_ml, drug, concentration_mcg_per_ml, daily_dose_mcg, "
            "bolus_mcg_per_day, implanted_on) VALUES (1, CURRENT_TIMESTAMP, 1, 'A pump', 20, "
            "2, 'baclofen', 500, 250, 0, :implanted)"), {"implanted": implanted})
        db.session.commit()
        upgrade(directory=str(MIGRATIONS))
        row = db.session.execute(text(
            "SELECT due_date, refill_by, battery_book_by FROM patients")).one()
        as_dates = [value if not isinstance(value, str) else datetime.fromisoformat(
            value).date() for value in row]
        assert as_dates[:2] == [refilled + timedelta(days=31), refilled + timedelta(days=24)]
        assert as_dates[2] <= today


def test_the_migrations_go_down_as_well_as_up(empty_app):
    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS))
        downgrade(directory=str(MIGRATIONS), revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()


@pytest.mark.postgres
def test_the_apps_own_role_cannot_rewrite_the_audit_trail(tmp_path):
    """Red team M7: the app's role owned the tables, so it could TRUNCATE the trail or
    disable its trigger. Migrations run as the owner; the app's role gets grants."""
    owner = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url(
        "postgresql", tmp_path), "RATELIMIT_ENABLED": False})
    role = "screener_app_test"
    wipe_database(owner)
    try:
        with owner.app_context():
            upgrade(directory=str(MIGRATIONS))
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
                connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        result = owner.test_cli_runner().invoke(args=["grant-app-role", role])
        assert result.exit_code == 0, result.output
        app_url = POSTGRES_URL.replace("postgres@", f"{role}@", 1)
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app_url,
                          "RATELIMIT_ENABLED": False})
        client = app.test_client()
        assert client.post("/api/v1/screenings", json={"route": "oral"}).status_code == 201
        with app.app_context():
            db.session.execute(text("INSERT INTO audit_events (at, action, details) VALUES "
                                    "(CURRENT_TIMESTAMP, 'sign_in', '{}')"))
            db.session.commit()
            for statement, refusal in (
                    ("UPDATE audit_events SET action = 'x'", "permission denied"),
                    ("DELETE FROM audit_events", "permission denied"),
                    ("TRUNCATE audit_events", "permission denied"),
                    ("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
                     "must be owner")):
                with pytest.raises(DBAPIError, match=refusal):
                    db.session.execute(text(statement))
                db.session.rollback()
            db.engine.dispose()
        refused = app.test_cli_runner().invoke(args=["apply-audit-retention"])
        assert refused.exit_code == 1 and "Only the database's owner" in refused.output
        with app.app_context():
            db.engine.dispose()
        with owner.app_context():  # even the owner cannot TRUNCATE it past the trigger
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text("TRUNCATE audit_events"))
            db.session.rollback()
            assert db.session.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1
    finally:
        wipe_database(owner)
        with owner.app_context():
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"DROP OWNED BY {role}")
                connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
            db.engine.dispose()
