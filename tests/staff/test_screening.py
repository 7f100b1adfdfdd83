"""One screening: claim, act, close, link to a patient."""

from __future__ import annotations

import pytest

from screener.db import db
from screener.models import Patient, Screening
from screener.web.service_profile import load_profile
from tests.journeys import CLINIC, OUTCOMES, page_data, walk_to
from tests.pages import Journey, check_page, text_of
from tests.staff.factories import (
    CAREGIVER_URGENT,
    SOON,
    audit_rows,
    confirm_reference,
    make_patient,
    patient_path,
    post_form,
    queue_ids,
    saved,
    submit,
)

# --- One screening: claim, act, close, link ------------------------------------------------

def test_a_caregivers_screening_is_claimed_annotated_and_closed(app, client, staff):
    submit(client, SOON)
    urgent = submit(client, CAREGIVER_URGENT)
    journey = staff("triage", "tom")
    _, tree = journey.get("/staff/")
    assert queue_ids(tree)[0] == urgent
    page = f"/staff/screenings/{urgent}"
    _, tree = journey.get(page)
    assert "Urgent screening" in text_of(tree.find(".//h1"))
    assert post_form(journey, page, f"{page}/claim", {}).status_code == 302
    _, tree = journey.get(page)
    assert "Tom Triage" in text_of(tree.find(".//dl[@id='status']"))
    response = post_form(journey, page, f"{page}/actions",
                         {"kind": "called_back", "note": "Pump clinic will see today",
                          "then": "close"})
    assert response.status_code == 302
    _, tree = journey.get(page)
    main = text_of(tree.find(".//main"))
    assert "Closed: the screening has left the queue." in main
    assert "Called back: Tom Triage" in main and "Pump clinic will see today" in main
    _, tree = journey.get("/staff/")
    assert urgent not in queue_ids(tree)
    _, tree = journey.get("/staff/?status=closed")
    assert queue_ids(tree) == [urgent]
    with app.app_context():
        saved = db.session.execute(db.select(Screening).filter_by(public_id=urgent)).scalar_one()
        assert saved.status == "closed" and saved.closed_by.username == "tom"
        assert saved.closed_at is not None and saved.claimed_at <= saved.closed_at
    # Each form is fetched before it is posted, as a browser would: hence the paired views.
    assert [e.action for e in audit_rows(app) if e.record_id == urgent] == [
        "view", "view", "claim", "view", "view", "add_action", "close", "view"]


@pytest.mark.parametrize("data, message", [
    ({"note": "rang"}, "Select what was done"),
    ({"kind": "other", "note": "  "}, "Describe what was done when you choose"),
    ({"kind": "called_back", "note": "x" * 2001}, "Keep the note under 2,000 characters"),
])
def test_an_action_without_what_was_done_is_refused_and_kept(app, client, staff, data, message):
    urgent = submit(client, CAREGIVER_URGENT)
    journey = staff()
    page = f"/staff/screenings/{urgent}"
    response = post_form(journey, page, f"{page}/actions", {**data, "then": "close"})
    assert response.status_code == 400
    tree = check_page(response, error=True)
    assert message in text_of(tree.find(".//ul[@class='error-summary-list']"))
    assert tree.find(".//textarea").text == data.get("note")
    with app.app_context():
        saved = db.session.execute(db.select(Screening).filter_by(public_id=urgent)).scalar_one()
        assert saved.status == "open" and saved.actions == []


def test_a_caregivers_reference_joins_a_timeline_only_when_staff_confirm_it(app, client,
                                                                              staff):
    """Red team M5: anyone can type anyone's reference, so it is shown as given by the
    caregiver, not checked, and links only when staff confirm it."""
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal"))
        db.session.commit()
    by_caregiver = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1"})
    by_staff = submit(client, SOON)
    journey = staff()
    _, tree = journey.get("/staff/")
    assert "P-1 (not checked)" in text_of(tree.find(".//tbody/tr"))
    assert saved(app, by_caregiver).patient_id is None
    _, tree = journey.get(f"/staff/screenings/{by_caregiver}")
    assert "Confirm the patient" in text_of(tree.find(".//main"))
    page = f"/staff/screenings/{by_caregiver}"
    assert post_form(journey, page, f"{page}/patient", {"reference": "P-1"}).status_code == 302
    page = f"/staff/screenings/{by_staff}"
    response = post_form(journey, page, f"{page}/patient", {"reference": "P-404"})
    assert response.status_code == 400
    assert "No patient has this reference" in text_of(check_page(response, error=True))
    assert post_form(journey, page, f"{page}/patient", {"reference": "P-1"}).status_code == 302
    with app.app_context():
        linked = {s.public_id for s in db.session.execute(
            db.select(Screening).where(Screening.patient_id.is_not(None))).scalars()}
        db.session.add(Patient(reference="P-2", route="oral"))
        db.session.commit()
    assert linked == {by_caregiver, by_staff}
    # A wrong link (a mistyped reference) can be put right.
    page = f"/staff/screenings/{by_caregiver}"
    assert post_form(journey, page, f"{page}/patient", {"reference": "P-2"}).status_code == 302
    with app.app_context():
        moved = db.session.execute(
            db.select(Screening).filter_by(public_id=by_caregiver)).scalar_one()
        assert moved.patient.reference == "P-2" and moved.patient_ref == "P-1"


def test_screenings_sent_before_the_record_existed_are_offered_for_confirming(app, client,
                                                                               staff):
    early = submit(client, {**SOON, "patient_ref": "NEW-7"})
    journey = staff()
    response = post_form(journey, "/staff/patients/new", "/staff/patients/new",
                         {"reference": "NEW-7", "route": "oral"})
    assert response.status_code == 302
    _, tree = journey.get(patient_path(app, "NEW-7"))
    waiting = tree.find(".//div[@class='inset-text']")
    assert "not yet confirmed" in text_of(waiting)
    assert early in " ".join(a.get("href") for a in waiting.findall(".//a"))
    assert "No screenings yet." in text_of(tree.find(".//tbody"))  # not on the timeline


def test_a_service_that_reads_checks_takes_a_number_and_its_staff_see_it(app, client, staff):
    """UX walk 2, finding 12: a Yes/No question whose Yes is the consent and reveals the
    number, not a tick box that traps a number typed without it."""
    app.extensions["service"] = load_profile(CLINIC)
    journey = Journey(client)
    answers = {**OUTCOMES["urgent"], "respondent": "caregiver"}
    walk_to(journey, "about", answers)
    _, tree = journey.get("/check/about")
    assert tree.find(".//input[@name='callback_phone']").get("type") == "tel"
    question = tree.find(".//input[@name='callback_consent']/../../..")
    assert "Can the clinic call you back about this check?" in text_of(question)
    assert [i.get("value") for i in question.findall(".//input")] == ["yes", "no"]
    assert not any(i.get("checked") is not None for i in question.findall(".//input"))
    reveal = tree.find(".//div[@data-follows='callback_consent']")
    assert reveal.get("data-answers") == "yes"
    assert reveal.find(".//input[@name='callback_phone']") is not None
    assert "If you answered Yes:" in text_of(reveal)  # without JavaScript it shows
    hint = text_of(question.find(".//div[@class='hint']"))
    assert hint.startswith("The Example pump clinic reads the checks sent here")
    # Yes with no number: a clear message, and the Yes is kept.
    _, refused = journey.submit("/check/about", {**page_data("about", answers),
                                                 "callback_consent": "yes"}, error=True)
    assert "Enter the phone number the clinic can call you on, or choose No" in text_of(
        refused.find(".//*[@class='error-summary']"))
    assert refused.find(".//input[@name='callback_consent'][@value='yes']").get(
        "checked") is not None
    response, _ = journey.submit("/check/about", {**page_data("about", answers),
                                                  "callback_phone": "07700 900982",
                                                  "callback_consent": "yes"})
    _, result = journey.get(response.location)
    main = text_of(result.find(".//main"))
    # Red team 2, L16: only the last digits on the result page, which its link opens.
    assert "They may call you on the number you gave, ending 982" in main
    assert "900982" not in main
    assert "911" not in text_of(result) and "112 in Europe" not in text_of(result)
    # The profile's numbers, and NHS 111 where the urgent advice names it (issue 23).
    assert {a.get("href") for a in result.findall(".//a") if a.get("href", "").startswith(
        "tel:")} == {"tel:999", "tel:01614960000", "tel:111"}
    with app.app_context():
        saved = db.session.execute(db.select(Screening)).scalar_one()
        assert saved.callback_phone == "07700 900982"
        assert "07700" not in str(saved.answers)  # not a clinical answer
    _, page = staff().get(f"/staff/screenings/{saved.public_id}")
    call = page.find(".//a[@href='tel:07700900982']")
    assert call is not None and "Consented to a call back" in text_of(page.find(".//main"))


@pytest.mark.parametrize("consent", ["no", None])
def test_no_to_a_call_back_stores_no_number_even_one_typed(app, client, consent):
    """Without JavaScript the number field shows under "If you answered Yes:"; a number
    typed there with No (or no answer) is neither refused nor kept."""
    app.extensions["service"] = load_profile(CLINIC)
    journey = Journey(client)
    answers = {**OUTCOMES["urgent"], "respondent": "caregiver"}
    walk_to(journey, "about", answers)
    data = {**page_data("about", answers), "callback_phone": "not a number"}
    response, _ = journey.submit("/check/about", {**data, "callback_consent": consent}
                                 if consent else data)
    _, result = journey.get(response.location)
    assert "You did not leave a number, so they cannot call you back." in text_of(result)
    with app.app_context():
        assert db.session.execute(db.select(Screening)).scalar_one().callback_phone is None


def test_the_screening_page_has_what_a_call_needs(app, client, staff):
    """Every answer (no and I don't know included), the patient's identity and contact, the
    rule that set the level and the call script for it, in staff wording."""
    make_patient(app, "P-1", name="Sam Example", contact_name="Alex (partner)",
                 contact_phone="07700 900123", clinic_name="North pump clinic",
                 clinic_phone="0161 496 0000")
    public_id = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1",
                                "history": {"pump_alarm": True, "refill_overdue": False}})
    confirm_reference(app, public_id, "P-1")
    _, tree = staff().get(f"/staff/screenings/{public_id}")
    main = text_of(tree.find(".//main"))
    rules = app.extensions["ruleset"]
    setting = next(r for r in saved(app, public_id).assessment["discriminators"]
                   if r["level"] == "urgent")
    assert f"Why: {setting['label']}" in main  # the rule that set the level, staff wording
    assert "Sam Example" in main and "Alex (partner)" in main
    assert tree.find(".//a[@href='tel:07700900123']") is not None
    assert tree.find(".//a[@href='tel:01614960000']") is not None
    for line in (*rules.call_script.confirm, *rules.call_script.say["urgent"]):
        assert line in main
    rows = {text_of(row.find("dt")): text_of(row.find("dd"))
            for row in tree.findall(".//dl[@class='summary-list summary-list-compact']/div")}
    assert rows["Has the pump alarm gone off (beeping)?"] == "Yes"
    assert rows["Is the pump refill overdue (past its refill date)?"] == "No"
    assert rows["Have they had an MRI scan in the last 2 days?"] == "I don\u2019t know, or not answered"
    assert rows["Breaths per minute"] == "Not measured"
    assert rows["Is the injury at chest level (T6) or higher, including the neck?"] == (
        "I don\u2019t know, or not answered")
    # Issue 23: the kinds of change, then each kind's page with what was ticked.
    assert "Skin, head, stomach and other changes" in rows["What has changed?"]
    assert "Itching, without a rash" in rows[
        "What has changed in their skin, head, stomach or elsewhere?"]
