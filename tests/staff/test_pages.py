"""Every staff page passes the page checks, and the same work on each database."""

from __future__ import annotations

from datetime import date, timedelta

from screener.db import db
from screener.models import AuditEvent, Patient, Screening
from tests.pages import Journey, add_user, sign_in, text_of
from tests.staff.factories import (
    CAREGIVER_URGENT,
    EMERGENCY,
    SOON,
    age,
    patient_path,
    post_form,
    queue_ids,
    submit,
)

# --- Every staff page passes the page checks ------------------------------------------------

def test_every_staff_page_passes_the_page_checks(app, client, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today()))
        db.session.commit()
    urgent = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1"})
    journey = staff()
    record = patient_path(app)
    for path in ("/staff/", "/staff/?status=all", f"/staff/screenings/{urgent}",
                 "/staff/patients", "/staff/patients/new", record, f"{record}/edit",
                 f"{record}/refill", "/staff/refills",
                 "/staff/exports", "/staff/audit"):
        journey.get(path)


# --- The same work on each database (SQLite and PostgreSQL) ------------------------------------

def test_the_staff_workflow_on_each_database(db_app, db_client):
    add_user(db_app, "ann", "clinic")
    with db_app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today() - timedelta(days=1)))
        db.session.commit()
    soon = submit(db_client, {**SOON, "patient_ref": "P-1"})
    urgent = submit(db_client, CAREGIVER_URGENT)
    emergency = submit(db_client, EMERGENCY)
    age(db_app, urgent, minutes=30)
    journey = Journey(db_client)
    assert sign_in(journey, "ann").status_code == 302
    _, tree = journey.get("/staff/")
    assert queue_ids(tree) == [emergency, urgent, soon]
    page = f"/staff/screenings/{emergency}"
    assert post_form(journey, page, f"{page}/actions",
                     {"kind": "sent_to_emergency", "then": "close"}).status_code == 302
    _, tree = journey.get("/staff/")
    assert queue_ids(tree) == [urgent, soon]
    _, tree = journey.get("/staff/refills")
    assert "Booked refill missed" in text_of(tree.find(".//tbody"))
    _, tree = journey.get(patient_path(db_app, "P-1"))
    assert "No screenings yet." in text_of(tree.find(".//tbody"))  # a caregiver's reference
    page = f"/staff/screenings/{soon}"
    post_form(journey, page, f"{page}/patient", {"reference": "P-1"})  # confirmed by staff
    _, tree = journey.get(patient_path(db_app, "P-1"))
    assert "Soon" in text_of(tree.find(".//tbody"))
    with db_app.app_context():
        closed = db.session.execute(
            db.select(Screening).filter_by(public_id=emergency)).scalar_one()
        assert closed.status == "closed" and closed.actions[0].kind == "sent_to_emergency"
        actions = [e.action for e in db.session.execute(
            db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert actions[0] == "sign_in" and {"add_action", "close", "view_refills"} <= set(actions)
