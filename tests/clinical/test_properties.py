"""Property tests for the safety invariants of the clinical brief (section 5).

1. Any red flag means emergency, whatever else is true.
2. Adding a symptom, a risk fact or a worse vital sign never lowers the level.
3. Missing answers never lower the level; "unknown" is never treated as "no".
5. Early intrathecal withdrawal signs with a pump problem are at least urgent.
(Invariant 4, fail-safe scoring, is tested through the API in test_api.py.)
"""

from __future__ import annotations

import copy
import dataclasses

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from screener.clinical.rules import LEVEL_RANK
from tests.packaged import assess
from tests.sizes import examples
from tests.strategies import HISTORY, RULES, SYMPTOMS, answer_sets, vital_values

# A typical normal value per vital sign; "worse" means further from it on the same side.
NORMAL = {"temperature_c": 37.0, "heart_rate": 70, "systolic_bp": 120,
          "respiratory_rate": 16, "spo2": 98}
EXPOSURES = RULES.concepts["exposure"].facts
PUMP_PROBLEMS = RULES.concepts["pump_problem"].facts
EARLY_ITB_SIGNS = ["pruritus", "rebound_spasticity", "paresthesia"]


def rank(answers) -> int:
    return LEVEL_RANK[assess(answers).level]


def with_changes(answers, symptoms=(), history=None, vitals=None):
    changed = copy.deepcopy(answers)
    changed["symptoms"] = sorted(set(changed["symptoms"]) | set(symptoms))
    changed["history"].update(history or {})
    changed["vitals"].update(vitals or {})
    return changed


# --- Invariant 1: red flags ------------------------------------------------------------

@settings(max_examples=examples(1.5))
@given(answer_sets(), st.sampled_from([r.id for r in RULES.features.values()
                                       if r.group == "emergency_signs"] + ["no_urine"]))
def test_a_red_flag_sign_is_always_emergency(answers, sign):
    assert assess(with_changes(answers, symptoms=[sign])).level == "emergency"


@settings(max_examples=examples(1.5))
@given(answer_sets(), st.sampled_from([
    ("respiratory_rate", st.floats(4, 8)),
    ("temperature_c", st.floats(40, 45)),
]).flatmap(lambda pair: st.tuples(st.just(pair[0]), pair[1])))
def test_a_red_flag_vital_sign_is_always_emergency(answers, vital):
    vital_id, value = vital
    assert assess(with_changes(answers, vitals={vital_id: value})).level == "emergency"


def _on_scale_2(answers) -> bool:
    return answers["history"].get("spo2_target_88_92") is True


def _age(answers):
    age = answers["history"].get("age_years")
    return age if isinstance(age, int | float) else None


@settings(max_examples=examples(2))
@given(answer_sets(), st.floats(50, 91))
def test_low_oxygen_is_always_emergency_on_the_persons_scale(answers, spo2):
    """SpO2 in the 3-point band of NEWS2 Scale 1 (91 or less), of Scale 2 (83 or less),
    or under 90 % in a child (NICE high risk) is an emergency whatever else is true."""
    changed = with_changes(answers, vitals={"spo2": spo2})
    child = _age(answers) is not None and _age(answers) < 16
    limit = 89 if child else 83 if _on_scale_2(answers) else 91
    if spo2 <= limit:
        assert assess(changed).level == "emergency"
    else:
        assert LEVEL_RANK[assess(changed).level] >= LEVEL_RANK["urgent"] or _on_scale_2(answers)


@settings(max_examples=examples(1.5))
@given(answer_sets(), st.sampled_from([
    (["fever", "muscle_rigidity"], {}),
    (["fever", "rebound_spasticity"], {}),
    (["muscle_rigidity"], {"temperature_c": 38.0}),
    (["breathing_difficulty", "weakness"], {}),
    (["breathing_difficulty", "excessive_drowsiness"], {}),
    (["breathing_difficulty"], {"respiratory_rate": 10}),
    (["excessive_drowsiness"], {"respiratory_rate": 11}),
    (["excessive_drowsiness"], {"heart_rate": 50}),
    (["fever", "neck_stiffness"], {}),
    (["dark_urine", "muscle_rigidity"], {}),
    (["dark_urine", "muscle_pain"], {}),
]))
def test_red_flag_combinations_are_always_emergency(answers, combination):
    symptoms, vitals = combination
    assert assess(with_changes(answers, symptoms=symptoms, vitals=vitals)).level == "emergency"


@settings(max_examples=examples(1.5))
@given(answer_sets(), st.sampled_from(["confusion", "hallucinations", "delusions"]),
       st.sampled_from(EXPOSURES))
def test_delirium_with_an_interruption_or_overdose_risk_is_emergency(answers, sign, exposure):
    changed = with_changes(answers, symptoms=[sign], history={exposure: True})
    assert assess(changed).level == "emergency"


@settings(max_examples=examples(1.5))
@given(answer_sets(), st.sampled_from([True, "unknown"]),
       st.sampled_from(["headache", "flushing_or_blurred_vision", "sweating"]))
def test_an_autonomic_dysreflexia_sign_without_a_cuff_is_emergency(answers, level_t6, sign):
    """Review 2 (U1, U2): any AD sign at T6 or above, or at a level not known, with no
    pressure measured, is an emergency (rule set 2026.5)."""
    history = {"spinal_cord_injury": True, "injury_level_T6_or_above": level_t6}
    changed = with_changes(answers, symptoms=[sign], history=history)
    changed["vitals"].pop("systolic_bp", None)
    assert assess(changed).level == "emergency"


@settings(max_examples=examples(1.5))
@given(answer_sets(), st.sampled_from([None, "headache"]))
def test_autonomic_dysreflexia_with_a_cuff_follows_the_pressure(answers, sign):
    """T6 or above: a pressure at the adult threshold (150) is an emergency at any age (the
    thresholds only fall with age); a rise over the usual is at least urgent, and an
    emergency with a sign."""
    history = {"spinal_cord_injury": True, "injury_level_T6_or_above": True}
    at_threshold = with_changes(answers, history=history, vitals={"systolic_bp": 150})
    assert assess(at_threshold).level == "emergency"
    usual = answers["history"].get("usual_systolic_bp")
    if isinstance(usual, int) and usual + 21 <= 300:
        raised = with_changes(answers, symptoms=[sign] if sign else [], history=history,
                              vitals={"systolic_bp": usual + 21})
        assert LEVEL_RANK[assess(raised).level] >= LEVEL_RANK["emergency" if sign else "urgent"]


@settings(max_examples=examples(1.5))
@given(answer_sets(), st.floats(121, 300))
def test_autonomic_dysreflexia_is_never_called_below_t6(answers, systolic):
    changed = with_changes(answers, symptoms=["headache"], history={
        "spinal_cord_injury": True, "injury_level_T6_or_above": False},
        vitals={"systolic_bp": systolic})
    fired = {r.id for r in assess(changed).discriminators}
    assert fired.isdisjoint({"autonomic_dysreflexia", "autonomic_dysreflexia_picture"})


@settings(max_examples=examples(3))
@given(answer_sets())
def test_news2_of_seven_or_more_is_emergency(answers):
    result = assess(answers)
    if result.news2_total is None:  # under 16: NICE age bands instead
        assert result.age_band != "adult"
        return
    if result.news2_total >= 7:
        assert result.level == "emergency"
    if any(v.points == 3 for v in result.vital_scores) or result.news2_total >= 5:
        assert LEVEL_RANK[result.level] >= LEVEL_RANK["urgent"]


# --- Invariant 2: monotone -------------------------------------------------------------

@settings(max_examples=examples(3))
@given(answer_sets(), st.sampled_from(SYMPTOMS))
def test_adding_a_symptom_never_lowers_the_level_or_score(answers, symptom):
    before, after = assess(answers), assess(with_changes(answers, symptoms=[symptom]))
    assert LEVEL_RANK[after.level] >= LEVEL_RANK[before.level]
    assert after.score >= before.score


# A prescribed oxygen target of 88-92 % is not a risk fact: it moves SpO2 to NEWS2 Scale 2,
# on which 84 % scores less than on Scale 1 (RCP NEWS2 chart 2). That is the one answer
# allowed to lower a level; the Scale 2 tests above pin what it may do.
RISK_FACTS = [fact for fact in HISTORY if fact != "spo2_target_88_92"]


@settings(max_examples=examples(3))
@given(answer_sets(), st.sampled_from(RISK_FACTS))
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
    value = draw(vital_values(vital_id))
    normal = NORMAL[vital_id]
    if vital_id == "spo2" and _on_scale_2(answers):
        normal = 90  # Scale 2: 88-92 % is the normal band
    if vital_id == "systolic_bp":
        # Two yardsticks: NEWS2 (normal about 120) and autonomic dysreflexia, a rise over
        # the person's usual pressure (about 100 after a spinal cord injury when not given).
        # Between the two, a move either way is worse by one of them: only a value beyond
        # both has a "further from normal" that is worse by both.
        usual = answers["history"].get("usual_systolic_bp")
        baseline = usual if isinstance(usual, int | float) else 100
        low, high = min(baseline, normal), max(baseline, normal)
        assume(not low < value < high)
        normal = high if value >= high else low
    if value >= normal:
        worse = draw(st.floats(value, vital.max))
    else:
        worse = draw(st.floats(vital.min, value))
    answers["vitals"][vital_id] = value
    return answers, vital_id, worse


@settings(max_examples=examples(4))
@given(worsened())
def test_a_worse_vital_sign_never_lowers_the_level(case):
    answers, vital_id, worse = case
    after = with_changes(answers, vitals={vital_id: worse})
    assert rank(after) >= rank(answers)


@settings(max_examples=examples(2))
@given(answer_sets(), st.sampled_from(list(RULES.vitals)), st.data())
def test_adding_a_measurement_never_lowers_the_level(answers, vital_id, data):
    """The one written exception (hazard H28, CSO sign-off pending): a sign of autonomic
    dysreflexia with no cuff is an emergency; a measured pressure that is not raised makes it
    urgent, never lower (clinical review 2, O5; CAN-SCIP J.2.4)."""
    answers["vitals"].pop(vital_id, None)
    value = data.draw(vital_values(vital_id))
    before = assess(answers)
    after = rank(with_changes(answers, vitals={vital_id: value}))
    if vital_id == "systolic_bp" and {"autonomic_dysreflexia_no_cuff",
                                      "autonomic_dysreflexia_picture"} & {
            r.id for r in before.red_flags}:
        assert after >= LEVEL_RANK["urgent"]
    else:
        assert after >= LEVEL_RANK[before.level]


def test_the_written_exception_a_normal_pressure_makes_an_ad_sign_urgent_not_emergency():
    """Hazard H28: the only place where a measurement lowers the level, and only to urgent."""
    sign = {"route": "intrathecal", "symptoms": ["headache"],
            "history": {"spinal_cord_injury": True, "injury_level_T6_or_above": True,
                        "usual_systolic_bp": 100, "age_years": 40}, "vitals": {}}
    assert assess(sign).level == "emergency"
    assert assess(with_changes(sign, vitals={"systolic_bp": 102})).level == "urgent"
    assert assess(with_changes(sign, vitals={"systolic_bp": 121})).level == "emergency"


# --- Invariant 3: unknown is not "no" ---------------------------------------------------

@settings(max_examples=examples(3))
@given(answer_sets(), st.sampled_from(HISTORY))
def test_unknown_never_scores_lower_than_no(answers, fact):
    said_no = with_changes(answers, history={fact: False})
    unknown = with_changes(answers, history={fact: "unknown"})
    assert rank(unknown) >= rank(said_no)


@settings(max_examples=examples(2))
@given(answer_sets(), st.sampled_from(HISTORY))
def test_a_missing_answer_is_the_same_as_unknown(answers, fact):
    unknown = with_changes(answers, history={fact: "unknown"})
    missing = copy.deepcopy(unknown)
    del missing["history"][fact]
    assert assess(missing).level == assess(unknown).level
    # Both read as "I don't know", or, for a follow-up the earlier answer rules out, as the
    # answer that earlier one implies (no injury: not at T6).
    assert assess(missing).answers["history"][fact] == assess(unknown).answers["history"][fact]
    assert assess(missing).answers["history"][fact] in ("unknown", False)


# --- Invariant 5: early pump withdrawal ------------------------------------------------

@settings(max_examples=examples(2))
@given(answer_sets(routes=("intrathecal", "both", "unknown")), st.sampled_from(EARLY_ITB_SIGNS),
       st.sampled_from(PUMP_PROBLEMS))
def test_early_pump_withdrawal_sign_with_a_pump_problem_is_at_least_urgent(answers, sign, fact):
    changed = with_changes(answers, symptoms=[sign], history={fact: True})
    assert rank(changed) >= LEVEL_RANK["urgent"]


@settings(max_examples=examples(1))
@given(answer_sets(routes=("intrathecal", "both", "unknown")), st.sampled_from(PUMP_PROBLEMS),
       st.floats(50, 100))
def test_low_blood_pressure_with_a_pump_problem_is_at_least_urgent(answers, fact, systolic):
    # Not their usual pressure (a stated usual low pressure scores as usual: review O3).
    # A child's low pressure is the physiology table's for the age (PALS), not 100.
    age = answers["history"].get("age_years")
    if isinstance(age, int | float) and age < 16:
        systolic = min(systolic, RULES.children.limits_for(age).limits["systolic_bp.low"])
    changed = with_changes(answers, history={fact: True, "usual_systolic_bp": "unknown"},
                           vitals={"systolic_bp": systolic})
    assert rank(changed) >= LEVEL_RANK["urgent"]


# --- The score alone never reaches emergency -------------------------------------------

@settings(max_examples=examples(3))
@given(answer_sets())
def test_emergency_always_comes_from_a_named_discriminator(answers):
    result = assess(answers)
    assert result.score_level != "emergency"
    if result.level == "emergency":
        assert result.red_flags
    assert result.level == max([result.score_level, *(d.level for d in result.discriminators)],
                               key=LEVEL_RANK.__getitem__)


# --- The fast pre-check never changes a result ------------------------------------------

UNFILTERED = dataclasses.replace(
    RULES,
    discriminators=tuple(dataclasses.replace(r, needs=None) for r in RULES.discriminators),
    notes=tuple(dataclasses.replace(r, needs=None) for r in RULES.notes),
)


@settings(max_examples=examples(4))
@given(answer_sets())
def test_skipping_rules_whose_findings_are_absent_never_changes_the_result(answers):
    """Rules are skipped when none of the findings they need is present (Rule.needs)."""
    fast, full = assess(answers), assess(answers, UNFILTERED)
    assert [r.id for r in fast.discriminators] == [r.id for r in full.discriminators]
    assert [n.id for n in fast.notes] == [n.id for n in full.notes]
    assert fast.level == full.level and fast.advice == full.advice


@settings(max_examples=examples(2))
@given(answer_sets(), st.sampled_from(["headache", "flushing_or_blurred_vision", "sweating"]),
       st.sampled_from([True, "unknown"]), st.integers(90, 300))
def test_a_measured_pressure_never_takes_an_ad_sign_below_urgent(answers, sign, level_t6,
                                                                 systolic):
    """H43, found by the safety case review: the written exception holds for every AD sign,
    not only a headache: with any measured pressure the level stays urgent or higher."""
    changed = with_changes(answers, symptoms=[sign], history={
        "spinal_cord_injury": True, "injury_level_T6_or_above": level_t6},
        vitals={"systolic_bp": systolic})
    assert rank(changed) >= LEVEL_RANK["urgent"]
