"""The demo clinic (screener/demo.py), on SQLite and PostgreSQL: what it makes, that its
levels come from the engine, and when it refuses."""

from __future__ import annotations

from datetime import date
from xml.etree.ElementTree import tostring

import pytest

from screener import demo
from screener.clinical.rules import LEVELS
from screener.db import db
from screener.models import (
    AuditEvent,
    DatabaseMark,
    Patient,
    Refill,
    Screening,
    ScreeningAction,
    User,
)
from screener.pump.clinic import flag_counts
from screener.screenings import run_assessment
from tests.demo import accounts
from tests.pages import Journey, sign_in, text_of

TABLES = (User, Patient, Screening, ScreeningAction, Refill, AuditEvent)


@pytest.fixture(autouse=True)
def development_database(db_app):
    """Each database here marked as `flask init-db` marks one in development."""
    with db_app.app_context():
        db.session.add(DatabaseMark(name="development"))
        db.session.commit()


def run_demo(app):
    return app.test_cli_runner().invoke(args=["demo"])


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {model.__tablename__: db.session.execute(
            db.select(db.func.count()).select_from(model)).scalar_one() for model in TABLES}


def all_of(app, model) -> list:
    with app.app_context():
        rows = list(db.session.execute(db.select(model)).scalars())
        db.session.expunge_all()
        return rows


def refused(result) -> str:
    """A refusal: exit status 1, one line on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_the_demo_clinic_has_every_level_claims_closes_a_timeline_and_refills(db_app):
    result = run_demo(db_app)
    assert result.exit_code == 0, result.output
    assert "Demo accounts (a local demo only; never use them on a real service):" in result.stdout
    printed = accounts(result.stdout)
    assert sorted(printed) == ["admin", "clinic", "triage"]
    assert len({password for _, password in printed.values()}) == 3
    assert all(len(password) >= 12 for _, password in printed.values())

    screenings = all_of(db_app, Screening)
    assert {s.level for s in screenings if s.status == "open"} == set(LEVELS)
    assert any(s.status == "claimed" for s in screenings)
    closed = [s for s in screenings if s.status == "closed"]
    assert closed and all(s.closed_by_id and s.claimed_by_id for s in closed)
    acted_on = {a.screening_id for a in all_of(db_app, ScreeningAction)}
    assert {s.id for s in closed} <= acted_on
    # Every level came from the engine: scored again, each stored answer set gives it back.
    with db_app.app_context():
        rules = db_app.extensions["ruleset"]
        for screening in screenings:
            again = run_assessment(screening.answers, rules)
            assert (again.level, again.score) == (screening.level, screening.score)
            assert screening.ruleset_hash == rules.short_hash

    # Marked as demo data everywhere.
    patients = all_of(db_app, Patient)
    assert {p.route for p in patients} >= {"intrathecal", "oral"}
    assert all(p.reference.startswith("DEMO-") and p.notes.startswith("Demo data")
               for p in patients)
    assert all(s.patient_ref.startswith("DEMO-") for s in screenings)
    assert all(a.note.startswith("Demo data") for a in all_of(db_app, ScreeningAction))
    trail = all_of(db_app, AuditEvent)
    assert all(event.details.get("demo") for event in trail)
    assert {"create_user", "create", "record_refill", "link_patient", "claim", "add_action",
            "close", "start_call"} <= {event.action for event in trail}

    with db_app.app_context():  # the clinic worklist shows every kind of flag
        assert 0 not in flag_counts(date.today()).values()

    # The printed accounts sign in; the pages show the queue, a trend and the worklist.
    for role, (username, password) in printed.items():
        client = db_app.test_client()
        journey = Journey(client)
        assert sign_in(journey, username, password).status_code == 302, role
        _, queue = journey.get("/staff/")
        assert len(queue.findall(".//tbody/tr")) >= 4
        trend = next(p for p in patients if sum(s.patient_id == p.id for s in screenings) > 1)
        _, timeline = journey.get(f"/staff/patients/{trend.id}")
        assert len(timeline.findall(".//{http://www.w3.org/2000/svg}path[@transform]")) >= 2
        _, refills = journey.get("/staff/refills")
        shown = " ".join(text_of(tr) for tr in refills.findall(".//tbody/tr"))
        for flag in ("Booked refill missed", "Book a refill by", "Residual differed",
                     "Book the battery replacement by", "Check the pump is running"):
            assert flag in shown, flag
        assert "May run empty today" in shown and b"tel:07700900123" in tostring(refills)


def test_the_demo_refuses_outside_development_writing_nothing(db_app, monkeypatch):
    monkeypatch.setitem(db_app.config, "TESTING", False)  # the app's development check
    line = refused(run_demo(db_app))
    assert "outside development" in line
    assert set(counts(db_app).values()) == {0}


def test_flask_debug_does_not_let_the_demo_in(db_app, monkeypatch):
    """Red team 2, M15: `FLASK_DEBUG=1 flask demo` ran on an empty production database and
    printed an admin's password: Flask's debug flag made the app think it was development."""
    monkeypatch.setitem(db_app.config, "TESTING", False)
    monkeypatch.setattr(db_app, "debug", True)
    assert "outside development" in refused(run_demo(db_app))
    assert set(counts(db_app).values()) == {0}


def test_the_demo_refuses_a_database_not_set_up_for_development(db_app):
    """Red team 2, M15: the demo ran on an empty production database. It now fills only a
    database that `flask init-db` marked in development, whatever the settings say now."""
    with db_app.app_context():
        db.session.execute(db.delete(DatabaseMark))
        db.session.commit()
    assert "not set up for development" in refused(run_demo(db_app))
    assert set(counts(db_app).values()) == {0}


def test_init_db_marks_a_development_database_only(tmp_path, monkeypatch):
    from screener import create_app

    for development, marked in ((False, []), (True, ["development"])):
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/{development}.db",
                          "SECRET_KEY": "x" * 64, "DEVELOPMENT": development})
        result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            assert [m.name for m in db.session.execute(db.select(DatabaseMark)).scalars()
                    ] == marked
            db.engine.dispose()


def test_the_demo_runs_once_and_refuses_a_database_holding_data(db_app):
    assert run_demo(db_app).exit_code == 0
    before = counts(db_app)
    line = refused(run_demo(db_app))
    assert "already holds data (patients 6, screenings 15, users 3)" in line
    assert "runs once" in line
    assert counts(db_app) == before


def test_the_demo_refuses_a_database_with_any_user_or_patient(db_app):
    for made in (User(username="a.nurse", name="A Nurse", role="triage", password_hash="x"),
                 Patient(reference="P-1")):
        with db_app.app_context():
            db.session.execute(db.delete(User))
            db.session.add(made)
            db.session.commit()
        before = counts(db_app)
        assert "already holds data" in refused(run_demo(db_app))
        assert counts(db_app) == before


def test_the_demo_fails_loudly_if_the_rules_no_longer_give_a_level(db_app, monkeypatch):
    """Without its open screenings the demo would show no level in the queue: it says which
    levels are missing and writes nothing."""
    monkeypatch.setattr(demo, "SCREENINGS", tuple(s for s in demo.SCREENINGS if s[4]))
    line = refused(run_demo(db_app))
    assert "no longer scores the demo's open screenings at every level" in line
    assert ", ".join(LEVELS) in line
    assert set(counts(db_app).values()) == {0}
