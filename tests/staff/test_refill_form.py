"""The one-form refill (issue 25, item 3): GOV.UK date boxes whose errors name the field; the
residual drawn out checked against the expected one, weighted by concentration; a rise in
concentration refused until a bridge bolus is confirmed; a fast rise in dose asks why; a
changed dose must be programmed; the dates worked out before saving; and one refill per form.

Expected figures are worked by hand from the pump-clinic brief (F1, F8, F9, F13, F16)."""

from __future__ import annotations

from datetime import date, timedelta

from screener.db import db
from screener.models import Patient, PumpEvent, PumpSetting, Refill
from tests.pages import csrf_token, parse, text_of
from tests.staff.factories import make_patient, post_form

TODAY = date.today()
# SynchroMed II 20 mL, alarm 2 mL, 500 micrograms/mL, 300 micrograms a day: 0.6 mL a day.
PUMP = {"model_id": "synchromed-ii-8637-20", "alarm_ml": "2", "concentration_mcg_per_ml": "500",
        "daily_dose_mcg": "300"}


def _boxes(name: str, day: date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month),
            f"{name}-year": str(day.year)}


def _refill(**changes) -> dict[str, str]:
    """A refill 20 days after one of 20 mL: 8 mL expected (20 - 0.6 x 20), 8 drawn."""
    return {**_boxes("refilled_on", TODAY), "drawn_ml": "8", "put_in_ml": "20",
            "concentration_mcg_per_ml": "500", "daily_dose_mcg": "300", "reprogrammed": "no",
            **_boxes("next_refill_date", TODAY + timedelta(days=20)), **changes}


def _pump_patient(app, staff, **pump) -> tuple[object, str]:
    patient_id = make_patient(app, "P-1", last_refill_on=TODAY - timedelta(days=20),
                              reservoir_ml=20, contact_phone="07700 900123")
    journey = staff("clinic", "cara")
    page = f"/staff/patients/{patient_id}/pump"
    assert post_form(journey, page, page, {**PUMP, **pump}).status_code == 302
    return journey, f"/staff/patients/{patient_id}/refill"


def _send(journey, page: str, data: dict):
    """The form as the page gave it: its CSRF token and its once-only key."""
    _, tree = journey.get(page)
    key = tree.find(".//input[@name='form_key']").get("value")
    return journey.client.post(page, data={"form_key": key, **data,
                                           "csrf_token": csrf_token(tree)})


def _stored(app):
    with app.app_context():
        patient = db.session.scalars(db.select(Patient)).one()
        refills = db.session.scalars(db.select(Refill).order_by(Refill.id)).all()
        db.session.expunge_all()
        return patient, refills


def test_a_date_missing_its_month_names_the_field_and_keeps_every_answer(app, staff):
    journey, page = _pump_patient(app, staff)
    response = _send(journey, page, _refill(**{"refilled_on-month": "", "drawn_ml": "7.5"}))
    assert response.status_code == 400
    tree = parse(response.data)
    [link] = tree.findall(".//ul[@class='error-summary-list']//a")
    assert text_of(link) == "Date of the refill must include a month"
    assert tree.find(f".//*[@id='{link.get('href')[1:]}']").get("name") == "refilled_on-day"
    assert tree.find(".//input[@name='drawn_ml']").get("value") == "7.5"
    assert tree.find(".//input[@name='refilled_on-day']").get("value") == str(TODAY.day)
    assert _stored(app)[1] == []


def test_an_impossible_date_and_a_future_refill_are_refused_by_name(app, staff):
    journey, page = _pump_patient(app, staff)
    response = _send(journey, page, _refill(**{"refilled_on-day": "31", "refilled_on-month": "2"}))
    assert b"Date of the refill must be a real date" in response.data
    response = _send(journey, page, _refill(**_boxes("refilled_on", TODAY + timedelta(days=2))))
    assert b"Date of the refill must be today or in the past" in response.data
    response = _send(journey, page, _refill(**{"next_refill_date-year": "27"}))
    assert b"Year must include 4 numbers" in response.data
    assert _stored(app)[1] == []


def test_every_pump_answer_is_needed_and_no_volume_beyond_the_reservoir(app, staff):
    journey, page = _pump_patient(app, staff)
    response = _send(journey, page, _refill(put_in_ml="", drawn_ml="21", reprogrammed=""))
    tree = parse(response.data)
    said = [text_of(a) for a in tree.findall(".//ul[@class='error-summary-list']//a")]
    assert said == ["Enter no more than the reservoir's 20 mL",
                    "Enter the volume in the reservoir after the refill",
                    "Select yes if the pump was reprogrammed"]
    response = _send(journey, page, _refill(put_in_ml="2"))
    assert b"Enter more than the alarm volume, 2 mL: the pump would alarm at once" in (
        response.data)


def test_a_refill_as_expected_is_recorded_with_its_residual_and_new_dates(app, staff):
    journey, page = _pump_patient(app, staff)
    response = _send(journey, page, _refill(drawn_ml="8.5"))  # within 1 mL of 8
    assert response.status_code == 302
    patient, [refill] = _stored(app)
    assert (refill.drawn_ml, refill.expected_ml, refill.put_in_ml) == (8.5, 8.0, 20)
    assert refill.residual_flagged is False and patient.residual_flagged is False
    # 18 mL to the alarm at 0.69 mL a day (15 % fast): 26 days; refill by 7 days before.
    assert patient.due_date == TODAY + timedelta(days=26)
    assert patient.refill_by == TODAY + timedelta(days=19)
    assert (patient.last_refill_on, patient.reservoir_ml) == (TODAY, 20)


def test_a_residual_beyond_tolerance_is_flagged_until_what_was_found_is_recorded(app, staff):
    journey, page = _pump_patient(app, staff)
    response = _send(journey, page, _refill(drawn_ml="6.5"))  # 1.5 mL less than 8
    assert response.status_code == 302
    patient, [refill] = _stored(app)
    assert refill.residual_flagged and patient.residual_flagged
    _, tree = journey.get("/staff/refills")
    assert "Residual differed: check the pump and catheter" in text_of(tree.find(".//tbody"))
    pump_page = page.replace("/refill", "/pump")
    response = post_form(journey, pump_page, f"{pump_page}/residual", {"explanation": ""})
    assert response.status_code == 400 and b"Enter what was found" in response.data
    post_form(journey, pump_page, f"{pump_page}/residual",
              {"explanation": "Interrogated: catheter intact, a misread syringe"})
    patient, [refill] = _stored(app)
    assert not patient.residual_flagged
    assert refill.residual_explanation == "Interrogated: catheter intact, a misread syringe"


def test_the_tolerance_is_weighted_by_concentration(app, staff):
    """Worked example 4: at 2,000 micrograms/mL, 0.5 mL carries 1,000 micrograms, beyond the
    quarter of a millilitre that carries what 1 mL does at 500; at 500 it is within."""
    journey, page = _pump_patient(app, staff, concentration_mcg_per_ml="2000",
                                  daily_dose_mcg="1200")  # 0.6 mL a day again: 8 mL expected
    _send(journey, page, _refill(drawn_ml="7.5", concentration_mcg_per_ml="2000",
                                 daily_dose_mcg="1200"))
    assert _stored(app)[1][0].residual_flagged


def test_a_rise_in_concentration_is_refused_until_a_bridge_bolus_is_confirmed(app, staff):
    journey, page = _pump_patient(app, staff)
    rise = _refill(concentration_mcg_per_ml="2000", reprogrammed="yes", pump_checked="y")
    response = _send(journey, page, rise)
    assert response.status_code == 400
    assert b"The concentration rises: give a bridge bolus" in response.data
    assert _stored(app)[1] == []
    assert _send(journey, page, {**rise, "bridge_bolus": "y"}).status_code == 302
    with app.app_context():
        versions = db.session.scalars(db.select(PumpSetting).order_by(PumpSetting.id)).all()
        assert [v.concentration_mcg_per_ml for v in versions] == [500, 2000]
        assert versions[-1].reason.startswith("At the refill on")
    patient, [refill] = _stored(app)
    assert refill.bridge_bolus is True and patient.concentration_mcg_per_ml == 2000


def test_a_changed_dose_must_be_programmed(app, staff):
    journey, page = _pump_patient(app, staff)
    response = _send(journey, page, _refill(daily_dose_mcg="330"))  # 10 %: no reason needed
    assert b"A new dose or concentration must be programmed into the pump" in response.data
    assert _send(journey, page, _refill(daily_dose_mcg="330", reprogrammed="yes",
                                        pump_checked="y")).status_code == 302


def test_a_dose_rising_faster_than_the_titration_limit_asks_why(app, staff):
    journey, page = _pump_patient(app, staff)
    faster = _refill(daily_dose_mcg="350", reprogrammed="yes", pump_checked="y")  # +16.7 %
    response = _send(journey, page, faster)
    assert b"The dose rises by more than 15 % in a day: say why" in response.data
    assert _send(journey, page, {**faster, "titration_reason": "Tone worse; reviewed by Dr A"}
                 ).status_code == 302
    assert _stored(app)[1][0].titration_reason == "Tone worse; reviewed by Dr A"


def test_programming_with_no_pump_check_is_flagged_until_one_is_recorded(app, staff):
    journey, page = _pump_patient(app, staff)
    _send(journey, page, _refill(daily_dose_mcg="330", reprogrammed="yes"))
    patient, _ = _stored(app)
    assert patient.check_due_since is not None
    _, tree = journey.get("/staff/refills")
    assert "Check the pump is running" in text_of(tree.find(".//tbody"))
    pump_page = page.replace("/refill", "/pump")
    post_form(journey, pump_page, f"{pump_page}/event", {"kind": "checked"})
    assert _stored(app)[0].check_due_since is None
    post_form(journey, pump_page, f"{pump_page}/event", {"kind": "mri", "note": "Head MRI"})
    assert _stored(app)[0].check_due_since is not None
    with app.app_context():
        kinds = db.session.scalars(db.select(PumpEvent.kind).order_by(PumpEvent.id)).all()
        assert kinds == ["programmed", "checked", "mri"]


def test_the_same_form_sent_twice_records_one_refill(app, staff):
    journey, page = _pump_patient(app, staff)
    _, tree = journey.get(page)
    data = {**_refill(), "form_key": tree.find(".//input[@name='form_key']").get("value"),
            "csrf_token": csrf_token(tree)}
    assert journey.client.post(page, data=data).status_code == 302
    again = journey.client.post(page, data=data)  # Back, then send again
    assert again.status_code == 302
    assert len(_stored(app)[1]) == 1
    _, tree = journey.get(again.headers["Location"])
    assert "This refill was recorded already" in text_of(tree.find(".//main"))


def test_a_second_refill_on_the_same_day_is_asked_about_first(app, staff):
    journey, page = _pump_patient(app, staff)
    assert _send(journey, page, _refill()).status_code == 302
    response = _send(journey, page, _refill(drawn_ml="20"))
    assert response.status_code == 400
    assert b"Tick to record another" in response.data
    assert _send(journey, page, _refill(drawn_ml="20", another="y")).status_code == 302
    assert len(_stored(app)[1]) == 2


def test_working_out_the_dates_saves_nothing_and_shows_them(app, staff):
    journey, page = _pump_patient(app, staff)
    response = _send(journey, page, {**_refill(drawn_ml="6.5"), "action": "preview"})
    assert response.status_code == 200
    shown = text_of(parse(response.data).find(".//*[@id='refill-projection']"))
    assert "Expected in the reservoir: 8.0 mL" in shown
    assert "1.5 mL less than expected" in shown and "Refill by" in shown
    _, tree = journey.get(page)
    fragment = journey.client.post(page, data={**_refill(), "action": "preview",
                                               "csrf_token": csrf_token(tree)},
                                   headers={"X-Preview": "1"})
    assert fragment.data.lstrip().startswith(b"<div class=\"inset\" id=\"refill-projection\"")
    assert _stored(app)[1] == []


def test_with_no_pump_record_a_blank_volume_assumes_nothing(app, staff):
    patient_id = make_patient(app, "P-1", last_refill_on=TODAY - timedelta(days=20),
                              reservoir_ml=20, concentration_mcg_per_ml=500,
                              daily_dose_mcg=300, low_reservoir_alarm_ml=2)
    journey = staff("clinic")
    page = f"/staff/patients/{patient_id}/refill"
    response = _send(journey, page, {**_boxes("refilled_on", TODAY),
                                     **_boxes("next_refill_date", TODAY + timedelta(60))})
    assert response.status_code == 302
    patient, _ = _stored(app)
    assert patient.reservoir_ml is None and patient.reservoir is None
    assert patient.due_date == TODAY + timedelta(60)  # by the booking: nothing projected


def test_a_scheduled_pump_keeps_its_schedule_through_a_refill(app, staff):
    """Its dose is the schedule's, changed on the pump record; a new concentration at a refill
    keeps the schedule (its rates are micrograms an hour)."""
    journey, page = _pump_patient(app, staff, daily_dose_mcg="", dosing="schedule",
                                  step1_start="08:00", step1_rate="15", step2_start="20:00",
                                  step2_rate="10")
    _, tree = journey.get(page)
    assert tree.find(".//input[@name='daily_dose_mcg']") is None
    assert "300 micrograms a day on a schedule" in text_of(tree.find(".//main"))
    sent = _refill(concentration_mcg_per_ml="1000", reprogrammed="yes", pump_checked="y",
                   bridge_bolus="y", daily_dose_mcg="900")  # a dose sent anyway: not taken
    assert _send(journey, page, sent).status_code == 302
    with app.app_context():
        newest = db.session.scalars(db.select(PumpSetting).order_by(PumpSetting.id.desc())
                                    ).first()
        assert (newest.concentration_mcg_per_ml, newest.daily_dose_mcg, newest.schedule) == (
            1000, 300, [["08:00", 15], ["20:00", 10]])


def test_a_residual_flag_stays_until_explained_whatever_refill_comes_after(app, staff):
    """Review: a later refill as expected does not wipe an earlier flag nobody explained; a
    reply of spaces is no explanation."""
    journey, page = _pump_patient(app, staff)
    _send(journey, page, _refill(**_boxes("refilled_on", TODAY - timedelta(days=1)),
                                 drawn_ml="6.9"))  # 19 days: 8.6 expected, 1.7 less
    _send(journey, page, _refill(drawn_ml="19.4"))  # a day later: 19.4 expected, as drawn
    assert _stored(app)[0].residual_flagged
    pump_page = page.replace("/refill", "/pump")
    response = post_form(journey, pump_page, f"{pump_page}/residual", {"explanation": "   "})
    assert response.status_code == 400 and _stored(app)[0].residual_flagged
    post_form(journey, pump_page, f"{pump_page}/residual", {"explanation": "Catheter checked"})
    patient, refills = _stored(app)
    assert not patient.residual_flagged
    assert [r.residual_explanation for r in refills] == ["Catheter checked", None]


def test_a_fall_in_concentration_is_refused_until_the_overdose_risk_is_planned_for(app, staff):
    journey, page = _pump_patient(app, staff, concentration_mcg_per_ml="2000",
                                  daily_dose_mcg="1200")
    fall = _refill(concentration_mcg_per_ml="500", daily_dose_mcg="1200", reprogrammed="yes",
                   pump_checked="y", drawn_ml="8")
    response = _send(journey, page, fall)
    assert b"The concentration falls: until the old drug clears" in response.data
    assert _stored(app)[1] == []
    assert _send(journey, page, {**fall, "fall_planned": "y"}).status_code == 302


def test_a_refill_recorded_late_changes_no_settings(app, staff):
    """Review: a refill from before the newest one on record keeps today's settings."""
    journey, page = _pump_patient(app, staff)
    _send(journey, page, _refill(**_boxes("refilled_on", TODAY - timedelta(days=25)),
                                 daily_dose_mcg="250", reprogrammed="yes", drawn_ml="17"))
    with app.app_context():
        assert [v.daily_dose_mcg for v in db.session.scalars(db.select(PumpSetting))] == [300]
        assert db.session.scalars(db.select(PumpEvent)).all() == []


def test_a_form_key_not_made_by_the_page_is_no_key(app, staff):
    journey, page = _pump_patient(app, staff)
    assert _send(journey, page, {**_refill(), "form_key": "x" * 60}).status_code == 302
    assert _stored(app)[1][0].form_key is None
