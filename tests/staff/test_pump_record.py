"""The pump record (issue 25, item 1): a model from the catalogue or another with its size,
the alarm volume below the reservoir, every change kept with who, when and why, and the
projected dates as ranges with the day to refill by. The clinic changes it; triage reads."""

from __future__ import annotations

from datetime import date, timedelta

from screener.db import db
from screener.models import Patient, PumpSetting
from tests.pages import add_user, parse, text_of
from tests.staff.factories import audit_rows, make_patient, post_form

PUMP = {"model_id": "synchromed-ii-8637-20", "alarm_ml": "2", "concentration_mcg_per_ml": "500",
        "daily_dose_mcg": "300"}


def _page(app, **fields) -> str:
    return f"/staff/patients/{make_patient(app, 'P-1', **fields)}/pump"


def test_a_pump_is_recorded_and_each_change_kept_with_who_when_and_why(app, client, staff):
    page = _page(app)
    journey = staff("clinic", "cara")
    response = post_form(journey, page, page, PUMP)
    assert response.status_code == 302
    post_form(journey, page, page, {**PUMP, "alarm_ml": "4",
                                    "reason": "Withdrawal at 2.5 mL last spring"})
    with app.app_context():
        versions = db.session.scalars(db.select(PumpSetting).order_by(PumpSetting.id)).all()
        assert [(v.alarm_ml, v.reservoir_ml, v.reason) for v in versions] == [
            (2, 20, None), (4, 20, "Withdrawal at 2.5 mL last spring")]
        assert {v.recorded_by.username for v in versions} == {"cara"}
        patient = db.session.scalars(db.select(Patient)).one()
        assert (patient.low_reservoir_alarm_ml, patient.pump_model) == (
            4, "Medtronic SynchroMed II 8637-20 (20 mL)")  # the record follows the newest
    _, tree = journey.get(page)
    rows = [text_of(tr) for tr in tree.iterfind(".//tbody/tr")]
    assert len(rows) == 2 and "Withdrawal at 2.5 mL last spring" in rows[0]
    assert [e.action for e in audit_rows(app)].count("update") == 2


def test_the_projection_is_a_range_with_a_refill_by_date(app, client, staff):
    """The brief's worked example 1, refilled 10 days ago: the alarm 30 days after the refill
    as programmed, between 26 and 35 with the pump's accuracy; refill by 7 days before the
    earliest."""
    refilled = date.today() - timedelta(days=10)
    page = _page(app, last_refill_on=refilled, reservoir_ml=20)
    journey = staff("clinic", "cara")
    post_form(journey, page, page, PUMP)
    _, tree = journey.get(page)
    from screener.web.formatting import uk_date

    with app.test_request_context():
        nominal = uk_date(refilled + timedelta(days=30))
        earliest = uk_date(refilled + timedelta(days=26))
        refill = uk_date(refilled + timedelta(days=26 - 7))
    said = {text_of(row.find("dt")): text_of(row.find("dd"))
            for row in tree.iterfind(".//div[@class='summary-row']")}
    assert said["Low-reservoir alarm"].startswith(f"between {earliest} and ")
    assert said["Low-reservoir alarm"].endswith(f"({nominal} as programmed)")
    assert said["Refill by"].startswith(refill)


def test_a_pump_not_in_the_list_needs_its_name_and_size_and_the_alarm_fits(app, client, staff):
    page = _page(app)
    journey = staff("clinic", "cara")
    response = post_form(journey, page, page, {**PUMP, "model_id": "other"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Enter the make and model of the pump" in text
    assert "Enter the pump&#39;s reservoir size" in text or "Enter the pump's reservoir size" in text
    response = post_form(journey, page, page, {**PUMP, "alarm_ml": "20"})
    assert "Enter an alarm volume below the reservoir size" in response.get_data(as_text=True)
    response = post_form(journey, page, page, {**PUMP, "implanted_on": "1/6/2024",
                                               "indicator_on": "1/6/2023"})
    assert "Enter a date on or after the implant date" in response.get_data(as_text=True)
    response = post_form(journey, page, page, {**PUMP, "model_id": "other",
                                               "other_model": "Tricumed IP 2000V",
                                               "reservoir_ml": "35"})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalars(db.select(PumpSetting)).one()
        assert (saved.model_id, saved.model_name, saved.reservoir_ml) == (
            None, "Tricumed IP 2000V", 35)


def test_triage_reads_the_record_but_only_the_clinic_changes_it(app, client, staff):
    page = _page(app)
    cara = add_user(app, "cara", "clinic")
    with app.app_context():
        patient = db.session.scalars(db.select(Patient)).one()
        db.session.add(PumpSetting(patient_id=patient.id, recorded_by_id=cara,
                                   model_id="synchromed-ii-8637-20", reservoir_ml=20,
                                   model_name="Medtronic SynchroMed II 8637-20 (20 mL)",
                                   alarm_ml=2, concentration_mcg_per_ml=500,
                                   daily_dose_mcg=300))
        db.session.commit()
    triage = staff("triage", "tess")
    _, tree = triage.get(page)
    assert tree.find(f".//form[@action='{page}']") is None
    assert "Medtronic SynchroMed II 8637-20" in text_of(tree.find(".//main"))
    refused = post_form(triage, page, page, PUMP)  # with a valid CSRF token: no capability
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PumpSetting)) == 1


def test_the_implant_date_is_a_gov_uk_date_input(app, client, staff):
    page = _page(app)
    journey = staff("clinic", "cara")
    boxes = {"implanted_on-day": "1", "implanted_on-month": "13", "implanted_on-year": "2020"}
    response = post_form(journey, page, page, {**PUMP, **boxes})
    assert response.status_code == 400
    assert "Implant date must be a real date" in response.get_data(as_text=True)
    response = post_form(journey, page, page, {**PUMP, **boxes, "implanted_on-month": "6"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(db.select(PumpSetting)).one().implanted_on == date(2020, 6, 1)
    _, tree = journey.get(page)  # the saved date, back in its boxes
    assert [tree.find(f".//input[@name='implanted_on-{part}']").get("value")
            for part in ("day", "month", "year")] == ["1", "6", "2020"]


def test_a_simple_daily_schedule_gives_the_daily_dose(app, client, staff):
    """15 micrograms an hour from 08:00 and 10 from 20:00: 12 x 15 + 12 x 10 = 300 a day."""
    page = _page(app)
    journey = staff("clinic", "cara")
    schedule = {**PUMP, "daily_dose_mcg": "", "dosing": "schedule", "step1_start": "08:00",
                "step1_rate": "15", "step2_start": "20:00", "step2_rate": "10"}

    def refused(data: dict) -> list[str]:
        response = post_form(journey, page, page, data)
        assert response.status_code == 400
        return [text_of(a) for a in parse(response.data).iterfind(
            ".//ul[@class='error-summary-list']//a")]

    assert refused({**schedule, "step1_start": "25:00"}) == [
        "Enter step 1's start as a time, like 08:00"]
    assert refused({**schedule, "step2_start": "08:00"}) == [
        "Give each step a different start time"]
    assert refused({**schedule, "step3_rate": "5"}) == ["Enter step 3's start time"]
    assert refused({**PUMP, "daily_dose_mcg": ""}) == ["Enter the daily dose"]
    assert post_form(journey, page, page, schedule).status_code == 302
    with app.app_context():
        saved = db.session.scalars(db.select(PumpSetting)).one()
        assert (saved.daily_dose_mcg, saved.schedule) == (300, [["08:00", 15], ["20:00", 10]])
        assert db.session.scalars(db.select(Patient)).one().daily_dose_mcg == 300
    _, tree = journey.get(page)
    assert ("300 micrograms a day on a schedule: 15 an hour from 08:00, 10 an hour from 20:00"
            in text_of(tree.find(".//dl")))
    assert tree.find(".//input[@name='step2_start']").get("value") == "20:00"
    assert tree.find(".//input[@name='dosing'][@value='schedule']").get("checked") is not None


def test_with_a_pump_record_the_patient_form_leaves_its_settings_to_it(app, client, staff):
    """One source for the pump's settings: with a pump record, the patient form shows where
    to change them and leaves them as they are, whatever is sent."""
    page = _page(app, contact_phone="07700 900123")
    journey = staff("clinic", "cara")
    post_form(journey, page, page, PUMP)
    edit = page.replace("/pump", "/edit")
    _, tree = journey.get(edit)
    assert tree.find(".//*[@id='pump-owned']//a").get("href") == page
    assert tree.find(".//input[@name='concentration_mcg_per_ml']") is None
    response = post_form(journey, edit, edit, {
        "reference": "P-1", "route": "intrathecal", "concentration_mcg_per_ml": "1000",
        "daily_dose_mcg": "900", "contact_phone": "07700 900124"})
    assert response.status_code == 302
    with app.app_context():
        patient = db.session.scalars(db.select(Patient)).one()
        assert (patient.concentration_mcg_per_ml, patient.daily_dose_mcg) == (500, 300)
        assert patient.contact_phone == "07700 900124"  # the rest of the record changes


def test_a_new_programme_on_the_record_asks_for_a_pump_check(app, client, staff):
    page = _page(app)
    journey = staff("clinic", "cara")
    post_form(journey, page, page, PUMP)
    post_form(journey, page, page, {**PUMP, "alarm_ml": "3"})  # not a new programme
    with app.app_context():
        assert db.session.scalars(db.select(Patient)).one().check_due_since is None
    post_form(journey, page, page, {**PUMP, "daily_dose_mcg": "320"})
    with app.app_context():
        assert db.session.scalars(db.select(Patient)).one().check_due_since is not None


def test_an_implant_in_the_future_is_refused_and_an_indicator_alone_books_the_battery(
        app, client, staff):
    page = _page(app)
    journey = staff("clinic", "cara")
    ahead = date.today() + timedelta(days=400)
    response = post_form(journey, page, page, {**PUMP, "implanted_on": ahead.isoformat()})
    assert "Implant date must be today or in the past" in response.get_data(as_text=True)
    shown = date.today() - timedelta(days=3)
    post_form(journey, page, page, {**PUMP, "indicator_on": shown.isoformat()})
    with app.app_context():
        assert db.session.scalars(db.select(Patient)).one().battery_book_by == shown
