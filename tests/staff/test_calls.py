"""Follow-up calls and the timeline."""

from __future__ import annotations

from datetime import date, timedelta

from screener.db import db
from screener.models import Patient, Screening
from tests.pages import csrf_token, text_of
from tests.staff.factories import (
    SOON,
    SVG,
    age,
    audit_rows,
    patient_path,
    post_form,
    queue_ids,
    submit,
)

# --- Follow-up calls and the timeline -------------------------------------------------------

def test_a_follow_up_call_is_prefilled_shows_the_last_answers_and_joins_the_timeline(
        app, client, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today() - timedelta(days=2)))
        db.session.commit()
    pump_all_no = dict.fromkeys(app.extensions["ruleset"].concepts["pump_problem"].facts, False)
    first = submit(client, {**SOON, "route": "intrathecal", "patient_ref": "P-1",
                            "symptoms": ["muscle_spasms"], "vitals": {"heart_rate": 88},
                            "history": pump_all_no})
    age(app, first, days=3)
    journey = staff("clinic", "cath")
    # The caregiver's reference joins the timeline once staff confirm it.
    _, tree = journey.get(patient_path(app))
    assert "not yet confirmed" in text_of(tree.find(".//main"))
    post_form(journey, f"/staff/screenings/{first}", f"/staff/screenings/{first}/patient",
              {"reference": "P-1"})
    response = post_form(journey, patient_path(app), f"{patient_path(app)}/call", {})
    assert response.location == "/check/emergency-signs"
    response, _ = journey.submit("/check/emergency-signs", {"symptoms": ["none"]})
    journey.submit("/check/age", {"age_years": "30"})
    # The route comes pre-selected from the record, with last time's answer beside it.
    _, tree = journey.get("/check/route")
    assert tree.find(".//input[@value='intrathecal']").get("checked") is not None
    assert "Pre-filled from the patient record" in text_of(tree.find(".//main"))
    assert "Last time" in text_of(tree.find(".//div[@id='route-hint']"))
    journey.submit("/check/route", {"route": "intrathecal"})
    _, tree = journey.get("/check/pump")
    overdue = tree.find(".//input[@name='refill_overdue'][@value='yes']")
    assert overdue.get("checked") is not None  # from the refill date on the record
    assert tree.find(".//input[@name='pump_alarm'][@checked]") is None  # not known: asked
    from tests.journeys import page_data
    answers = {"route": "intrathecal", "symptoms": ["pruritus", "muscle_spasms"],
               "history": {"refill_overdue": True}, "respondent": "staff",
               "patient_ref": "P-1"}
    response, _ = journey.submit("/check/pump", page_data("pump", answers))
    while response.location.startswith("/check/"):
        page_id = response.location.rsplit("/", 1)[1]
        _, tree = journey.get(response.location)
        # A staff page: staff navigation, the patient on every page, "Ask the caller".
        assert text_of(tree.find(".//h1")).startswith("Ask the caller: ")
        assert "Follow-up call for P-1" in text_of(tree.find(".//p[@class='call-banner']"))
        assert tree.find(".//nav[@class='staff-nav']") is not None
        if page_id == "symptoms":
            hint = tree.find(".//div[@id='symptoms-muscle_spasms-hint']")
            assert hint is not None and "Ticked" in text_of(hint)
        if page_id == "about":
            assert tree.find(".//input[@value='staff']").get("checked") is not None
            assert tree.find(".//input[@name='patient_ref']").get("value") == "P-1"
        response, _ = journey.submit(response.location, page_data(page_id, answers))
    assert response.location.startswith("/staff/screenings/")
    call = response.location.rsplit("/", 1)[1]
    with app.app_context():
        saved = db.session.execute(db.select(Screening).filter_by(public_id=call)).scalar_one()
        assert saved.respondent == "staff" and saved.patient.reference == "P-1"
        assert saved.level == "urgent"
        # Done by the caller as it is recorded: closed, never a new open triage item.
        assert saved.status == "closed" and saved.closed_by.username == "cath"
        assert [a.kind for a in saved.actions] == ["follow_up_call"]
    _, tree = journey.get("/staff/")
    assert call not in queue_ids(tree)
    _, tree = journey.get(f"/staff/screenings/{call}")
    main = text_of(tree.find(".//main"))
    assert "recorded as done: it is not in the triage queue" in main
    assert "What to do now" not in main  # never "call the pump clinic" to the pump clinic
    _, tree = journey.get(patient_path(app))
    svg = tree.find(f".//{SVG}svg[@class='chart']")
    assert svg is not None and svg.get("role") == "img"
    assert len([p for p in svg.findall(f"{SVG}path") if p.get("transform")]) == 2
    rows = [[text_of(td) for td in tr.findall("td")] for tr in tree.findall(".//tbody/tr")]
    assert [r[1] for r in rows] == ["Urgent", "Soon"]
    assert rows[0][4].startswith("Worse: soon to urgent")
    assert "new: " in rows[0][4] and rows[1][4] == "First screening"
    assert "start_call" in [e.action for e in audit_rows(app)]


def test_a_follow_up_call_cannot_be_continued_without_signing_in(app, client, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="oral"))
        db.session.commit()
    journey = staff()
    post_form(journey, patient_path(app), f"{patient_path(app)}/call", {})
    _, tree = journey.get("/staff/")
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(tree)})
    with client.session_transaction() as session:
        assert "draft" not in session  # signing out drops the call
    response = client.get("/check/route")
    assert response.status_code == 302 and not response.location.startswith("/check/")
