"""Property tests for the safety invariants of the clinical brief (section 5).

1. Any red flag means emergency, whatever else is true.
2. Adding a symptom, a risk fact or a worse vital sign never lowers the level.
3. Missing answers never lower the level; "unknown" is never treated as "no".
5. Early intrathecal withdrawal signs with a pump problem are at least urgent.
(Invariant 4, fail-safe scoring, is tested through the API in test_api.py.)
"""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from screener.ruleset import LEVEL_RANK, default_ruleset
from screener.scoring import assess

RULES = default_ruleset()
SYMPTOMS = RULES.ids("symptom")
HISTORY = RULES.ids("history")
# A typical normal value per vital sign; "worse" means further from it on the same side.
NORMAL = {"temperature_c": 37.0, "heart_rate": 70, "systolic_bp": 120,
          "respiratory_rate": 16, "spo2": 98}
EXPOSURES = RULES.concepts["exposure"].facts
PUMP_PROBLEMS = RULES.concepts["pump_problem"].facts
EARLY_ITB_SIGNS = ["pruritus", "rebound_spasticity", "paresthesia"]


def _vital_value(vital_id: str):
    vital = RULES.vitals[vital_id]
    return st.floats(vital.min, vital.max, allow_nan=False).map(lambda x: round(x, 1))


def _numbers():
    return st.fixed_dictionaries({}, optional={
        "hours_since_problem": st.one_of(st.integers(0, 2160), st.just("unknown")),
        "age_years": st.one_of(st.integers(0, 120), st.just("unknown")),
    })


@st.composite
def answer_sets(draw, routes=("intrathecal", "oral", "both", "unknown")):
    history = draw(st.dictionaries(st.sampled_from(HISTORY),
                                   st.sampled_from([True, False, "unknown"])))
    history.update(draw(_numbers()))
    return {
        "route": draw(st.sampled_from(routes)),
        "symptoms": sorted(draw(st.frozensets(st.sampled_from(SYMPTOMS)))),
        "history": history,
        "vitals": draw(st.fixed_dictionaries(
            {}, optional={vid: _vital_value(vid) for vid in RULES.vitals})),
    }


def rank(answers) -> int:
    return LEVEL_RANK[assess(answers).level]


def with_changes(answers, symptoms=(), history=None, vitals=None):
    changed = copy.deepcopy(answers)
    changed["symptoms"] = sorted(set(changed["symptoms"]) | set(symptoms))
    changed["history"].update(history or {})
    changed["vitals"].update(vitals or {})
    return changed


# --- Invariant 1: red flags ------------------------------------------------------------

@settings(max_examples=150)
@given(answer_sets(), st.sampled_from(["seizure", "reduced_consciousness", "slow_breathing"]))
def test_a_red_flag_sign_is_always_emergency(answers, sign):
    assert assess(with_changes(answers, symptoms=[sign])).level == "emergency"


@settings(max_examples=150)
@given(answer_sets(), st.sampled_from([
    ("respiratory_rate", st.floats(4, 8)),
    ("temperature_c", st.floats(40, 45)),
    ("spo2", st.floats(50, 91)),
]).flatmap(lambda pair: st.tuples(st.just(pair[0]), pair[1])))
def test_a_red_flag_vital_sign_is_always_emergency(answers, vital):
    vital_id, value = vital
    assert assess(with_changes(answers, vitals={vital_id: value})).level == "emergency"


@settings(max_examples=150)
@given(answer_sets(), st.sampled_from([
    (["fever", "muscle_rigidity"], {}),
    (["fever", "rebound_spasticity"], {}),
    (["muscle_rigidity"], {"temperature_c": 38.5}),
    (["dark_urine", "muscle_rigidity"], {}),
    (["dark_urine", "muscle_pain"], {}),
]))
def test_red_flag_combinations_are_always_emergency(answers, combination):
    symptoms, vitals = combination
    assert assess(with_changes(answers, symptoms=symptoms, vitals=vitals)).level == "emergency"


@settings(max_examples=150)
@given(answer_sets(), st.sampled_from(["confusion", "hallucinations", "delusions"]),
       st.sampled_from(EXPOSURES))
def test_delirium_with_an_interruption_or_overdose_risk_is_emergency(answers, sign, exposure):
    changed = with_changes(answers, symptoms=[sign], history={exposure: True})
    assert assess(changed).level == "emergency"


@settings(max_examples=100)
@given(answer_sets(), st.sampled_from(["spinal_cord_injury", "injury_level_T6_or_above"]),
       st.sampled_from([{"vitals": {"systolic_bp": 150}}, {"symptoms": ["sweating"]},
                        {"vitals": {"heart_rate": 48}}]))
def test_autonomic_dysreflexia_picture_is_emergency(answers, injury, sign):
    changed = with_changes(answers, symptoms=["headache", *sign.get("symptoms", [])],
                           history={injury: True}, vitals=sign.get("vitals"))
    assert assess(changed).level == "emergency"


@settings(max_examples=300)
@given(answer_sets())
def test_news2_of_seven_or_more_is_emergency(answers):
    result = assess(answers)
    if result.news2_total >= 7:
        assert result.level == "emergency"
    if any(v.points == 3 for v in result.vital_scores) or result.news2_total >= 5:
        assert LEVEL_RANK[result.level] >= LEVEL_RANK["urgent"]


# --- Invariant 2: monotone -------------------------------------------------------------

@settings(max_examples=300)
@given(answer_sets(), st.sampled_from(SYMPTOMS))
def test_adding_a_symptom_never_lowers_the_level_or_score(answers, symptom):
    before, after = assess(answers), assess(with_changes(answers, symptoms=[symptom]))
    assert LEVEL_RANK[after.level] >= LEVEL_RANK[before.level]
    assert after.score >= before.score


@settings(max_examples=300)
@given(answer_sets(), st.sampled_from(HISTORY))
def test_adding_a_risk_fact_never_lowers_the_level(answers, fact):
    before, after = assess(answers), assess(with_changes(answers, history={fact: True}))
    assert LEVEL_RANK[after.level] >= LEVEL_RANK[before.level]
    assert after.score >= before.score


@st.composite
def worsened(draw):
    """An answer set, a vital sign in it, and a value further from normal on the same side."""
    answers = draw(answer_sets())
    vital_id = draw(st.sampled_from(list(RULES.vitals)))
    vital = RULES.vitals[vital_id]
    value = draw(_vital_value(vital_id))
    normal = NORMAL[vital_id]
    if value >= normal:
        worse = draw(st.floats(value, vital.max))
    else:
        worse = draw(st.floats(vital.min, value))
    answers["vitals"][vital_id] = value
    return answers, vital_id, worse


@settings(max_examples=400)
@given(worsened())
def test_a_worse_vital_sign_never_lowers_the_level(case):
    answers, vital_id, worse = case
    after = with_changes(answers, vitals={vital_id: worse})
    assert rank(after) >= rank(answers)


@settings(max_examples=200)
@given(answer_sets(), st.sampled_from(list(RULES.vitals)), st.data())
def test_adding_a_measurement_never_lowers_the_level(answers, vital_id, data):
    answers["vitals"].pop(vital_id, None)
    value = data.draw(_vital_value(vital_id))
    assert rank(with_changes(answers, vitals={vital_id: value})) >= rank(answers)


# --- Invariant 3: unknown is not "no" ---------------------------------------------------

@settings(max_examples=300)
@given(answer_sets(), st.sampled_from(HISTORY))
def test_unknown_never_scores_lower_than_no(answers, fact):
    said_no = with_changes(answers, history={fact: False})
    unknown = with_changes(answers, history={fact: "unknown"})
    assert rank(unknown) >= rank(said_no)


@settings(max_examples=200)
@given(answer_sets(), st.sampled_from(HISTORY))
def test_a_missing_answer_is_the_same_as_unknown(answers, fact):
    unknown = with_changes(answers, history={fact: "unknown"})
    missing = copy.deepcopy(unknown)
    del missing["history"][fact]
    assert assess(missing).level == assess(unknown).level
    assert assess(missing).answers["history"][fact] == "unknown"


# --- Invariant 5: early pump withdrawal ------------------------------------------------

@settings(max_examples=200)
@given(answer_sets(routes=("intrathecal", "both", "unknown")), st.sampled_from(EARLY_ITB_SIGNS),
       st.sampled_from(PUMP_PROBLEMS))
def test_early_pump_withdrawal_sign_with_a_pump_problem_is_at_least_urgent(answers, sign, fact):
    changed = with_changes(answers, symptoms=[sign], history={fact: True})
    assert rank(changed) >= LEVEL_RANK["urgent"]


@settings(max_examples=100)
@given(answer_sets(routes=("intrathecal", "both", "unknown")), st.sampled_from(PUMP_PROBLEMS),
       st.floats(50, 100))
def test_low_blood_pressure_with_a_pump_problem_is_at_least_urgent(answers, fact, systolic):
    changed = with_changes(answers, history={fact: True}, vitals={"systolic_bp": systolic})
    assert rank(changed) >= LEVEL_RANK["urgent"]
