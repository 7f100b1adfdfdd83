"""The physiology table, one age band at a time (issue 20, item 2): each vital sign at the
band's limits, low and high, reaches its level, one step inside does not, and values normal
for the age stay routine. The limits are read from the rule set; the expected levels and the
NICE NG254 values below are written from the sources (NG254's visual summaries, 2025)."""

from __future__ import annotations

import pytest

from screener.clinical.rules import default_ruleset
from tests.packaged import assess

RULES = default_ruleset()
ALL_NO = dict.fromkeys(RULES.asked_for("oral"), False)


def level(age, vitals=None, symptoms=()):
    history = {**ALL_NO, "age_years": age}
    return assess({"route": "oral", "symptoms": list(symptoms), "history": history,
                   "vitals": vitals or {}}).level


def row_ages():
    """One age inside each row of the physiology table (the middle of its span)."""
    start = 0.0
    for row in RULES.children.physiology:
        end = row.below if row.below is not None else 60.0
        yield pytest.param((start + end) / 2, row.limits, id=f"age-{(start + end) / 2:g}")
        start = end


@pytest.mark.parametrize(("age", "limits"), list(row_ages()))
def test_slow_pulse_and_breathing_reach_their_levels_at_the_age_limits(age, limits):
    alone = "urgent" if age < 1 else "soon"  # under 1, slow alone is urgent
    for vital in ("heart_rate", "respiratory_rate"):
        very_slow, slow = limits[f"{vital}.very_slow"], limits[f"{vital}.slow"]
        # From 16 a very slow pulse (40) is NEWS2's single 3: urgent; breathing 8 or fewer is
        # an emergency at every age.
        expected = "urgent" if vital == "heart_rate" and age >= 16 else "emergency"
        assert level(age, {vital: very_slow}) == expected, (vital, very_slow)
        if very_slow + 1 <= slow and age < 16:
            assert level(age, {vital: very_slow + 1}) == alone, (vital, very_slow + 1)
        # Drowsy with a value slow for the age is the overdose picture; one above is not.
        assert level(age, {vital: slow}, ["excessive_drowsiness"]) == "emergency"
        assert level(age, {vital: slow + 1}, ["excessive_drowsiness"]) != "emergency" or (
            age < 0.25)  # a drowsy baby under 3 months is an emergency whatever the pulse


@pytest.mark.parametrize(("age", "limits"), list(row_ages()))
def test_low_pressure_for_the_age_is_an_emergency_for_a_child(age, limits):
    low = limits["systolic_bp.low"]
    assert level(age, {"systolic_bp": low}) == ("emergency" if age < 16 else "urgent")
    if age < 12:
        assert level(age, {"systolic_bp": low + 1}) == "routine"


# NICE NG254: (age in years, pulse high, pulse moderate, breathing high, breathing moderate)
NICE_BANDS = [(0.1, 160, 150, 60, 50), (0.5, 160, 150, 60, 50), (2, 150, 140, 50, 40),
              (4, 140, 130, 40, 35), (5.5, 130, 120, 29, 24), (7, 120, 110, 27, 24),
              (10, 115, 105, 25, 22)]


@pytest.mark.parametrize(("age", "hr_high", "hr_moderate", "rr_high", "rr_moderate"),
                         NICE_BANDS)
def test_fast_pulse_and_breathing_reach_nice_levels_for_the_age(age, hr_high, hr_moderate,
                                                               rr_high, rr_moderate):
    assert level(age, {"heart_rate": hr_high}) == "emergency"
    assert level(age, {"heart_rate": hr_moderate}) == "urgent"
    assert level(age, {"heart_rate": hr_moderate - 1}) == "routine"
    assert level(age, {"respiratory_rate": rr_high}) == "emergency"
    assert level(age, {"respiratory_rate": rr_moderate}) == "urgent"
    assert level(age, {"respiratory_rate": rr_moderate - 1}) == "routine"


@pytest.mark.parametrize(("age", "cold", "fever"), [
    (0.1, "emergency", "emergency"),   # under 3 months: 38 °C and under 36 °C are high risk
    (0.5, "emergency", "soon"),        # 3-6 months: 39 °C is moderate (tested below)
    (3, "emergency", "soon"),          # under 5: under 36 °C is high risk
    (7, "urgent", "soon"),             # 5-11: under 36 °C is moderate to high
    (13, "soon", "soon"),              # 12-15: one moderate sign alone is soon
    (40, "soon", "soon"),              # NEWS2: 35.1-36.0 and 38.1-39.0 score 1
])
def test_low_and_high_temperature_reach_their_levels_for_the_age(age, cold, fever):
    assert level(age, {"temperature_c": 35.9}) == cold
    # NICE: under 36 °C; NEWS2 (16 and over) scores 36.0 too.
    assert level(age, {"temperature_c": 36.0 if age < 16 else 36.1}) == "routine"
    assert level(age, {"temperature_c": 38.0}) == fever
    assert level(age, {"temperature_c": 37.9}) == "routine"
    assert level(age, {"temperature_c": 40.0}) == "emergency"


def test_a_temperature_of_39_at_3_to_6_months_is_urgent_and_35_at_12_to_15_too():
    assert level(0.4, {"temperature_c": 39.0}) == "urgent"
    assert level(13, {"temperature_c": 35.0}) == "urgent"


# Fleming 2011 medians by age: a pulse and breathing rate normal for the age never escalate.
MEDIANS = [(0.1, 143, 43), (0.4, 140, 41), (0.6, 134, 39), (0.9, 128, 37), (1.2, 123, 35),
           (1.8, 116, 31), (2.5, 110, 28), (3.5, 104, 25), (5, 98, 23), (7, 91, 21),
           (10, 84, 19), (13, 78, 18), (16.5, 73, 16), (40, 72, 16)]


@pytest.mark.parametrize(("age", "pulse", "breathing"), MEDIANS)
def test_values_normal_for_the_age_stay_routine(age, pulse, breathing):
    assert level(age, {"heart_rate": pulse, "respiratory_rate": breathing,
                       "temperature_c": 37.0, "spo2": 98}) == "routine"


@pytest.mark.parametrize("vitals", [
    {"heart_rate": 55}, {"heart_rate": 118}, {"heart_rate": 135}, {"respiratory_rate": 10},
    {"respiratory_rate": 23}, {"respiratory_rate": 27}, {"temperature_c": 35.5},
    {"temperature_c": 39.5}, {"systolic_bp": 85}, {"spo2": 91},
])
def test_an_unknown_age_is_read_as_the_worse_of_adult_and_school_age(vitals):
    """Issue 20, item 1: an age not given reads the values the cautious way: at least as
    high as for any age from 6 to adult (a baby's age is always known; README)."""
    unknown = assess({"route": "oral", "history": ALL_NO, "vitals": vitals})
    assert unknown.age_band == "unknown"
    ranks = {"routine": 0, "soon": 1, "urgent": 2, "emergency": 3}
    worst = max(ranks[level(age, vitals)] for age in (6, 7, 9, 11, 13, 15, 16, 40, 80))
    assert ranks[unknown.level] >= worst, (unknown.level, worst)
    assert any(n.id == "unknown_age" for n in unknown.notes)
