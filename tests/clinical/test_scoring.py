"""The scoring engine's working: contributions, direction, advice, notes, fail-safe."""

from __future__ import annotations

import json
import math

import pytest

from screener.clinical.answers import InvalidAnswers
from screener.clinical.rules import LEVELS, default_ruleset
from tests.packaged import assess


def test_the_result_carries_its_working():
    result = assess({"route": "intrathecal", "symptoms": ["pruritus"],
                     "history": {"pump_alarm": True, "age_years": 40},
                     "vitals": {"heart_rate": 115}})
    by_feature = {c.feature: c for c in result.contributions}
    assert by_feature["pruritus"].points == 3  # intrathecal weight
    assert by_feature["pump_alarm"].points == 4
    assert by_feature["heart_rate"].points == 2  # NEWS2 111-130, shown but not summed
    assert result.score == 3 + 4  # symptoms and history only
    assert result.news2_total == 2
    assert {"LIORESAL-IT-PI", "NSWIKI-ITBW"} <= set(by_feature["pruritus"].sources)
    assert result.level == "urgent"
    assert "early_itb_signs_with_pump_problem" in {c.id for c in result.combinations}
    assert [d.level for d in result.discriminators] == sorted(
        (d.level for d in result.discriminators), key=LEVELS.index)
    assert all(d.says for d in result.discriminators)
    assert result.direction == "withdrawal"
    assert result.ruleset_version == "2026.7"
    assert result.ruleset_hash == default_ruleset().short_hash
    json.dumps(result.to_dict())  # serialisable as it stands


def test_weights_follow_the_route_where_the_evidence_differs():
    pump = assess({"route": "intrathecal", "symptoms": ["pruritus"]})
    tablets = assess({"route": "oral", "symptoms": ["pruritus"]})
    both = assess({"route": "both", "symptoms": ["pruritus"]})
    unknown = assess({"route": "unknown", "symptoms": ["pruritus"]})
    assert (pump.score, tablets.score, both.score, unknown.score) == (3, 1, 3, 3)


def test_nothing_wrong_is_routine_with_safety_netting():
    result = assess({"route": "oral", "history": {"long_term_use": True, "missed_doses": False}})
    assert result.level == "routine"
    assert result.direction is None
    caregiver = result.advice["caregiver"]
    assert any("emergency number" in line for line in caregiver.watch_for)


def test_risk_modifiers_count_only_with_a_sign_of_trouble():
    quiet = assess({"route": "intrathecal",
                    "history": {"communication_difficulty": True, "previous_withdrawal": True}})
    assert quiet.score == 0 and quiet.level == "routine"
    with_sign = assess({"route": "intrathecal", "symptoms": ["muscle_spasms"],
                        "history": {"communication_difficulty": True,
                                    "previous_withdrawal": True}})
    assert with_sign.score == 2 + 1 + 2


def test_a_measured_fever_counts_as_the_fever_finding():
    result = assess({"route": "oral", "vitals": {"temperature_c": 39.5}})
    fever = next(c for c in result.contributions if c.feature == "fever")
    assert fever.implied_by == "temperature_c"
    assert result.score == 3  # the NEWS2 points (2) are not added to the score
    # With the tablet history unknown, a fever is a withdrawal sign after a possible stop.
    assert result.level == "urgent"
    assert "withdrawal_sign_after_possible_interruption" in {d.id for d in result.discriminators}


def test_returning_spasticity_on_a_pump_is_urgent_even_when_every_pump_answer_is_no():
    """A kinked or broken catheter gives no alarm and no overdue refill (review U4a)."""
    unknown = assess({"route": "intrathecal", "symptoms": ["rebound_spasticity"]})
    assert unknown.level == "urgent"
    all_no = {fact: False for fact in default_ruleset().concepts["pump_problem"].facts}
    clear = assess({"route": "intrathecal", "symptoms": ["rebound_spasticity"],
                    "history": all_no})
    assert clear.level == "urgent"
    assert {d.id for d in clear.discriminators} == {"pump_sign_even_without_a_known_problem"}
    tablets = assess({"route": "oral", "symptoms": ["rebound_spasticity"],
                      "history": dict.fromkeys(default_ruleset().asked_for("oral"), False)})
    assert tablets.level == "soon"


def test_new_confusion_without_any_exposure_is_urgent_not_emergency():
    no_exposure = {f: False for f in default_ruleset().concepts["exposure"].facts}
    result = assess({"route": "oral", "symptoms": ["confusion"],
                     "history": {**no_exposure, "age_years": 40}})
    assert result.level == "urgent"
    # An age not given is read as a school-age child's too: new confusion is then high risk.
    assert assess({"route": "oral", "symptoms": ["confusion"],
                   "history": no_exposure}).level == "emergency"
    assert "news2_single_three" in {c.id for c in result.combinations}


@pytest.mark.parametrize(("answers", "direction"), [
    ({"route": "intrathecal", "symptoms": ["excessive_drowsiness", "weakness"]}, "overdose"),
    ({"route": "oral", "symptoms": ["agitation", "tremor"]}, "withdrawal"),
    ({"route": "oral", "symptoms": ["excessive_drowsiness", "agitation", "palpitations"]},
     "unclear"),
    ({"route": "oral", "symptoms": ["hallucinations"],
      "history": {"took_more_than_prescribed": True}}, "overdose"),
    ({"route": "oral", "symptoms": ["seizure"]}, "unclear"),
    ({"route": "oral", "history": {"pump_alarm": True}}, None),
])
def test_direction(answers, direction):
    assert assess(answers).direction == direction


def test_every_level_has_advice_for_both_audiences_with_every_section():
    rules = default_ruleset()
    for level in LEVELS:
        for audience in ("caregiver", "staff"):
            text = rules.advice[level][audience]
            assert text.headline and text.do_now and text.tell and text.watch_for


def test_caregiver_advice_says_what_to_tell_and_what_to_do_if_worse():
    result = assess({"route": "intrathecal", "symptoms": ["pruritus"],
                     "history": {"refill_overdue": True, "hours_since_problem": 20}})
    tell = " ".join(result.advice["caregiver"].tell)
    assert "intrathecal pump" in tell and "pump card" in tell
    assert "The pump refill is overdue." in tell and "It started about 20 hours ago." in tell
    assert any("emergency" in line for line in result.advice["caregiver"].watch_for)
    staff_tell = " ".join(result.advice["staff"].tell)
    assert "Pruritus without rash" in staff_tell


def test_dosing_advice_stays_within_the_brief():
    """Only: take the prescribed dose; do not double up; do not restart a stopped high dose."""
    result = assess({"route": "oral", "symptoms": ["anxiety"], "history": {"missed_doses": True}})
    lines = " ".join(result.advice["caregiver"].do_now)
    assert "Do not double up" in lines and "prescribed time" in lines
    assert "mg" not in lines


def test_a_child_is_judged_on_the_nice_band_for_their_age_not_news2():
    child = assess({"route": "intrathecal", "history": {"age_years": 8},
                    "vitals": {"heart_rate": 135}})
    assert child.age_band == "age_8_to_11" and child.news2_total is None
    assert "child_bands" in {n.id for n in child.notes}
    assert child.level == "emergency"  # NICE high risk at 8-11: 115 or more
    assert "child_high_risk" in {r.id for r in child.red_flags}
    adult = assess({"route": "intrathecal", "history": {"age_years": 30},
                    "vitals": {"heart_rate": 135}})
    assert adult.age_band == "adult" and adult.news2_total == 3
    assert adult.level == "urgent"  # a single NEWS2 3
    # A 4-year-old with a cold: RR 28 is normal at 3-4 (NICE raised from 35), HR 135 moderate.
    cold = assess({"route": "intrathecal", "symptoms": ["cough_or_cold_symptoms"],
                   "history": {"age_years": 4, "pump_alarm": False, "refill_overdue": False},
                   "vitals": {"temperature_c": 38.2, "heart_rate": 135, "respiratory_rate": 28}})
    assert cold.level == "urgent"


def test_staff_notes_name_look_alikes():
    result = assess({"route": "intrathecal", "symptoms": ["headache", "sweating"],
                     "history": {"injury_level_T6_or_above": True}})
    assert result.level == "emergency"
    assert "autonomic_dysreflexia_picture" in {r.id for r in result.red_flags}
    assert "autonomic_dysreflexia_lookalike" in {n.id for n in result.notes}


def test_invalid_answers_are_refused_not_scored():
    with pytest.raises(InvalidAnswers) as refused:
        assess({"route": "oral", "symptoms": ["itchy"]})
    assert refused.value.errors == {"symptoms": ["Unknown symptom id 'itchy'."]}


def test_vital_bands_match_news2():
    vitals = default_ruleset().vitals
    expected = {
        "respiratory_rate": [(8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3)],
        "spo2": [(91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0)],
        "systolic_bp": [(90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0),
                        (220, 3)],
        "heart_rate": [(40, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2),
                       (130, 2), (131, 3)],
        "temperature_c": [(35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1),
                          (39.0, 1), (39.1, 2)],
    }
    for vital_id, pairs in expected.items():
        for value, points in pairs:
            assert vitals[vital_id].points(value) == points, (vital_id, value)
    assert math.isinf(vitals["spo2"].bands[-1].upto)


# --- Advice per cause (rule set 2026.2; clinical review section 3) ----------------------

def _caregiver(answers) -> str:
    advice = assess(answers).advice["caregiver"]
    return " ".join((*advice.do_now, *advice.tell, *advice.watch_for))


def test_never_take_the_next_dose_when_an_overdose_or_sedation_is_possible():
    """Review 3.1: drowsy after extra tablets was told both 'take the next dose' and not."""
    text = _caregiver({"route": "oral", "symptoms": ["excessive_drowsiness", "agitation"],
                       "history": {"took_more_than_prescribed": True}})
    assert "take the next dose" not in text
    assert "Do not take or give any extra baclofen" in text
    assert "tablet box" in text  # what to bring after an overdose
    # Drowsy with the history unknown: no dose advice either.
    assert "take the next dose" not in _caregiver({"route": "oral",
                                                   "symptoms": ["excessive_drowsiness"]})
    # Withdrawal on tablets with no overdose risk: the dose line is given.
    withdrawal = _caregiver({"route": "oral", "symptoms": ["rebound_spasticity"],
                             "history": {"missed_doses": True, "took_more_than_prescribed": False,
                                         "kidney_disease": False}})
    assert "take the next dose at the prescribed time" in withdrawal


@pytest.mark.parametrize("route", ["intrathecal", "both", "unknown"])
def test_every_pump_line_is_given_whenever_a_pump_is_possible(route):
    """Review 3.2: the page-1 exit scored route unknown and lost the pump advice."""
    result = assess({"route": route, "symptoms": ["seizure"]})
    caregiver = " ".join((*result.advice["caregiver"].do_now, *result.advice["caregiver"].tell))
    assert "pump card" in caregiver and "make and model" in caregiver
    # Nothing by mouth after a seizure (review 2, W3): the emergency tablets line waits.
    assert "tablets for emergencies" not in caregiver
    assert "recovery position" in caregiver and "cushion the head" in caregiver
    withdrawal = assess({"route": route, "symptoms": ["fever", "muscle_rigidity"]})
    assert "does not replace the pump" in " ".join(withdrawal.advice["caregiver"].do_now)
    assert "ambulance crew" in caregiver
    assert "interrogate" in " ".join(result.advice["staff"].tell)


def test_tablets_only_get_no_pump_lines():
    text = _caregiver({"route": "oral", "symptoms": ["seizure"]})
    assert "pump card" not in text and "does not replace the pump" not in text


def test_autonomic_dysreflexia_is_named_with_first_aid_not_called_withdrawal():
    """Review U1d: AD called withdrawal, and a crew may lay the person flat."""
    result = assess({"route": "intrathecal", "symptoms": ["headache", "sweating"],
                     "history": {"spinal_cord_injury": True, "injury_level_T6_or_above": True,
                                 "bladder_or_bowel_trigger": True, "usual_systolic_bp": 100},
                     "vitals": {"systolic_bp": 180}})
    assert result.level == "emergency"
    caregiver = result.advice["caregiver"]
    text = " ".join((*caregiver.do_now, *caregiver.tell))
    assert "autonomic dysreflexia" in text
    assert "sit them up" in text and "catheter" in text and "every 5 minutes" in text
    assert "baclofen withdrawal (too little baclofen)" not in text
    assert "Their usual blood pressure, top number, is about 100." in text
    assert "Suspected cause: autonomic dysreflexia" in " ".join(result.advice["staff"].tell)


def test_below_t6_a_headache_with_constipation_is_not_autonomic_dysreflexia():
    """Review O1: a paraplegic at L1 with a headache was told to call 999."""
    result = assess({"route": "oral", "symptoms": ["headache"],
                     "history": {"spinal_cord_injury": True, "injury_level_T6_or_above": False,
                                 "bladder_or_bowel_trigger": True}})
    assert result.level in ("routine", "soon")
    assert "autonomic dysreflexia" not in _caregiver(
        {"route": "oral", "symptoms": ["headache"],
         "history": {"spinal_cord_injury": True, "injury_level_T6_or_above": False}})


@pytest.mark.parametrize(("history", "words"), [
    ({"recent_mri": True}, "check (interrogate) the pump today"),
    ({"pump_battery_low": True}, "within about 90 days"),
    ({"refill_overdue": True}, "Book the refill for today"),
    ({"pump_alarm": True, "alarm_type": "two_tone"}, "drug may no longer be flowing"),
    ({"pump_alarm": True, "alarm_type": "single_tone"}, "single beep"),
])
def test_advice_per_cause(history, words):
    assert words in _caregiver({"route": "intrathecal", "history": history})


def test_cooling_while_waiting_for_hyperthermia():
    text = _caregiver({"route": "intrathecal", "symptoms": ["muscle_rigidity"],
                       "vitals": {"temperature_c": 40.2}})
    assert "cool them" in text and "fan them" in text


def test_pump_alarm_type_decides_the_level():
    single = assess({"route": "intrathecal",
                     "history": {"pump_alarm": True, "alarm_type": "single_tone",
                                 "refill_overdue": False}})
    two_tone = assess({"route": "intrathecal",
                       "history": {"pump_alarm": True, "alarm_type": "two_tone"}})
    not_known = assess({"route": "intrathecal", "history": {"pump_alarm": True}})
    assert (single.level, two_tone.level, not_known.level) == ("soon", "urgent", "urgent")


def test_null_and_a_missing_key_mean_i_dont_know():
    base = {"route": "intrathecal", "symptoms": ["excessive_drowsiness", "weakness"],
            "vitals": {"respiratory_rate": 10, "heart_rate": 48, "spo2": None}}
    missing = assess(base)
    null = assess({**base, "history": {"recent_refill_or_programming_change": None,
                                       "alarm_type": None, "amount_taken_mg": None}})
    spelled = assess({**base, "history": {"recent_refill_or_programming_change": "unknown"}})
    assert missing.level == null.level == spelled.level == "emergency"  # review U3a
    assert null.answers["history"]["recent_refill_or_programming_change"] == "unknown"
    assert "spo2" not in null.answers["vitals"]


def test_scale_2_and_oxygen_follow_news2():
    usual = assess({"route": "oral", "history": {"long_term_use": True,
                                                 "spo2_target_88_92": True},
                    "vitals": {"spo2": 90}})
    assert usual.level == "routine"  # review O2: their usual saturation
    scale_1 = assess({"route": "oral", "history": {"long_term_use": True},
                      "vitals": {"spo2": 90}})
    assert scale_1.level == "emergency"
    on_oxygen = assess({"route": "oral", "history": {"on_oxygen": True},
                        "vitals": {"spo2": 95, "respiratory_rate": 22}})
    assert on_oxygen.news2_total == 1 + 2 + 2


def test_a_pile_of_mild_symptoms_never_reaches_emergency_by_score():
    """Review O6: eleven mild non-specific symptoms with no exposure reached emergency."""
    mild = ["palpitations", "sweating", "anxiety", "tremor", "dizziness", "paresthesia",
            "insomnia", "mood_change", "headache", "pruritus", "muscle_pain"]
    no = dict.fromkeys(default_ruleset().asked_for("oral"), False)
    result = assess({"route": "oral", "symptoms": mild, "history": no})
    assert result.score >= 12 and result.score_level == "urgent"
    assert result.level == "urgent" and not result.red_flags


def test_a_pulse_well_below_the_usual_is_an_autonomic_dysreflexia_sign():
    """Review 2 (item 5, the usual pulse): AD's bradycardia may be relative (CSCM-2001)."""
    answers = {"route": "intrathecal", "symptoms": [], "history": {
        "age_years": 40, "spinal_cord_injury": True, "injury_level_T6_or_above": True,
        "usual_heart_rate": 80, "usual_systolic_bp": 100},
        "vitals": {"heart_rate": 70, "systolic_bp": 125}}
    assert assess(answers).level == "emergency"  # raised with a sign
    answers["vitals"]["heart_rate"] = 71
    assert assess(answers).level == "urgent"  # raised alone: first aid and a recheck


def test_a_knocked_or_moved_pump_counts_as_a_possible_interruption():
    signs = {"route": "intrathecal", "symptoms": ["muscle_spasms"], "history": {
        **{f: False for f in default_ruleset().asked_for("intrathecal")}, "age_years": 40}}
    assert assess(signs).level == "soon"
    signs["history"]["pump_knocked_or_moved"] = True
    assert assess(signs).level == "urgent"
    # Left unanswered it changes nothing: answer sets from before 2026.5 never had it.
    del signs["history"]["pump_knocked_or_moved"]
    assert assess(signs).level == "soon"
