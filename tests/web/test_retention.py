"""Retention and erasure (red team M9): a finished draft keeps no answers, the periods are
applied by a command, and one patient's data can be erased with a trace that it was."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from screener.db import db
from screener.journey import Draft
from screener.models import (
    AuditEvent,
    Patient,
    PumpEvent,
    PumpSetting,
    Refill,
    Screening,
    ScreeningAction,
    SignInThrottle,
)
from tests.journeys import OUTCOMES, walk
from tests.pages import Journey, add_user

URGENT = {"route": "intrathecal", "symptoms": ["pruritus"], "history": {"pump_alarm": True}}


def _count(app, model, **where) -> int:
    with app.app_context():
        return db.session.query(model).filter_by(**where).count()


def _screening(app, client, answers=URGENT, **columns) -> int:
    public_id = client.post("/api/v1/screenings", json=answers).json["id"]
    with app.app_context():
        if columns:
            db.session.execute(db.update(Screening).filter_by(public_id=public_id).values(
                **columns))
            db.session.commit()
        return db.session.execute(db.select(Screening.id).filter_by(public_id=public_id)
                                  ).scalar_one()


def test_a_finished_draft_keeps_no_second_copy_of_the_answers(db_app, db_client):
    walk(Journey(db_client), {**OUTCOMES["soon"], "patient_ref": "AB-12"})
    with db_app.app_context():
        draft = db.session.execute(db.select(Draft)).scalar_one()
        assert draft.screening_id and draft.pages == {} and not draft.prefill


def test_apply_retention_deletes_what_has_passed_its_period(db_app, db_client):
    now = datetime.now(UTC)
    user_id = add_user(db_app, "ann", "clinic")
    old = _screening(db_app, db_client, created_at=now - timedelta(days=9 * 365))
    recent = _screening(db_app, db_client)
    with db_app.app_context():
        db.session.add_all([
            ScreeningAction(screening_id=old, kind="advice_given", user_id=user_id),
            Draft(pages={"route": {"route": "oral"}}, updated_at=now - timedelta(days=3)),
            Draft(pages={"route": {"route": "oral"}}),
            SignInThrottle(username="ann", address_hash="x", failures=4,
                           updated_at=now - timedelta(days=2))])
        db.session.commit()
    result = db_app.test_cli_runner().invoke(args=["apply-retention"])
    assert result.exit_code == 0, result.output
    assert "1 screenings" in result.output and "1 drafts" in result.output
    with db_app.app_context():
        assert [s.id for s in db.session.execute(db.select(Screening)).scalars()] == [recent]
        assert db.session.query(ScreeningAction).count() == 0
        assert db.session.query(Draft).count() == 1
        assert db.session.query(SignInThrottle).count() == 0
        event = db.session.execute(db.select(AuditEvent).filter_by(action="apply_retention")
                                   ).scalar_one()
        assert event.details["screenings"] == 1


def test_erasing_a_patient_removes_their_data_and_leaves_a_trace(db_app, db_client):
    user_id = add_user(db_app, "ann", "clinic")
    with db_app.app_context():
        db.session.add_all([Patient(reference="ERASE-1", route="intrathecal",
                                    name="Hannah Privatename"),
                            Patient(reference="KEEP-1", route="oral")])
        db.session.commit()
        erase_id, keep_id = (db.session.execute(db.select(Patient.id).filter_by(reference=r)
                                                ).scalar_one() for r in ("ERASE-1", "KEEP-1"))
    linked = _screening(db_app, db_client, patient_id=erase_id)
    _screening(db_app, db_client, {**URGENT, "patient_ref": "ERASE-1"})  # typed, unconfirmed
    kept = _screening(db_app, db_client, patient_id=keep_id)
    with db_app.app_context():
        db.session.add_all([
            ScreeningAction(screening_id=linked, kind="called_back", user_id=user_id),
            Refill(patient_id=erase_id, refilled_on=date.today(),
                   next_refill_date=date.today() + timedelta(days=90), recorded_by_id=user_id),
            Draft(patient_id=erase_id, previous_id=linked),
            PumpSetting(patient_id=erase_id, recorded_by_id=user_id, model_name="Another",
                        reservoir_ml=20, alarm_ml=2, concentration_mcg_per_ml=500,
                        daily_dose_mcg=300, catheter_notes="Revised 2025"),
            PumpEvent(patient_id=erase_id, recorded_by_id=user_id, kind="mri",
                      note="Head MRI at another hospital")])
        db.session.commit()
    refused = db_app.test_cli_runner().invoke(args=["erase-patient", "ERASE-1"], input="n\n")
    assert refused.exit_code != 0 and _count(db_app, Patient) == 2  # asked first
    result = db_app.test_cli_runner().invoke(args=["erase-patient", "ERASE-1", "--yes"])
    assert result.exit_code == 0, result.output
    assert "2 screenings" in result.output
    with db_app.app_context():
        assert [p.reference for p in db.session.execute(db.select(Patient)).scalars()] == [
            "KEEP-1"]
        assert [s.id for s in db.session.execute(db.select(Screening)).scalars()] == [kept]
        assert db.session.query(Refill).count() == 0 and db.session.query(Draft).count() == 0
        assert db.session.query(ScreeningAction).count() == 0
        assert db.session.query(PumpSetting).count() == 0
        assert db.session.query(PumpEvent).count() == 0
        event = db.session.execute(db.select(AuditEvent).filter_by(action="erase_patient")
                                   ).scalar_one()
        assert event.record_id == str(erase_id) and event.details["screenings"] == 2
        assert "ERASE-1" not in str(event.details) and "Hannah" not in str(event.details)
    missing = db_app.test_cli_runner().invoke(args=["erase-patient", "NOPE-1", "--yes"])
    assert missing.exit_code != 0 and "No patient has the reference" in missing.output


def test_erasure_takes_exactly_that_patients_data(db_app, db_client):
    """Red team 2, M14: a screening typed as ERASE-1 but linked by staff to KEEP-1 was
    erased from KEEP-1's timeline; one typed as erase-1 was kept; a refused last page kept
    the reference and a phone number in a draft."""
    with db_app.app_context():
        db.session.add_all([Patient(reference="ERASE-1", route="intrathecal"),
                            Patient(reference="KEEP-1", route="oral")])
        db.session.commit()
        keep_id = db.session.execute(db.select(Patient.id).filter_by(reference="KEEP-1")
                                     ).scalar_one()
    corrected = _screening(db_app, db_client, {**URGENT, "patient_ref": "ERASE-1"},
                           patient_id=keep_id)  # staff linked it to the right patient
    _screening(db_app, db_client, {**URGENT, "patient_ref": "erase-1"})  # typed in lower case
    with db_app.app_context():
        db.session.add_all([
            Draft(pending={"patient_ref": "ERASE-1", "callback_phone": "07700 900333"}),
            Draft(pages={"about": {"patient_ref": "Erase-1"}}),
            Draft(pages={"about": {"patient_ref": "ERASE-10"}})])  # someone else's
        db.session.commit()
    result = db_app.test_cli_runner().invoke(args=["erase-patient", "ERASE-1", "--yes"])
    assert result.exit_code == 0, result.output
    assert "2 drafts" in result.output and "1 screenings" in result.output
    with db_app.app_context():
        assert [s.id for s in db.session.execute(db.select(Screening)).scalars()] == [
            corrected]
        drafts = list(db.session.execute(db.select(Draft)).scalars())
        assert [d.pages for d in drafts] == [{"about": {"patient_ref": "ERASE-10"}}]


def test_an_erased_reference_leaves_no_trace_in_the_sqlite_files(tmp_path):
    """Red team 2 (INFO): on SQLite, secure_delete wiped the erased values from the main
    file, but they stayed in the write-ahead log until a checkpoint reset it. Erasure now
    ends with a checkpoint that empties the log."""
    from screener import create_app

    path = tmp_path / "erase.sqlite"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        db.session.add(Patient(reference="WIPE-7731", name="Quentin Wipeable", route="oral"))
        db.session.commit()
    client = app.test_client()
    client.post("/api/v1/screenings", json={**URGENT, "patient_ref": "WIPE-7731"})
    result = app.test_cli_runner().invoke(args=["erase-patient", "WIPE-7731", "--yes"])
    assert result.exit_code == 0, result.output
    for file in tmp_path.glob("erase.sqlite*"):
        data = file.read_bytes()
        assert b"WIPE-7731" not in data and b"Wipeable" not in data, file.name
