"""The screening journey through the pages, as a person would walk it (CSRF on)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screener.clinical import assess
from screener.clinical.rules import default_ruleset
from screener.db import db
from screener.journey.forms import to_request
from screener.journey.pages import PAGES, Page, page
from screener.models import Screening
from tests.journeys import OUTCOMES, RULES, page_data, walk, walk_to
from tests.pages import Journey, check_page, csrf_token, text_of

SYMPTOM_PAGES = [p for p in PAGES if p.kind == "symptoms"]
VIGNETTES = json.loads((Path(__file__).parents[1] / "data" / "vignettes.json").read_text())



def saved_assessment(client, result_path: str) -> dict:
    public_id = result_path.rsplit("/", 1)[1]
    return client.get(f"/api/v1/screenings/{public_id}").json["assessment"]


@pytest.mark.parametrize("level", list(OUTCOMES))
def test_each_outcome_is_reached_through_the_pages(app, client, level):
    journey = Journey(client)
    result = walk(journey, OUTCOMES[level])
    assessment = saved_assessment(client, result)
    assert assessment["level"] == level
    _, tree = journey.get(result)
    heading = tree.find(".//h1").itertext()
    assert level.capitalize() in "".join(heading)  # the level in words, not colour alone
    page_text = "".join(tree.find(".//main").itertext())
    assert assessment["ruleset_hash"] in page_text  # the exact logic that gave the result
    assert len(journey.visited) <= 24  # each page is fetched twice (view, then submit)


@pytest.mark.parametrize("case", VIGNETTES, ids=[c["id"] for c in VIGNETTES])
def test_the_pages_give_the_same_level_as_the_api(app, client, case):
    answers = {k: v for k, v in case["answers"].items() if k != "patient_ref"}
    result = walk(Journey(client), answers)
    api_level = client.post("/api/v1/assess", json=answers).json["level"]
    assert saved_assessment(client, result)["level"] == api_level


def test_a_red_flag_ends_the_check_at_once_and_is_saved(app, client):
    journey = Journey(client)
    first = journey.start()
    response, _ = journey.submit(first, {"symptoms": ["seizure"]})
    assert response.location.startswith("/result/")
    _, tree = journey.get(response.location)
    assert "Call the emergency number now" in "".join(tree.find(".//h1").itertext())
    saved = saved_assessment(client, response.location)
    assert saved["level"] == "emergency" and saved["answers"]["route"] == "unknown"
    # The route is not asked yet, so a pump is possible: the pump card is asked for (review
    # 3.2), with seizure first aid and what to show the crew; nothing by mouth after a
    # seizure (review 2, W3).
    page = "".join(tree.find(".//main").itertext())
    assert "pump card" in page and "tablets for emergencies" not in page
    assert "recovery position" in page and "ambulance crew" in page
    with app.app_context():
        assert db.session.query(Screening).count() == 1
    assert client.get("/check/route").location == "/"  # the finished draft is closed


def test_a_sign_ticked_with_none_of_these_fails_safe_to_the_emergency_outcome(app, client):
    journey = Journey(client)
    first = journey.start()
    response, _ = journey.submit(first, {"symptoms": ["none", "seizure"]})
    assert response.location.startswith("/result/")
    assert saved_assessment(client, response.location)["level"] == "emergency"


def _alone_an_emergency(page: Page) -> str | None:
    """A box on `page` that means an emergency on its own (a pump, nothing else known)."""
    return next((f.id for f in page.features(RULES) if assess(
        {"route": "intrathecal", "symptoms": [f.id]}, RULES).level == "emergency"), None)


@pytest.mark.parametrize("page", SYMPTOM_PAGES, ids=[p.id for p in SYMPTOM_PAGES])
def test_a_red_flag_ticked_with_none_of_these_is_an_emergency_on_every_page(app, client, page):
    """UX walk 2, finding 9, without JavaScript (the test client runs none): a box that
    means an emergency wins over "None of these" on every page of symptoms; another box
    with "None of these" stays a mistake to correct."""
    flag = _alone_an_emergency(page)
    box = flag or page.features(RULES)[0].id
    journey = Journey(client)
    walk_to(journey, page.id, {"route": "intrathecal", "symptoms": [box]})
    response, tree = journey.submit(f"/check/{page.id}", {"symptoms": ["none", box]},
                                    error=flag is None)
    if flag is None:
        assert "only if none of the others applies" in tree.findtext(".//ul/li/a")
        return
    assert response.location.startswith("/result/")
    saved = saved_assessment(client, response.location)
    assert saved["level"] == "emergency" and flag in saved["answers"]["symptoms"]


def test_every_page_of_symptoms_but_one_has_a_box_that_alone_is_an_emergency():
    """The test above checks both of its branches: the pages without such a box are the
    muscles, temperature and pump-site pages (a sign there needs other answers to reach
    emergency)."""
    assert {p.id for p in SYMPTOM_PAGES if _alone_an_emergency(p) is None} == {
        "muscles", "temperature-heart", "pump-site"}


@pytest.mark.parametrize(("symptoms", "vitals", "ends_on"), [
    (["hallucinations"], {}, "mind"),  # tablets run out: delirium after an interruption
    (["muscle_rigidity"], {"temperature_c": 39.5}, "vitals"),  # hyperthermia with rigidity
])
def test_the_check_ends_on_the_page_whose_answers_reach_emergency(app, client, symptoms, vitals,
                                                                   ends_on):
    """Review (ux-walk): hallucinations on the symptoms page still led through three pages."""
    answers = {"route": "oral", "symptoms": symptoms, "vitals": vitals,
               "history": {"ran_out_of_medication": True, "long_term_use": True}}
    journey = Journey(client)
    response, _ = journey.submit(journey.start(), {"symptoms": ["none"]})
    response, _ = journey.submit("/check/route", {"route": "oral"})
    while response.location.startswith("/check/"):
        page_id = response.location.rsplit("/", 1)[1]
        response, _ = journey.submit(response.location, page_data(page_id, answers))
        last = page_id
    assert last == ends_on and response.location.startswith("/result/")
    saved = saved_assessment(client, response.location)
    assert saved["level"] == "emergency"
    assert saved["answers"]["respondent"] is None  # "who is answering" was never asked
    with app.app_context():
        assert db.session.query(Screening).count() == 1  # the partial screening is saved


def _error_links_resolve(tree) -> list[str]:
    ids = {element.get("id") for element in tree.iter() if element.get("id")}
    links = [a.get("href")[1:] for a in tree.findall(".//div[@class='error-summary']//a")]
    assert links and all(link in ids for link in links), links
    return links


def test_every_page_shows_specific_errors_and_keeps_the_answers(client):
    journey = Journey(client)
    first = journey.start()
    response, tree = journey.submit(first, {}, error=True)
    assert tree.findtext(".//h2") == "There is a problem"
    _error_links_resolve(tree)
    journey.submit(first, {"symptoms": ["none"]})
    response, tree = journey.submit("/check/route", {}, error=True)
    assert _error_links_resolve(tree) == ["route"]
    journey.submit("/check/route", {"route": "both"})

    # A blank is "I don't know" there (issue 23); an answer that is not a choice is a mistake.
    partial = {"pump_alarm": "yes", "refill_overdue": "no", "alarm_type": "loud"}
    response, tree = journey.submit("/check/pump", partial, error=True)
    links = _error_links_resolve(tree)
    assert links == ["alarm_type"]
    checked = {(i.get("name"), i.get("value")) for i in tree.findall(".//input")
               if i.get("checked") is not None}
    assert {("pump_alarm", "yes"), ("refill_overdue", "no")} <= checked  # nothing lost
    assert len(tree.findall(".//p[@class='error-message']")) == len(links)
    journey.submit("/check/pump", page_data("pump", {"route": "both"}))
    journey.submit("/check/tablets", page_data("tablets", {"route": "both"}))

    response, tree = journey.submit("/check/changes", {}, error=True)
    _error_links_resolve(tree)
    response, tree = journey.submit("/check/changes", {"changes": ["muscles", "none"]},
                                    error=True)
    assert "only if nothing has changed" in tree.findtext(".//ul/li/a")
    journey.submit("/check/changes", {"changes": ["muscles"]})
    response, tree = journey.submit("/check/muscles", {}, error=True)
    _error_links_resolve(tree)
    journey.submit("/check/muscles", {"symptoms": ["tremor"]})

    response, tree = journey.submit("/check/vitals", {
        "temperature": "101.3", "heart_rate": "fast", "spo2": "101"}, error=True)
    links = _error_links_resolve(tree)
    assert set(links) == {"temperature", "temperature_unit", "heart_rate", "spo2"}
    messages = " ".join(a.text for a in tree.findall(".//div[@class='error-summary']//a"))
    assert "It looks like °F" in messages and "between 50 and 100" in messages
    journey.submit("/check/vitals", {})
    for page_id in ("pump-more", "tablets-more"):
        journey.submit(f"/check/{page_id}", {})

    response, tree = journey.submit("/check/background", {
        **page_data("background", {"route": "both"}), "hours_since_problem": "a day"},
        error=True)
    assert set(_error_links_resolve(tree)) == {"hours_since_problem"}
    assert tree.find(".//input[@id='hours_since_problem']").get("value") == "a day"
    journey.submit("/check/background", page_data("background", {"route": "both"}))
    for page_id in ("health", "other-health", "medicines"):
        journey.submit(f"/check/{page_id}", {})

    response, tree = journey.submit("/check/about", {"patient_ref": "<script>"}, error=True)
    assert set(_error_links_resolve(tree)) == {"respondent", "patient_ref"}


def test_fahrenheit_is_converted_to_celsius(client):
    answers = {"route": "oral", "respondent": "patient"}
    journey = Journey(client)
    journey.start()
    journey.submit("/check/emergency-signs", {"symptoms": ["none"]})
    journey.submit("/check/route", {"route": "oral"})
    for page_id in ("tablets", "changes"):
        journey.submit(f"/check/{page_id}", page_data(page_id, answers))
    response, _ = journey.submit("/check/vitals", {"temperature": "101.3",
                                                   "temperature_unit": "f"})
    while response.location.startswith("/check/"):
        page_id = response.location.rsplit("/", 1)[1]
        response, _ = journey.submit(response.location, page_data(page_id, answers))
    saved = saved_assessment(client, response.location)
    assert saved["answers"]["vitals"] == {"temperature_c": 38.5}
    assert any(c["feature"] == "fever" and c["implied_by"] == "temperature_c"
               for c in saved["contributions"])


def test_a_page_out_of_order_is_refused(app, client):
    journey = Journey(client)
    journey.start()
    _, tree = journey.get("/check/emergency-signs")
    skipped = client.post("/check/muscles", data={"symptoms": ["tremor"],
                                                   "csrf_token": csrf_token(tree)})
    assert skipped.status_code == 302 and skipped.location == "/check/emergency-signs"
    assert client.get("/check/about").location == "/check/emergency-signs"
    assert client.get("/check-answers").location == "/check/emergency-signs"
    assert client.get("/check/no-such-page").status_code == 404


def test_without_a_started_check_pages_go_to_the_start(client):
    assert client.get("/check/route").location == "/"
    assert client.get("/check-answers").location == "/"


def test_a_post_without_the_csrf_token_is_refused(client):
    journey = Journey(client)
    journey.start()
    response = client.post("/check/emergency-signs", data={"symptoms": ["none"]})
    assert response.status_code == 400


def test_an_interrupted_check_can_be_resumed_after_a_reload(app, client):
    journey = Journey(client)
    journey.start()
    journey.submit("/check/emergency-signs", {"symptoms": ["none"]})
    journey.submit("/check/route", {"route": "intrathecal"})
    _, tree = journey.get("/check/route")  # reload: the answer is still there
    assert tree.find(".//input[@value='intrathecal']").get("checked") is not None
    _, start = journey.get("/")
    resume = next(a for a in start.findall(".//a") if "Continue the check" in (a.text or ""))
    assert client.get(resume.get("href")).location == "/check/pump"
    # The cookie holds only the draft's id, never an answer.
    with client.session_transaction() as session:
        assert set(session) <= {"draft", "csrf_token", "_permanent", "_fresh"}  # _fresh: Flask-Login


def test_the_last_page_shows_every_answer_and_change_links_return_to_it(client):
    answers = OUTCOMES["soon"]
    journey = Journey(client)
    journey.start()
    journey.submit("/check/emergency-signs", {"symptoms": ["none"]})
    journey.submit("/check/route", {"route": "oral"})
    response, _ = journey.submit("/check/tablets", page_data("tablets", answers))
    while response.location != "/check/about":
        page_id = response.location.rsplit("/", 1)[1]
        response, _ = journey.submit(response.location, page_data(page_id, answers))
    _, tree = journey.get("/check/about")
    summary = tree.find(".//details")
    assert text_of(summary.find("summary")) == "Check your answers"
    changes = [a.get("href") for a in summary.findall(".//a") if text_of(a).startswith("Change")]
    assert "/check/changes?change=1" in changes and "/check/vitals?change=1" in changes
    # A new kind of change asks its page, then comes back; the page left out no longer counts.
    response, _ = journey.submit("/check/changes?change=1", {"changes": ["muscles", "body"]})
    assert response.location == "/check/body"
    response, _ = journey.submit("/check/body", {"symptoms": ["headache"]})
    assert response.location == "/check/about"
    assert sorted(to_request(_draft_pages(client.application), RULES)["symptoms"]) == [
        "headache", "muscle_spasms"]  # "mind" is no longer chosen: its anxiety is dropped
    # Changing the route to a pump asks the new pump questions before returning.
    response, _ = journey.submit("/check/route?change=1", {"route": "both"})
    assert response.location == "/check/pump"


def test_how_it_works_lists_every_feature_rule_and_source(client):
    response = client.get("/how-it-works")
    tree = check_page(response)
    text = text_of_page = "".join(tree.find(".//main").itertext())
    for feature in RULES.features.values():
        assert feature.question in text_of_page
    for rule in RULES.discriminators:
        assert rule.label in text and rule.rationale.split(" [")[0][:60] in text
    for source in RULES.sources:
        assert source in text


def test_pages_and_their_assets_stay_under_100_kb(client):
    assets = 0
    for name in ("app.css", "app.js"):
        response = client.get(f"/static/{name}")
        assets += len(response.data)
        response.close()
    for path in ("/", "/how-it-works"):
        assert len(client.get(path).data) + assets < 100 * 1024


def test_a_scoring_fault_on_the_web_tells_the_person_to_get_help(app, client, monkeypatch):
    """Hazard H4: a fault never shows a result, least of all a reassuring one."""
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("screener.screenings.assess", broken)
    journey = Journey(client)
    first = journey.start()
    response, tree = journey.submit(first, {"symptoms": ["seizure"]})
    assert response.status_code == 500
    text = "".join(tree.find(".//main").itertext())
    assert "call the emergency number" in text
    with app.app_context():
        assert db.session.query(Screening).count() == 0


def test_choice_and_follow_up_questions_may_be_left_unanswered(app, client):
    """The alarm type and pump make are optional radios: unanswered means "I don't know"."""
    journey = Journey(client)
    first = journey.start()
    journey.submit(first, {"symptoms": ["none"]})
    journey.submit("/check/route", {"route": "intrathecal"})
    _, tree = journey.get("/check/pump")
    labels = [label.text for label in tree.findall(".//label")]
    assert any("two-tone" in (text or "") for text in labels)
    data = {f.id: "no" for f in default_ruleset().features.values()
            if f.group == "pump" and f.kind == "history"} | {"pump_alarm": "yes"}
    response, _ = journey.submit("/check/pump", data)
    assert response.status_code == 302  # alarm_type and pump_make left blank: accepted
    response, _ = journey.submit("/check/pump", {**data, "alarm_type": "single_tone",
                                                 "pump_make": "prometra"})
    assert response.status_code == 302


def test_follow_up_questions_are_optional_and_ignored_when_ruled_out(app, client):
    """The T6 question follows a spinal cord injury "yes" or "I don't know": optional, shown
    in a block the script reveals, and dropped if the injury answer rules it out."""
    journey = Journey(client)
    journey.submit(journey.start(), {"symptoms": ["none"]})
    journey.submit("/check/route", {"route": "oral"})
    # A raised blood pressure: a spinal cord injury at T6 or above could make it autonomic
    # dysreflexia, so the background page asks about one (tests/web/test_what_matters.py).
    answers = {"route": "oral", "vitals": {"systolic_bp": 150}, "history": {
        f.id: False for f in RULES.features.values()
        if f.group == "tablets" and f.kind == "history" and not f.follows}}
    response, _ = journey.submit("/check/tablets", page_data("tablets", answers))
    while response.location != "/check/background":
        page_id = response.location.rsplit("/", 1)[1]
        response, _ = journey.submit(response.location, page_data(page_id, answers))
    _, tree = journey.get("/check/background")
    block = tree.find(".//div[@data-follows='spinal_cord_injury']")
    assert block.get("data-answers") == "yes unknown"
    assert block.find(".//input[@name='injury_level_T6_or_above']") is not None
    response, _ = journey.submit("/check/background", {})  # "answer what you can": nothing
    assert response.status_code == 302
    journey.submit("/check/background?change=1", {"spinal_cord_injury": "no",
                                                  "injury_level_T6_or_above": "yes"})
    request = to_request(_draft_pages(app), RULES)
    assert request["history"]["spinal_cord_injury"] is False
    assert "injury_level_T6_or_above" not in request["history"]  # ruled out: dropped


def _draft_pages(app) -> dict:
    from screener.journey import Draft

    with app.app_context():
        return db.session.query(Draft).one().pages


def test_a_refused_page_comes_back_by_a_get_so_back_and_reload_work(client):
    """Post/redirect/get: the mistakes and what was typed live in the draft. The messages
    belong to the address of the send that made them (`?problem=N`), so reloading it shows
    them again (no "Confirm Form Resubmission"), while Back to the page's own address shows
    what was typed without them (UX walk 2, finding 13), until it is sent correctly."""
    journey = Journey(client)
    walk_to(journey, "vitals", {"route": "oral"})  # asked before the background (issue 23)
    _, tree = journey.get("/check/vitals")
    refused = client.post("/check/vitals", data={"heart_rate": "fast", "spo2": "97",
                                                 "csrf_token": csrf_token(tree)})
    assert refused.status_code == 303 and refused.location == "/check/vitals?problem=1"
    for _reload in range(2):
        _, again = journey.get(refused.location, error=True)
        assert again.find(".//input[@name='heart_rate']").get("value") == "fast"
        assert again.find(".//input[@name='spo2']").get("value") == "97"
        assert "Enter heart rate" in text_of(again.find(".//*[@class='error-summary']"))
    _, back = journey.get("/check/vitals")  # Back: the answers, without the messages
    assert back.find(".//*[@class='error-summary']") is None
    assert back.find(".//*[@class='error-message']") is None
    assert back.find(".//input[@name='heart_rate']").get("value") == "fast"
    again = client.post("/check/vitals", data={"heart_rate": "faster", "spo2": "97",
                                               "csrf_token": csrf_token(back)})
    assert again.location == "/check/vitals?problem=2"  # its own address: Back leaves it
    _, first = journey.get(refused.location)  # an earlier send's address: no messages
    assert first.find(".//*[@class='error-summary']") is None
    assert first.find(".//input[@name='heart_rate']").get("value") == "faster"
    response, _ = journey.submit("/check/vitals", {"heart_rate": "88", "spo2": "97"})
    assert response.location == "/check/tablets-more"
    _, fixed = journey.get("/check/vitals")  # sent correctly: the mistakes are gone
    assert fixed.find(".//*[@class='error-summary']") is None
    assert fixed.find(".//input[@name='heart_rate']").get("value") == "88"


def test_the_age_is_asked_first_required_and_kept(app, client):
    """UX walk 2, finding 1: the age comes straight after the emergency signs, must be
    answered (a number, months under 2, or "I don't know"), and decides the physiology."""
    journey = Journey(client)
    response, _ = journey.submit(journey.start(), {"symptoms": ["none"]})
    assert response.location == "/check/age"
    response, tree = journey.submit("/check/age", {}, error=True)
    assert _error_links_resolve(tree) == ["age_years"]
    response, tree = journey.submit("/check/age", {"age_years": "9", "age_unknown": "y"},
                                    error=True)
    assert tree.find(".//input[@id='age_years']").get("value") == "9"  # nothing lost
    response, tree = journey.submit("/check/age", {"age_months": "30"}, error=True)
    assert _error_links_resolve(tree) == ["age_months"]
    response, _ = journey.submit("/check/age", {"age_months": "2"})
    assert response.location == "/check/route"


@pytest.mark.parametrize(("age", "band"), [({"age_years": "9"}, "age_8_to_11"),
                                           ({"age_months": "2"}, "under_3_months"),
                                           ({"age_unknown": "y"}, "unknown"),
                                           ({"age_years": "40"}, "adult")])
def test_the_age_given_on_its_page_reaches_the_assessment(client, age, band):
    """The UX walk's 9-year-old with a pump, 38.6 °C and a pulse of 125 is an emergency for
    a child of 9 (NICE NG254), and the outcome carries the child's band."""
    journey = Journey(client)
    answers = {"route": "intrathecal", "symptoms": ["fever"],
               "history": {"communication_difficulty": True, "long_term_use": True},
               "vitals": {"temperature_c": 38.6, "heart_rate": 125}}
    journey.submit(journey.start(), {"symptoms": ["none"]})
    journey.submit("/check/age", age)
    response, _ = journey.submit("/check/route", {"route": "intrathecal"})
    while response.location.startswith("/check/"):
        page_id = response.location.rsplit("/", 1)[1]
        response, _ = journey.submit(response.location, page_data(page_id, answers))
    path = response.location
    saved = saved_assessment(client, path)
    assert saved["age_band"] == band
    if band == "age_8_to_11":
        assert saved["level"] == "emergency"


@pytest.mark.parametrize(("age", "asked", "not_asked"), [
    ("0.1", {"newborn_exposed_in_womb"}, {"pregnant_or_recent_birth"}),
    ("5", set(), {"pregnant_or_recent_birth", "newborn_exposed_in_womb"}),
    ("30", {"pregnant_or_recent_birth"}, {"newborn_exposed_in_womb"}),
])
def test_questions_are_asked_only_at_the_ages_they_apply_to(client, age, asked, not_asked):
    """Issue 20, item 5: pregnancy from 10 to 60, exposure in the womb under 3 months, the
    infant signs under 1 (poor feeding) and under 5 (grunting or pauses in breathing)."""
    journey = Journey(client, age={"age_years": age})
    answers = {"route": "oral", "history": {"age_years": float(age)}}
    walk_to(journey, "changes", answers)
    journey.submit("/check/changes", {"changes": ["all"]})  # "not sure": every kind asked
    boxes, here = set(), "/check/muscles"
    while here != "/check/vitals":
        boxes |= {i.get("value") for i in journey.get(here)[1].findall(
            ".//input[@name='symptoms']")}
        here = journey.submit(here, {"symptoms": ["none"]})[0].location
    assert ("poor_feeding" in boxes) == (float(age) < 1)
    # The page's questions at this age (which of them a caregiver then sees depends on
    # what could still change the level: tests/web/test_what_matters.py).
    names = {f.id for f in page("other-health").features(RULES, "oral", float(age))}
    assert asked <= names and not (not_asked & names)
    assert ("grunting_or_breathing_pauses" in boxes) == (float(age) < 5)


@pytest.mark.parametrize(("route", "page_id", "known"), [
    ("intrathecal", "pump", {"pump_alarm": "yes"}),
    ("oral", "tablets", {"ran_out_of_medication": "yes"}),
])
def test_a_blank_on_the_pump_or_tablets_page_is_i_dont_know(app, client, route, page_id,
                                                            known):
    """Issue 23 (UX walk 2, finding 6): answering only what you know gives no error, and the
    questions left blank count as "I don't know", as on the background page."""
    journey = Journey(client)
    walk_to(journey, page_id, {"route": route})
    _, tree = journey.get(f"/check/{page_id}")
    assert "Leave blank what you do not know." in text_of(tree)
    response, _ = journey.submit(f"/check/{page_id}", known)
    assert response.status_code == 302 and response.location != f"/check/{page_id}"
    answers = to_request({"route": {"route": route}, page_id: known}, RULES)
    asked = [f for f in RULES.features.values() if f.group == page_id and f.id not in known
             and route in f.routes and f.follows is None]
    assert asked and all(answers["history"].get(f.id, "unknown") == "unknown" for f in asked)
