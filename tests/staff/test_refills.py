"""Refills and the refill worklist."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from screener.db import db
from screener.models import Patient
from screener.pump.reservoir import ReservoirDates, reservoir_dates
from tests.pages import csrf_token, parse, text_of
from tests.staff.factories import (
    CAREGIVER_URGENT,
    audit_rows,
    confirm_reference,
    make_patient,
    patient_path,
    post_form,
    saved,
    submit,
)

# --- Refills ----------------------------------------------------------------------------------

def _rows(tree) -> list[list[str]]:
    return [[text_of(td) for td in tr.findall("td")] for tr in tree.findall(".//tbody/tr")]


def test_the_worklist_lists_by_the_day_due_and_flags_a_missed_refill(app, staff):
    """With no pump projection, a patient is listed by the refill booked; "Needs action"
    shows those due within the window or flagged; a booked day passed is a missed refill."""
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
    journey = staff("clinic")
    _, tree = journey.get("/staff/refills")
    rows = _rows(tree)
    assert [r[0] for r in rows] == ["LATE-3", "TODAY", "DUE-6"]
    assert [r[5] for r in rows] == ["Booked refill missed Take it for LATE-3", "Nothing",
                                    "Nothing"]
    _, tree = journey.get("/staff/refills?show=all")
    assert [r[0] for r in _rows(tree)] == ["LATE-3", "TODAY", "DUE-6", "LATER"]
    assert "1 missed refill" in text_of(tree.find(".//*[@id='flag-counts']"))
    _, tree = journey.get("/staff/refills?show=nonsense")  # bad input: the default list
    assert [r[0] for r in _rows(tree)] == ["LATE-3", "TODAY", "DUE-6"]


def test_the_worklist_shows_the_patients_number_to_call(app, staff):
    make_patient(app, "P-1", next_refill_date=date.today(), contact_name="Fay's carer",
                 contact_phone="07700 900123", clinic_phone="0161 496 0000")
    _, tree = staff("clinic").get("/staff/refills")
    call = tree.find(".//tbody/tr/td[2]")
    assert call.find("a").get("href") == "tel:07700900123"
    assert "0161 496 0000" not in text_of(tree.find(".//tbody"))  # not the clinic's own


def test_a_flagged_pump_is_taken_by_a_named_owner_until_its_next_refill(app, staff):
    patient_id = make_patient(app, "P-1", next_refill_date=date.today() - timedelta(2))
    journey = staff("clinic", "cara")
    response = post_form(journey, "/staff/refills", f"/staff/patients/{patient_id}/pump/take",
                         {})
    assert response.location.endswith(f"/staff/refills#pump-{patient_id}")
    _, tree = journey.get("/staff/refills")
    assert _rows(tree)[0][5] == "Booked refill missed Owner: Cara Clinic"
    assert "take_pump" in [e.action for e in audit_rows(app)]
    page = f"/staff/patients/{patient_id}/refill"
    post_form(journey, page, page, {"refilled_on": date.today().isoformat(),
                                    "next_refill_date": (date.today() + timedelta(30)
                                                         ).isoformat()})
    with app.app_context():  # (no pump record: the booking stands, the owner stays)
        assert db.session.get(Patient, patient_id).pump_owner_id is not None


def test_triage_sees_the_worklist_but_cannot_take_a_pump(app, staff):
    patient_id = make_patient(app, "P-1", next_refill_date=date.today() - timedelta(2))
    journey = staff("triage")
    _, tree = journey.get("/staff/refills")
    assert _rows(tree)[0][5] == "Booked refill missed No owner yet"
    token = csrf_token(tree)
    response = journey.client.post(f"/staff/patients/{patient_id}/pump/take",
                                   data={"csrf_token": token})
    assert response.status_code == 403


def test_recording_a_refill_sets_the_next_date(app, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today() - timedelta(1)))
        db.session.commit()
    journey = staff("clinic")
    page = f"{patient_path(app)}/refill"
    response = post_form(journey, page, page, {"refilled_on": "2026-11-21",
                                               "next_refill_date": "2026-11-01"})
    assert response.status_code == 400
    assert b"Next refill booked for must be after the date of the refill" in response.data
    next_due = date.today() + timedelta(days=90)
    response = post_form(journey, page, page, {"refilled_on": date.today().isoformat(),
                                               "next_refill_date": next_due.isoformat()})
    assert response.status_code == 302
    with app.app_context():
        patient = db.session.execute(db.select(Patient)).scalar_one()
        assert patient.next_refill_date == next_due
    _, tree = journey.get("/staff/refills")
    assert "P-1" not in text_of(tree.find(".//tbody"))
    _, tree = journey.get(patient_path(app))
    assert f"next due {next_due.day} {next_due:%B %Y}" in text_of(tree.find(".//main"))


def test_a_refill_offers_to_close_the_patients_open_screenings(app, client, staff):
    """The loop a refill closes: its open screenings are offered, ticked, and closed with a
    "pump refilled" action and the note; one left unticked stays open."""
    make_patient(app, "P-1", next_refill_date=date.today() - timedelta(2))
    first = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1"})
    second = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1"})
    unconfirmed = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1"})
    other = submit(client, CAREGIVER_URGENT)  # another patient's: never offered
    for public_id in (first, second):
        confirm_reference(app, public_id, "P-1")  # the third stays unconfirmed: not offered
    journey = staff("clinic")
    page = f"{patient_path(app)}/refill"
    _, tree = journey.get(page)
    offered = [i.get("value") for i in tree.findall(".//input[@name='close']")]
    assert offered == [first, second]
    assert all(i.get("checked") is not None for i in tree.findall(".//input[@name='close']"))
    response = post_form(journey, page, page, {
        "refilled_on": date.today().isoformat(),
        "next_refill_date": (date.today() + timedelta(days=90)).isoformat(),
        "close": [first], "close_note": "Refilled today; alarm stopped"})
    assert response.status_code == 302
    _, tree = journey.get(patient_path(app))
    assert "Closed 1 screening." in text_of(tree.find(".//main"))
    closed = saved(app, first)
    assert closed.status == "closed" and closed.actions[0].kind == "pump_refilled"
    assert closed.actions[0].note == "Refilled today; alarm stopped"
    assert saved(app, second).status == "open" and saved(app, other).status == "open"
    assert saved(app, unconfirmed).status == "open"
    assert ("close", first) in [(e.action, e.record_id) for e in audit_rows(app)]


def test_the_reservoir_gives_the_alarm_and_empty_dates_and_the_worklist_uses_them(app, staff):
    """20 mL of 500 micrograms/mL at 250 micrograms a day lasts 40 days as programmed; a 2 mL
    alarm sounds after 36. At 15 % fast (0.575 mL a day) the alarm may come after 31 days and
    the pump run dry after 34: the worklist lists it by day 31, refill by day 24."""
    refilled = date.today() - timedelta(days=30)
    make_patient(app, "ITB-1", next_refill_date=refilled + timedelta(days=60),
                 last_refill_on=refilled, reservoir_ml=20, concentration_mcg_per_ml=500,
                 daily_dose_mcg=250, low_reservoir_alarm_ml=2, contact_phone="07700 900123")

    def day(days: int) -> date:
        return refilled + timedelta(days=days)

    assert reservoir_dates(refilled, 20, 500, 250, 2) == ReservoirDates(
        day(days=36), day(days=40), day(days=31), day(days=34))
    assert reservoir_dates(refilled, 20, 500, None, 2) is None  # no dose: no dates
    with app.app_context():
        patient = db.session.execute(db.select(Patient)).scalar_one()
        assert (patient.due_date, patient.refill_by) == (day(days=31), day(days=24))
    _, tree = staff("clinic").get("/staff/refills")
    row = _rows(tree)[0]
    assert row[0] == "ITB-1" and row[2].startswith("In 1 day")
    assert row[3] == "Runs empty in 4 days"
    assert row[5] == f"Book a refill by {day(days=24).day} {day(days=24):%B %Y} Take it for ITB-1"


def test_a_refused_close_is_shown_at_the_boxes_and_its_summary_link_lands(app, client, staff):
    """A screening offered for closing that someone else closed (or a forged value): the
    form comes back, the summary's link goes to the first box, the boxes show the error."""
    make_patient(app, "P-1", next_refill_date=date.today() - timedelta(2))
    offered = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1"})
    confirm_reference(app, offered, "P-1")
    journey = staff("clinic")
    page = f"{patient_path(app)}/refill"
    response = post_form(journey, page, page, {
        "refilled_on": date.today().isoformat(),
        "next_refill_date": (date.today() + timedelta(days=90)).isoformat(),
        "close": ["not-one-of-theirs"]})
    assert response.status_code == 400
    tree = parse(response.data)
    [link] = tree.findall(".//ul[@class='error-summary-list']//a")
    target = tree.find(f".//*[@id='{link.get('href')[1:]}']")
    assert target is not None and target.get("name") == "close"
    assert target.get("value") == offered
    assert tree.find(".//*[@id='close-error']") is not None


def test_a_pump_with_no_dates_heads_the_worklist_with_its_flags(app, staff):
    """Review: a pump recorded with no refill and no booking has no day to list it by; it
    is not lost: it heads the list, with what it is flagged for."""
    make_patient(app, "NEW-1", pump_model="SynchroMed II", contact_phone="07700 900123",
                 check_due_since=datetime(2026, 12, 1, tzinfo=UTC))
    make_patient(app, "ORAL-1", route="oral")  # no pump, no booking: not listed
    _, tree = staff("clinic").get("/staff/refills")
    section = text_of(tree.find(".//main"))
    assert "1 pump with no dates" in section
    assert "NEW-1: 07700 900123 (a pump check due)" in section and "ORAL-1" not in section
    assert "1 pump to check after an MRI or programming" in text_of(
        tree.find(".//*[@id='flag-counts']"))


def test_after_the_lead_time_changes_pump_days_works_the_refill_by_days_out_again(app, staff):
    refilled = date.today() - timedelta(days=10)
    make_patient(app, "ITB-1", last_refill_on=refilled, reservoir_ml=20,
                 concentration_mcg_per_ml=500, daily_dose_mcg=250, low_reservoir_alarm_ml=2)
    app.config["PUMP_LEAD_DAYS"] = 10
    result = app.test_cli_runner().invoke(args=["pump-days"])
    assert result.exit_code == 0 and "for 1 patient." in result.output
    with app.app_context():
        patient = db.session.execute(db.select(Patient)).scalar_one()
        assert patient.refill_by == refilled + timedelta(days=31 - 10)
