"""The outcome page: the reference first, why in one line, tap-to-call links, and an honest
"what happens next" from the deployment's service profile."""

from __future__ import annotations

import pytest

from screener.web.service_profile import ServiceProfileError, load_profile
from tests.journeys import OUTCOMES, walk
from tests.pages import Journey, text_of


def _result(client, answers) -> tuple[str, object]:
    journey = Journey(client)
    path = walk(journey, answers)
    _, tree = journey.get(path)
    return path, tree


@pytest.mark.parametrize(("raw", "words"), [
    ([], "must be a mapping"),
    ({"clinic": "x"}, "unknown keys: clinic"),
    ({"reads_checks": True}, "say when in reads_when"),
    ({"reads_checks": "yes", "reads_when": "daily"}, "must be true or false"),
    ({"emergency_numbers": ["ambulance"]}, "emergency_numbers must be numbers"),
    ({"clinic_phone": ""}, "clinic_phone must be text"),
])
def test_a_bad_service_profile_is_refused_saying_what_to_fix(raw, words):
    with pytest.raises(ServiceProfileError, match=words):
        load_profile(raw)


def test_without_a_profile_the_outcome_says_nobody_will_call_and_offers_every_number(client):
    _, tree = _result(client, OUTCOMES["urgent"])
    main = text_of(tree.find(".//main"))
    assert "Nobody reads this check or will call you about it" in main
    assert "You must make the call yourself" in main
    calls = {a.get("href") for a in tree.findall(".//main//a") if a.get("href", "").startswith(
        "tel:")}
    # Every emergency number, and NHS 111 where the advice names it.
    assert calls == {"tel:999", "tel:911", "tel:112", "tel:111"}
    assert tree.find(".//input[@name='callback_phone']") is None


def test_the_advice_comes_first_then_the_reference_and_why_is_one_line(client):
    """Issue 23 (UX walk 2, finding 3): the reference panel came first and pushed the call
    button off a small phone's first screen; a screen reader read it before the heading.
    The care card comes first; the reference after the advice."""
    path, tree = _result(client, OUTCOMES["soon"])
    main = tree.find(".//main")
    divs = [div.get("class") for div in main.iter("div")]
    assert divs[0] == "care-card care-card-soon"
    assert divs.index("panel-reference") > divs.index("care-card-content")
    reference = main.find(".//div[@class='panel-reference']")
    assert path.rsplit("/", 1)[1] not in text_of(reference)  # the short one (issue 23, item 2)
    why = text_of(main.find(".//*[@class='care-card-why']"))
    assert why.startswith("Why:") and why.count(".") <= 2


def test_why_names_the_score_and_its_threshold_when_no_rule_set_the_level(app, client):
    answers = {"route": "oral", "symptoms": ["insomnia"], "history": {
        f.id: False for f in app.extensions["ruleset"].features.values()
        if f.kind == "history" and not f.optional}}
    _, tree = _result(client, answers)
    why = text_of(tree.find(".//*[@class='care-card-why']"))
    assert "points" in why and "1 or more means" in why, why


def test_caregiver_wording_has_no_news2_jargon(client):
    _, tree = _result(client, {"route": "oral", "symptoms": ["muscle_spasms"],
                               "vitals": {"heart_rate": 125, "respiratory_rate": 22}})
    main = tree.find(".//main")
    for parent in main.iter():  # citations name their source (NEWS2 is one); wording may not
        for cited in [c for c in parent if "source" in (c.get("class") or "").split()]:
            parent.remove(cited)
    assert "NEWS2" not in text_of(main)


def test_an_emergency_from_page_one_gives_no_guess_about_the_cause(client):
    journey = Journey(client)
    response, _ = journey.submit(journey.start(), {"symptoms": ["reduced_consciousness"]})
    _, tree = journey.get(response.location)
    main = text_of(tree.find(".//main"))
    assert "The answers point to" not in main
    assert "too much baclofen" not in main and "extra baclofen" not in main
    assert "recovery position" in main  # first aid for what was ticked stays
