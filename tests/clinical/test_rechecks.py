"""Re-checks timed to the withdrawal's time course (issue 24, item 4): which checks ask the
caregiver to check again, one finding at a time.

Expected from the sources, not from the rule file: withdrawal begins 12 to 72 hours after an
intrathecal interruption and within 1 to 3 days of an oral stop (SPINALCORD-2009,
COFFEY-2002, DALEO-2007), so a quiet check soon after any interruption is followed by
checks across that window; urgent and emergency are already a call today."""

from __future__ import annotations

import pytest

from screener.clinical.rules import default_ruleset

RULES = default_ruleset()
# Each an interruption of baclofen a caregiver can name (the brief's list): an alarm, an
# overdue refill, doses missed, tablets run out, stopped or not kept down, pump surgery, an
# MRI, a battery at its end.
INTERRUPTIONS = ["pump_alarm", "refill_overdue", "missed_doses", "ran_out_of_medication",
                 "abrupt_stop", "unable_to_take_oral", "recent_pump_or_catheter_surgery",
                 "recent_mri", "pump_battery_low"]


def test_the_times_span_the_onset_window():
    hours = RULES.rechecks.hours
    assert hours[0] <= 12 and hours[-1] >= 72  # from the window's start to its end
    assert all(later > earlier for earlier, later in zip(hours, hours[1:], strict=False))
    assert set(RULES.rechecks.sources) >= {"SPINALCORD-2009", "COFFEY-2002"}


@pytest.mark.parametrize("fact", INTERRUPTIONS)
@pytest.mark.parametrize("level", ["soon", "routine"])
def test_each_interruption_alone_asks_for_re_checks(fact, level):
    assert RULES.rechecks.asked_after(level, {"history": {fact: True}}) == RULES.rechecks.hours


@pytest.mark.parametrize("fact", INTERRUPTIONS)
@pytest.mark.parametrize("level", ["urgent", "emergency"])
def test_a_call_today_needs_no_re_check(fact, level):
    assert RULES.rechecks.asked_after(level, {"history": {fact: True}}) == ()


@pytest.mark.parametrize("answer", [False, "unknown", None])
def test_no_interruption_said_asks_for_none(answer):
    """Re-checks follow a named interruption; "I don't know" is not one (it never lowers a
    level, and offering re-checks to every blank would make them noise)."""
    history = {fact: answer for fact in INTERRUPTIONS} if answer is not None else {}
    assert RULES.rechecks.asked_after("soon", {"history": history}) == ()


def test_a_dose_increase_or_an_overdose_risk_is_not_an_interruption():
    for fact in ("recently_started", "took_more_than_prescribed", "long_term_use"):
        assert RULES.rechecks.asked_after("routine", {"history": {fact: True}}) == ()
