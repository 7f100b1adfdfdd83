"""Shared factories for the staff tests: answer sets, screenings sent and aged, patients,
forms posted as a browser would, and what the queue and the audit trail hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from screener.db import db
from screener.models import AuditEvent, Patient, Screening
from tests.pages import Journey, csrf_token

SVG = "{http://www.w3.org/2000/svg}"
CAREGIVER_URGENT = {"route": "intrathecal", "symptoms": ["pruritus"],
                    "history": {"pump_alarm": True}, "respondent": "caregiver"}
EMERGENCY = {"route": "intrathecal", "symptoms": ["seizure"], "respondent": "caregiver"}
SOON = {"route": "oral", "symptoms": ["muscle_spasms", "anxiety"], "respondent": "patient",
        "history": {"abrupt_stop": False, "ran_out_of_medication": False,
                    "unable_to_take_oral": False, "missed_doses": False}}
ROUTINE = {"route": "oral", "history": {"long_term_use": True}, "respondent": "patient"}


def submit(client, answers: dict, number: str | None = "07700 900555") -> str:
    """A screening sent the way a caregiver's app or the web journey saves one, by someone
    who left `number` to be called back on (None: no number, the queue's second lane)."""
    response = client.post("/api/v1/screenings", json=answers)
    assert response.status_code == 201
    if number:
        with client.application.app_context():
            db.session.execute(db.update(Screening).filter_by(public_id=response.json["id"])
                               .values(callback_phone=number))
            db.session.commit()
    return response.json["id"]


def age(app, public_id: str, **delta) -> None:
    """Move a screening back in time."""
    with app.app_context():
        db.session.execute(db.update(Screening).filter_by(public_id=public_id).values(
            created_at=datetime.now(UTC) - timedelta(**delta)))
        db.session.commit()


def confirm_reference(app, public_id: str, reference: str) -> None:
    """As staff do on the screening page: the caregiver's reference is this patient."""
    with app.app_context():
        patient_id = db.session.execute(db.select(Patient.id).filter_by(
            reference=reference)).scalar_one()
        db.session.execute(db.update(Screening).filter_by(public_id=public_id).values(
            patient_id=patient_id))
        db.session.commit()


def make_patient(app, reference: str = "P-1", **fields) -> int:
    """A patient record (route "intrathecal" unless given); returns its id."""
    with app.app_context():
        patient = Patient(reference=reference, **{"route": "intrathecal", **fields})
        db.session.add(patient)
        db.session.commit()
        return patient.id


def patient_path(app, reference: str = "P-1") -> str:
    """A patient's staff page: keyed by the record's id, never its reference."""
    with app.app_context():
        patient_id = db.session.execute(db.select(Patient.id).filter_by(
            reference=reference)).scalar_one()
    return f"/staff/patients/{patient_id}"


def saved(app, public_id: str) -> Screening:
    """A screening as stored, detached, with its patient and actions loaded."""
    with app.app_context():
        screening = db.session.execute(db.select(Screening).filter_by(
            public_id=public_id)).scalar_one()
        _ = screening.patient, screening.actions, screening.closed_by
        db.session.expunge_all()
        return screening


def queue_ids(tree) -> list[str]:
    return [a.get("href").rsplit("/", 1)[1] for a in tree.findall(".//tbody//a")
            if "/staff/screenings/" in a.get("href")]


def audit_rows(app) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars())
        db.session.expunge_all()
        return rows


def post_form(journey: Journey, page: str, action: str, data: dict):
    """POST to `action` with the CSRF token from `page`, as its form would."""
    _, tree = journey.get(page)
    return journey.client.post(action, data={**data, "csrf_token": csrf_token(tree)})
