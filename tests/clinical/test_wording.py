"""Decisions and words apart (issue 13, item 2): scoring names the advice that applies by
id; the presenter (clinical/wording.py) is the one place that writes the sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.clinical import wording
from screener.clinical.answers import normalise
from screener.clinical.rules import DEFAULT_PATH, RuleSetError, parse_ruleset
from screener.clinical.scoring import advice_that_applies, decide
from screener.web import language
from tests.packaged import RULES, assess

SEIZURE_ON_A_PUMP = {"route": "intrathecal", "symptoms": ["seizure"],
                     "history": {"refill_overdue": True}}


def test_the_decision_names_the_advice_that_applies_by_id():
    answers = normalise(SEIZURE_ON_A_PUMP, RULES)
    ids = advice_that_applies(decide(answers, RULES), answers, RULES)
    assert {"seizure_first_aid", "refill_overdue_book_today", "pump_card"} <= set(
        ids["caregiver"])
    assert "staff_pump_details" in ids["staff"] and "seizure_first_aid" not in ids["staff"]


def test_the_words_of_each_addition_come_from_the_presenter_in_the_decisions_order():
    answers = normalise(SEIZURE_ON_A_PUMP, RULES)
    decision = decide(answers, RULES)
    ids = advice_that_applies(decision, answers, RULES)["caregiver"]
    advice = wording.advice("caregiver", decision, answers, RULES, ids)
    added = [line for line in advice.do_now + advice.tell
             if line in {RULES.addition[i].text for i in ids}]
    assert added == [RULES.addition[i].text for i in ids
                     if RULES.addition[i].section == "do_now"] + [
        RULES.addition[i].text for i in ids if RULES.addition[i].section == "tell"]
    assert assess(SEIZURE_ON_A_PUMP).advice["caregiver"] == advice


def test_only_reviewed_english_is_offered(app, client):
    """No catalogue besides en-GB is installed, and a browser asking for Welsh gets English:
    a clinical translation goes live only after a clinician's review (README)."""
    translations = Path(__file__).parents[2] / "screener" / "translations"
    assert not list(translations.glob("*/LC_MESSAGES/*.mo"))
    assert not app.config["TRANSLATIONS"]
    page = client.get("/", headers={"Accept-Language": "cy, en;q=0.1"})
    assert b'lang="en-GB"' in page.data and b"Check for baclofen" in page.data
    with app.test_request_context(headers={"Accept-Language": "cy"}):
        assert language.locale() == "en-GB"
        assert language.rules() is app.extensions["ruleset"]


@pytest.mark.parametrize("direction", ["withdrawal", "overdose", "unclear"])
def test_the_direction_is_worded_once(direction, app, client):
    phrase = wording.DIRECTION_PHRASES[direction]
    assert phrase in wording.direction_sentence(direction)
    assert app.jinja_env.globals["direction_phrases"][direction] == phrase


def test_every_advice_addition_needs_its_own_id():
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    with pytest.raises(RuleSetError, match="duplicate advice addition id 'pump_card'"):
        parse_ruleset(text.replace("- id: pump_keep_refills", "- id: pump_card"))
    without = text.replace("    - id: pump_card\n      audience:", "    - audience:")
    with pytest.raises(RuleSetError, match="an advice addition has no id"):
        parse_ruleset(without)
    assert parse_ruleset(without, decisions_only=True).addition["addition-20"]


def test_a_page_carries_the_language_it_is_in(monkeypatch, tmp_path):
    """With a second language turned on, the page's lang follows the request's locale."""
    from babel import Locale

    from screener import create_app

    app = create_app({"TESTING": True, "TRANSLATIONS": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cy.sqlite'}"})
    monkeypatch.setattr(language, "get_locale", lambda: Locale.parse("cy_GB"))
    assert b'<html lang="cy-GB">' in app.test_client().get("/").data
