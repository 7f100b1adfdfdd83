"""Decisions and words apart (issue 13, item 2): scoring names the advice that applies by
id; the presenter (clinical/wording.py) is the one place that writes the sentences."""

from __future__ import annotations

import pytest

from screener.clinical import wording
from screener.clinical.answers import normalise
from screener.clinical.rules import DEFAULT_PATH, RuleSetError, parse_ruleset
from screener.clinical.scoring import advice_that_applies, decide
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


def test_every_advice_addition_needs_its_own_id():
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    with pytest.raises(RuleSetError, match="duplicate advice addition id 'pump_card'"):
        parse_ruleset(text.replace("- id: pump_keep_refills", "- id: pump_card"))
    without = text.replace("    - id: pump_card\n      audience:", "    - audience:")
    with pytest.raises(RuleSetError, match="an advice addition has no id"):
        parse_ruleset(without)
    assert parse_ruleset(without, decisions_only=True).addition["addition-20"]
