"""The questions the journey leaves out (clinical/settled.py) could not have changed the level.

For answer sets with a few findings, and any answers to the late history questions: keeping
only the answers to the questions said to matter (the rest left blank, as the journey leaves
them) gives the same level as answering them all. Hazard H56.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screener.clinical import decide
from screener.clinical.rules import default_ruleset
from screener.clinical.settled import questions_that_matter
from tests.sizes import examples
from tests.strategies import LATE_GROUPS, SYMPTOMS, vital_values

RULES = default_ruleset()
LATE = tuple(f for f in RULES.features.values() if f.group in LATE_GROUPS)
LATE_IDS = {f.id for f in LATE}
EARLY_HISTORY = tuple(i for i in RULES.ids("history") if i not in LATE_IDS)


def _answer(feature):
    if feature.kind == "history":
        return st.sampled_from([True, False, None])
    if feature.kind == "choice":
        return st.sampled_from([*(o.id for o in feature.options), None])
    return st.one_of(st.none(), st.integers(int(feature.min), int(feature.max)),
                     st.sampled_from([71, 72, 167, 168]).filter(
                         lambda x: feature.min <= x <= feature.max))


@st.composite
def before_the_late_pages(draw):
    """What a caregiver has answered on reaching the late pages: a route, an age, a few
    symptoms and measurements, the early history."""
    history = draw(st.dictionaries(st.sampled_from(EARLY_HISTORY),
                                   st.sampled_from([True, False]), max_size=6))
    history["age_years"] = draw(st.sampled_from([0.5, 3, 9, 14, 34, 80]))
    return {
        "route": draw(st.sampled_from(["intrathecal", "oral", "both", "unknown"])),
        "symptoms": sorted(draw(st.frozensets(st.sampled_from(SYMPTOMS), max_size=3))),
        "history": history,
        "vitals": draw(st.dictionaries(st.sampled_from(sorted(RULES.vitals)),
                                       st.just(None), max_size=2).flatmap(
            lambda chosen: st.fixed_dictionaries({v: vital_values(v) for v in chosen}))),
    }


@st.composite
def late_answers(draw):
    answers = {f.id: draw(_answer(f)) for f in LATE}
    return {k: v for k, v in answers.items() if v is not None}


def _level(request, extra):
    return decide({**request, "history": {**request["history"], **extra}}, RULES).level


@settings(max_examples=examples(4), deadline=None)
@given(before_the_late_pages(), late_answers())
def test_a_question_left_out_never_changes_the_level(request, answers):
    matter = questions_that_matter(request, RULES, LATE)
    asked = {k: v for k, v in answers.items() if k in matter}
    assert _level(request, asked) == _level(request, answers), (sorted(matter), answers)


def test_a_question_that_can_raise_the_level_is_asked():
    """Someone else's tablets swallowed is an emergency on its own (large_or_deliberate_
    overdose): asked whatever else is known, short of an emergency already."""
    pump_alarm = {"route": "intrathecal", "symptoms": ["rebound_spasticity", "pruritus"],
                  "history": {"age_years": 34, "pump_alarm": True, "refill_overdue": True},
                  "vitals": {}}
    assert questions_that_matter(pump_alarm, RULES, LATE) == {"someone_elses_tablets"}
    assert _level(pump_alarm, {}) == "urgent"
    assert _level(pump_alarm, {"someone_elses_tablets": True}) == "emergency"


def test_nothing_matters_once_it_is_an_emergency():
    fit = {"route": "oral", "symptoms": ["seizure"], "history": {"age_years": 40},
           "vitals": {}}
    assert _level(fit, {}) == "emergency"
    assert questions_that_matter(fit, RULES, LATE) == frozenset()


def test_a_usual_reading_is_asked_whenever_its_measurement_is_given():
    low_pressure = {"route": "intrathecal", "symptoms": [], "history": {"age_years": 40},
                    "vitals": {"systolic_bp": 88}}
    assert "usual_systolic_bp" in questions_that_matter(low_pressure, RULES, LATE)
    assert _level(low_pressure, {"usual_systolic_bp": 90}) != _level(low_pressure, {})


def test_a_question_already_answered_is_not_asked_again():
    request = {"route": "intrathecal", "symptoms": [], "history": {
        "age_years": 12, "recent_mri": False}, "vitals": {}}
    matter = questions_that_matter(request, RULES, LATE)
    assert "recent_mri" not in matter
    assert "recent_pump_or_catheter_surgery" in matter  # a routine check it could make soon
