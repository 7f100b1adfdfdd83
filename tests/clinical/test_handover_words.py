"""What to tell the clinic (issue 23; UX walk 2, finding 15): the caregiver reads these
lines aloud on the phone, so each is a sentence in their words, never a staff term, an
abbreviation or a "Label: value" form such as "Hours since interruption: 5 hours"."""

from __future__ import annotations

import re

import pytest
from hypothesis import given

from screener.clinical.rules import DEFAULT_PATH, RuleSetError, parse_ruleset
from tests.packaged import RULES, assess
from tests.strategies import answer_sets

STAFF_WORDS = ("interruption", "supratherapeutic", "news2", "acvpu", "itb", "spo2", "baseline",
               "ingest", "bradypnoea", "(mg)", "(kg)", "observations")
# One to four words, then a colon: a form's label, not something a person says.
LABEL = re.compile(r"^\W*(\S+\s){0,3}\S+:")
EVERY_NUMBER = {f.id: f.max for f in RULES.features.values() if f.kind == "number"}
EVERY_VITAL = {v.id: v.max for v in RULES.vitals.values()}


def jargon(line: str) -> list[str]:
    words = {w.strip("().,;:") for w in line.lower().split()}
    found = [term for term in STAFF_WORDS if term in words or term in line.lower().split()]
    return found + (["a 'Label:' form"] if LABEL.match(line) else [])


def caregiver_lines(answers) -> tuple[str, ...]:
    return assess(answers).advice["caregiver"].tell


def test_the_check_sees_jargon_and_labels():
    assert jargon("Hours since interruption: 5 hours.") == ["interruption", "a 'Label:' form"]
    assert jargon("Measured: Oxygen level (SpO2): 95 %.") == ["spo2", "a 'Label:' form"]
    assert jargon("It started about 5 hours ago.") == []


@pytest.mark.parametrize("route", ["intrathecal", "oral", "both", "unknown"])
def test_every_number_and_measurement_is_a_sentence(route):
    lines = caregiver_lines({"route": route, "symptoms": ["confusion", "fever"],
                             "history": {**EVERY_NUMBER, "age_years": 40,
                                         "took_more_than_prescribed": True},
                             "vitals": EVERY_VITAL})
    said = " ".join(lines)
    assert "It started about 2160 hours ago." in lines
    assert "Their pulse is 250 beats a minute." in lines
    assert "Oxygen level" not in said and "Heart rate" not in said
    assert [(line, jargon(line)) for line in lines if jargon(line)] == []


def test_the_staff_keep_their_terms():
    staff = assess({"route": "oral", "history": {"hours_since_problem": 5}}).advice["staff"]
    assert "Hours since interruption: 5 hours." in staff.tell


@given(answer_sets())
def test_no_handover_line_a_caregiver_reads_aloud_holds_jargon(answers):
    lines = caregiver_lines(answers)
    assert [(line, jargon(line)) for line in lines if jargon(line)] == []


BRING_THE_TABLETS = "Bring the tablets, the box or the prescription"


@pytest.mark.parametrize("symptoms, level", [(["seizure"], "emergency"),
                                             (["muscle_rigidity"], "urgent")])
def test_on_tablets_the_caregiver_is_told_to_bring_them(symptoms, level):
    """UX walk 2, B4."""
    answers = {"route": "oral", "symptoms": symptoms, "history": {"abrupt_stop": True}}
    result = assess(answers)
    assert result.level == level
    assert any(line.startswith(BRING_THE_TABLETS) for line in result.advice["caregiver"].tell)
    on_a_pump = assess({**answers, "route": "intrathecal"}).advice["caregiver"].tell
    assert not any(line.startswith(BRING_THE_TABLETS) for line in on_a_pump)


def test_after_a_refill_the_routine_outcome_names_the_overdose_signs_and_how_long():
    """UX walk 2, C1 and C2."""
    result = assess({"route": "intrathecal",
                     "history": {"recent_refill_or_programming_change": True}})
    assert result.level == "routine"
    watch = " ".join(result.advice["caregiver"].watch_for)
    assert "For 3 days after a refill" in watch
    assert "much sleepier or floppier than usual" in watch and "slow breathing" in watch


@pytest.mark.parametrize("old, new", [
    ("statement: It started about %(value)s hours ago.", "statement: It started a while ago."),
    ("statement: Their pulse is %(value)s beats a minute.",
     "statement: Their pulse is %(value)s beats a minute (100 %)."),
])
def test_a_sentence_said_aloud_must_hold_its_value_once(old, new):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(RuleSetError, match="must hold %\\(value\\)s once"):
        parse_ruleset(text.replace(old, new))
