"""The scoring engine's working: contributions, direction, advice, notes, fail-safe."""

from __future__ import annotations

import json
import math

import pytest

from screener.answers import InvalidAnswers
from screener.ruleset import LEVELS, default_ruleset
from screener.scoring import assess


def test_the_result_carries_its_working():
    result = assess({"route": "intrathecal", "symptoms": ["pruritus"],
                     "history": {"pump_alarm": True}, "vitals": {"heart_rate": 115}})
    by_feature = {c.feature: c for c in result.contributions}
    assert by_feature["pruritus"].points == 3  # intrathecal weight
    assert by_feature["pump_alarm"].points == 4
    assert by_feature["heart_rate"].points == 2  # NEWS2 111-130
    assert result.score == 3 + 4 + 2
    assert {"LIORESAL-IT-PI", "NSWIKI-ITBW"} <= set(by_feature["pruritus"].sources)
    assert result.level == "urgent"
    assert "early_itb_signs_with_pump_problem" in {c.id for c in result.combinations}
    assert result.direction == "withdrawal"
    assert result.ruleset_version == "2026.1"
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
    assert result.score == 3 + 2
    assert result.level == "soon"


def test_unknown_pump_status_with_an_early_sign_is_urgent_but_a_clear_no_is_not():
    unknown = assess({"route": "intrathecal", "symptoms": ["rebound_spasticity"]})
    assert unknown.level == "urgent"
    all_no = {fact: False for fact in default_ruleset().concepts["pump_problem"].facts}
    clear = assess({"route": "intrathecal", "symptoms": ["rebound_spasticity"],
                    "history": all_no})
    assert clear.level == "soon"


def test_new_confusion_without_any_exposure_is_urgent_not_emergency():
    no_exposure = {f: False for f in default_ruleset().concepts["exposure"].facts}
    result = assess({"route": "oral", "symptoms": ["confusion"], "history": no_exposure})
    assert result.level == "urgent"
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
    assert "The pump refill is overdue." in tell and "about 20 hours ago" in tell
    assert any("emergency" in line for line in result.advice["caregiver"].watch_for)
    staff_tell = " ".join(result.advice["staff"].tell)
    assert "Pruritus without rash" in staff_tell


def test_dosing_advice_stays_within_the_brief():
    """Only: take the prescribed dose; do not double up; do not restart a stopped high dose."""
    result = assess({"route": "oral", "symptoms": ["anxiety"], "history": {"missed_doses": True}})
    lines = " ".join(result.advice["caregiver"].do_now)
    assert "Do not double up" in lines and "prescribed time" in lines
    assert "mg" not in lines


def test_a_child_gets_the_adult_bands_note_and_keeps_the_bands():
    result = assess({"route": "intrathecal", "history": {"age_years": 8},
                     "vitals": {"heart_rate": 135}})
    assert "child_vital_bands" in {n.id for n in result.notes}
    assert result.level == "urgent"  # the bands still apply: never dropped


def test_staff_notes_name_look_alikes():
    result = assess({"route": "intrathecal", "symptoms": ["headache", "sweating"],
                     "history": {"injury_level_T6_or_above": True}})
    assert result.level == "emergency"
    assert "autonomic_dysreflexia" in {r.id for r in result.red_flags}
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
