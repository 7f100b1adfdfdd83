"""A pump clinic's follow-up call, worded for the clinic (issue 25, item 4; UX walk 2, finding
7): every call page shows the number to dial and how soon the pump may run empty, with what
the call covers; the call's outcome says what the clinic does, never "speak to the pump
clinic"."""

from __future__ import annotations

from datetime import date, timedelta

from tests.journeys import page_data
from tests.pages import text_of
from tests.staff.factories import make_patient, patient_path, post_form

TODAY = date.today()


def _pump_patient(app, reference="P-1", **fields) -> None:
    """20 mL of 500 micrograms/mL at 300 a day, refilled 27 days ago: at 15 % fast (0.69 mL a
    day) it may run dry after 28 days, tomorrow; its alarm (2 mL) may have sounded on day
    26, yesterday. The refill booked for yesterday was missed."""
    make_patient(app, reference, last_refill_on=TODAY - timedelta(days=27), reservoir_ml=20,
                 concentration_mcg_per_ml=500, daily_dose_mcg=300, low_reservoir_alarm_ml=2,
                 next_refill_date=TODAY - timedelta(days=1), contact_name="Fay's carer",
                 contact_phone="07700 900123", **fields)


def test_every_call_page_shows_the_number_and_how_soon_the_pump_runs_empty(app, staff):
    _pump_patient(app)
    journey = staff("clinic")
    response = post_form(journey, patient_path(app), f"{patient_path(app)}/call", {})
    _, tree = journey.get(response.location)
    banner = tree.find(".//p[@class='call-banner']")
    assert banner.find(".//a").get("href") == "tel:07700900123"
    assert "Call Fay's carer: 07700 900123." in text_of(banner)
    assert text_of(banner.find(".//strong[@class='text-warning']")) == "Runs empty in 1 day"
    covers = text_of(tree.find(".//details"))
    assert "What a pump follow-up call covers" in covers and "The wound" in covers


def test_a_call_for_someone_on_tablets_has_no_pump_lines(app, staff):
    make_patient(app, "T-1", route="oral", contact_phone="07700 900124")
    journey = staff("clinic")
    response = post_form(journey, patient_path(app, "T-1"), f"{patient_path(app, 'T-1')}/call",
                         {})
    _, tree = journey.get(response.location)
    assert "Runs empty" not in text_of(tree.find(".//p[@class='call-banner']"))
    assert tree.find(".//details") is None


def test_the_calls_outcome_says_what_the_clinic_does_with_the_pumps_own_dates(app, staff):
    _pump_patient(app)
    journey = staff("clinic")
    response = post_form(journey, patient_path(app), f"{patient_path(app)}/call", {})
    answers = {"route": "intrathecal", "symptoms": ["pruritus", "muscle_spasms"],
               "history": {"refill_overdue": True}, "respondent": "staff",
               "patient_ref": "P-1"}
    response, _ = journey.submit("/check/emergency-signs", {"symptoms": ["none"]})
    journey.submit("/check/age", {"age_years": "30"})
    response, _ = journey.submit("/check/route", {"route": "intrathecal"})
    while response.location.startswith("/check/"):
        page_id = response.location.rsplit("/", 1)[1]
        journey.get(response.location)
        response, _ = journey.submit(response.location, page_data(page_id, answers))
    _, tree = journey.get(response.location)
    assert text_of(tree.find(".//h1")).startswith("Urgent")
    said = [text_of(li) for li in tree.findall(".//ul[@id='for-the-clinic-list']/li")]
    empty = TODAY + timedelta(days=1)
    refill_by = TODAY - timedelta(days=1) - timedelta(days=7)
    assert said[0] == ("Refill or check the pump today: the record says the reservoir may run "
                       f"empty on {empty.day} {empty:%B %Y}.")
    assert said[1].startswith("See them in the pump clinic today: read the pump")
    assert said[2].startswith(f"Book the next refill by {refill_by.day} {refill_by:%B %Y}")
