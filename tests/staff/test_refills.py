"""Refills and the refill worklist."""

from __future__ import annotations

from datetime import date, timedelta

from screener.db import db
from screener.models import Patient
from tests.pages import text_of
from tests.staff.factories import post_form

# --- Refills ----------------------------------------------------------------------------------

def test_the_refill_worklist_shows_due_and_overdue_most_overdue_first(app, staff):
    today = date.today()
    with app.app_context():
        db.session.add_all([
            Patient(reference="DUE-6", route="intrathecal", next_refill_date=today + timedelta(6)),
            Patient(reference="LATE-3", route="intrathecal",
                    next_refill_date=today - timedelta(3)),
            Patient(reference="LATER", route="intrathecal",
                    next_refill_date=today + timedelta(30)),
            Patient(reference="TODAY", route="intrathecal", next_refill_date=today),
            Patient(reference="NONE", route="oral")])
        db.session.commit()
    _, tree = staff("clinic").get("/staff/refills")
    rows = [[text_of(td) for td in tr.findall("td")] for tr in tree.findall(".//tbody/tr")]
    assert [r[0] for r in rows] == ["LATE-3", "TODAY", "DUE-6"]
    assert [r[2] for r in rows] == ["Overdue by 3 days", "Due today", "Due in 6 days"]


def test_recording_a_refill_sets_the_next_date(app, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today() - timedelta(1)))
        db.session.commit()
    journey = staff("clinic")
    page = "/staff/patients/P-1/refill"
    response = post_form(journey, page, page, {"refilled_on": "2026-11-21",
                                               "next_refill_date": "2026-11-01"})
    assert response.status_code == 400
    assert b"The next refill must be after the date of this refill" in response.data
    next_due = date.today() + timedelta(days=90)
    response = post_form(journey, page, page, {"refilled_on": date.today().isoformat(),
                                               "next_refill_date": next_due.isoformat()})
    assert response.status_code == 302
    with app.app_context():
        patient = db.session.execute(db.select(Patient)).scalar_one()
        assert patient.next_refill_date == next_due
    _, tree = journey.get("/staff/refills")
    assert "P-1" not in text_of(tree.find(".//tbody"))
    _, tree = journey.get("/staff/patients/P-1")
    assert f"next due {next_due:%d %b %Y}" in text_of(tree.find(".//main"))
