"""Answer validation: the fast compiled check and the detailed one agree on every input."""

from __future__ import annotations

from hypothesis import event, given, settings
from hypothesis import strategies as st

from screener.clinical.answers import _fast_check, _validator, normalise
from screener.clinical.rules import default_ruleset
from tests.sizes import examples
from tests.strategies import answer_sets

RULES = default_ruleset()
KEYS = ["route", "symptoms", "history", "vitals", "respondent", "patient_ref", "other"]
NEAR_VALUES = st.one_of(
    st.sampled_from(["intrathecal", "oral", "both", "unknown", "caregiver", "", "AB-1", " x"]),
    st.sampled_from(list(RULES.ids("symptom")) + list(RULES.ids("history"))),
    st.booleans(), st.none(), st.integers(-5, 3000), st.floats(allow_nan=False),
    st.sampled_from([0, 1, 1.0, 0.0, 37.5, 100, 101, 2160, 2161]),
)
JSON = st.recursive(NEAR_VALUES, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(KEYS + list(RULES.ids("history")) + list(RULES.vitals)
                                    + list(RULES.ids("number"))), inner, max_size=5),
), max_leaves=12)
BODIES = st.fixed_dictionaries({}, optional={
    "route": NEAR_VALUES,
    "symptoms": st.one_of(st.lists(NEAR_VALUES, max_size=4), NEAR_VALUES),
    "history": st.one_of(st.dictionaries(
        st.sampled_from(list(RULES.ids("history")) + list(RULES.ids("number")) + ["x"]),
        NEAR_VALUES, max_size=5), NEAR_VALUES),
    "vitals": st.one_of(st.dictionaries(st.sampled_from([*RULES.vitals, "glucose"]),
                                        NEAR_VALUES, max_size=5), NEAR_VALUES),
    "respondent": NEAR_VALUES,
    "patient_ref": NEAR_VALUES,
})


@settings(max_examples=examples(15))
@given(st.one_of(BODIES, JSON, answer_sets()))
def test_the_fast_check_and_the_detailed_validator_agree(body):
    detailed_valid = _validator(RULES).is_valid(body)
    event("valid" if detailed_valid else "invalid")
    try:
        _fast_check(RULES)(body)
        fast_valid = True
    except Exception:
        fast_valid = False
    assert fast_valid == detailed_valid


def test_one_and_zero_are_not_true_and_false():
    for value in (1, 0, 1.0):
        try:
            normalise({"route": "oral", "history": {"abrupt_stop": value}}, RULES)
        except ValueError as error:
            assert "abrupt_stop" in str(error)
        else:
            raise AssertionError(f"{value!r} was accepted as a yes/no answer")


# --- Follow-up questions ------------------------------------------------------------------


def test_a_follow_up_ruled_out_by_the_earlier_answer_takes_the_implied_answer():
    """No spinal cord injury: the injury is not at T6, so a headache is not called AD."""
    rules = default_ruleset()
    no_injury = normalise({"route": "oral", "history": {"spinal_cord_injury": False}}, rules)
    assert no_injury.history["injury_level_T6_or_above"] is False
    unsure = normalise({"route": "oral", "history": {"spinal_cord_injury": "unknown"}}, rules)
    assert unsure.history["injury_level_T6_or_above"] is None  # asked, unanswered: unknown
    said = normalise({"route": "oral", "history": {"spinal_cord_injury": False,
                                                   "injury_level_T6_or_above": True}}, rules)
    assert said.history["injury_level_T6_or_above"] is True  # an answer given is kept
    no_extra = normalise({"route": "oral", "history": {"took_more_than_prescribed": False}},
                         rules)
    assert no_extra.history["deliberate_overdose"] is False
    assert no_extra.numbers["amount_taken_mg"] is None  # "otherwise: unknown"


def _not_finite_cases():
    for feature in RULES.ids("number"):
        yield "history", feature
    for vital in RULES.vitals:
        yield "vitals", vital


def test_nan_and_infinity_are_refused_for_every_number_and_vital_sign():
    """A schema's minimum and maximum let NaN through (every comparison with NaN is false):
    a NaN hours-since-the-problem was scored as routine, and a NaN temperature broke the
    scoring. JSON cannot carry them, but a caller of the library can (found by the staff
    fuzzer's review, issue 22)."""
    import math

    import pytest

    from screener.clinical import InvalidAnswers

    for section, key in _not_finite_cases():
        for value in (math.nan, math.inf, -math.inf):
            with pytest.raises(InvalidAnswers) as refused:
                normalise({"route": "intrathecal", section: {key: value}}, RULES)
            assert f"{section}.{key}" in refused.value.errors, (section, key, value)
