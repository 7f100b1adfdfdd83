""""Change your answers" from the result (issue 23; UX walk 2, finding 13): a new check
already answered with the screening's answers, opened at the last page; sending it saves a
new screening, and the old one stays as saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from screener.db import db
from screener.models import Patient, Screening
from tests.journeys import OUTCOMES, walk
from tests.pages import Journey, csrf_token, text_of

CHILD_WITH_A_TEMPERATURE = {
    "route": "both", "symptoms": ["muscle_spasms"],
    "history": {"age_years": 1.5, "pump_alarm": False, "alarm_type": "unknown",
                "refill_overdue": True, "hours_since_problem": 30},
    "vitals": {"temperature_c": 37.9, "heart_rate": 120}}


def _screenings(app) -> list[Screening]:
    with app.app_context():
        return list(db.session.execute(db.select(Screening).order_by(Screening.id)).scalars())


def _change(journey: Journey, result_path: str):
    _, page = journey.get(result_path)
    form = next(f for f in page.iter("form") if f.get("action", "").endswith("/change"))
    assert "Change your answers" in text_of(form)
    return journey.client.post(form.get("action"), data={"csrf_token": csrf_token(form)})


@pytest.mark.parametrize("answers", [*OUTCOMES.values(), CHILD_WITH_A_TEMPERATURE],
                         ids=[*OUTCOMES, "child"])
def test_changing_the_answers_makes_a_new_screening_and_keeps_the_old(app, client, answers):
    journey = Journey(client)
    result_path = walk(journey, answers)
    [before] = _screenings(app)
    response = _change(journey, result_path)
    assert response.status_code == 302 and response.location == "/check/about?review=1"
    _, about = journey.get(response.location)  # every answer, each with a Change link
    answers_list = about.find(".//details[@class='details']")
    assert answers_list.get("open") is not None and answers_list.find(".//a[@href]") is not None
    _, plain = journey.get("/check/about")
    assert plain.find(".//details[@class='details']").get("open") is None
    response, _ = journey.submit("/check/about", {"respondent": "caregiver"})
    assert response.location.startswith("/result/") and response.location != result_path
    old, new = _screenings(app)
    assert (old.public_id, old.answers, old.level) == (before.public_id, before.answers,
                                                        before.level)
    # The same answers (an emergency ended on its first pages had no one answering yet).
    assert new.answers == {**old.answers, "respondent": "caregiver"}
    assert new.level == old.level


def test_a_changed_answer_changes_only_the_new_screening(app, client):
    journey = Journey(client)
    result_path = walk(journey, OUTCOMES["routine"])
    _change(journey, result_path)
    _, page = journey.get("/check/changes?change=1")  # "Nothing new or worse" was chosen
    assert page.find(".//input[@value='none']").get("checked") is not None
    response, _ = journey.submit("/check/changes?change=1", {"changes": ["muscles"]})
    assert response.location.startswith("/check/muscles")  # the kind now chosen is asked
    journey.submit(response.location, {"symptoms": ["muscle_rigidity"]})
    journey.submit("/check/about", {"respondent": "caregiver"})
    old, new = _screenings(app)
    assert old.level == "routine" and "muscle_rigidity" in new.answers["symptoms"]
    assert new.level != "routine"


def test_only_while_the_result_can_be_read_never_one_linked_to_a_patient(app, client):
    journey = Journey(client)
    result_path = walk(journey, OUTCOMES["routine"])
    _, page = journey.get(result_path)
    token = csrf_token(page)
    change = f"{result_path}/change"
    assert client.post(change).status_code == 400  # no CSRF token
    [screening] = _screenings(app)
    with app.app_context():
        db.session.execute(db.update(Screening).filter_by(id=screening.id).values(
            created_at=datetime.now(UTC) - timedelta(hours=app.config["RESULT_LINK_HOURS"],
                                                     minutes=1)))
        db.session.commit()
    assert client.post(change, data={"csrf_token": token}).status_code == 404  # expired
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="oral"))
        db.session.flush()
        db.session.execute(db.update(Screening).filter_by(id=screening.id).values(
            created_at=datetime.now(UTC), patient_id=db.session.execute(
                db.select(Patient.id)).scalar_one()))
        db.session.commit()
    assert client.post(change, data={"csrf_token": token}).status_code == 404  # linked
    assert client.post("/result/NOT-A-SCREENING/change",
                       data={"csrf_token": token}).status_code == 404
    assert len(_screenings(app)) == 1
