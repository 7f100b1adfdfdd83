"""The pump clinic's arithmetic (issue 25) against the pump-clinic brief's worked examples,
written from the brief before the code ran, and hypothesis properties: more dose never a
later alarm, a later refill never an earlier one, the range always around the programme,
and a clock change never moving a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screener.pump.catalogue import MODELS, residual_tolerance_ml
from screener.pump.projection import (
    Step,
    battery_window,
    catheter_ml,
    check_residual,
    daily_volume_ml,
    dose_during_transit,
    expected_residual_ml,
    local_day,
    needs_bridge_bolus,
    project,
    refill_by,
    scheduled_daily_dose,
    titration_too_fast,
    transit_days,
)

LONDON = ZoneInfo("Europe/London")
NOON = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def test_worked_example_1_a_20_ml_pump():
    """20 mL filled, alarm at 2 mL, 300 µg/day at 500 µg/mL: 0.6 mL a day; the alarm after
    30.0 days, empty after 33.3; with a 7-day lead, refill by day 23 on the programme."""
    assert daily_volume_ml(300, 500) == pytest.approx(0.6)
    made = project(NOON, 20, 2, 300, 500, accuracy=0)
    assert made.days_to_alarm() == pytest.approx(30.0)
    assert (made.empty.nominal - NOON) / timedelta(days=1) == pytest.approx(33.33, abs=0.01)
    assert refill_by(made, LONDON, 7) == (NOON + timedelta(days=23)).date()
    # With the pump's accuracy the alarm may come 15 % early: the refill-by date is earlier.
    ranged = project(NOON, 20, 2, 300, 500)
    assert ranged.alarm.earliest < ranged.alarm.nominal < ranged.alarm.latest
    assert refill_by(ranged, LONDON, 7) == (NOON + timedelta(days=30 / 1.15 - 7)).date()


def test_worked_example_2_a_40_ml_pump_outlasts_a_routine_interval():
    made = project(NOON, 40, 2, 600, 2000, accuracy=0)
    assert daily_volume_ml(600, 2000) == pytest.approx(0.3)
    assert made.days_to_alarm() == pytest.approx(126.7, abs=0.05)


def test_worked_example_3_old_drug_in_a_90_cm_catheter():
    volume = catheter_ml(90, MODELS["prometra-ii-13827"].catheter_ml_per_cm)
    assert volume == pytest.approx(0.234)
    new_daily = daily_volume_ml(300, 2000)
    assert new_daily == pytest.approx(0.15)
    assert transit_days(volume, new_daily) == pytest.approx(1.56, abs=0.01)
    assert dose_during_transit(300, 500, 2000) == pytest.approx(75)  # a quarter: withdrawal
    assert dose_during_transit(300, 2000, 500) == pytest.approx(1200)  # four times: overdose
    assert needs_bridge_bolus(500, 2000) and not needs_bridge_bolus(2000, 500)
    assert not needs_bridge_bolus(None, 500)  # a first fill has nothing to bridge


def test_worked_example_4_the_same_millilitre_weighs_more_at_a_higher_concentration():
    at_500 = check_residual(expected_ml=5.0, drawn_ml=4.0, reservoir_ml=20, concentration=500)
    at_2000 = check_residual(expected_ml=5.0, drawn_ml=4.0, reservoir_ml=20, concentration=2000)
    assert at_500.difference_mcg == pytest.approx(500)
    assert at_2000.difference_mcg == pytest.approx(2000)
    assert not at_500.flagged  # 1 mL is MAINO-2017's tolerance for a 20 mL pump
    assert at_2000.flagged  # the same drug as 4 mL at 500 µg/mL


@pytest.mark.parametrize(("reservoir", "tolerance"), [(20, 1.0), (40, 2.0)])
def test_the_residual_tolerance_by_reservoir_size(reservoir, tolerance):
    assert residual_tolerance_ml(reservoir) == tolerance
    assert not check_residual(10, 10 - tolerance, reservoir, 500).flagged
    assert check_residual(10, 10 - tolerance - 0.1, reservoir, 500).flagged
    assert check_residual(10, 10 + tolerance + 0.1, reservoir, 500).flagged  # more left: too


def test_the_expected_residual():
    assert expected_residual_ml(20, 0.6, timedelta(days=10)) == pytest.approx(14)
    assert expected_residual_ml(20, 0.6, timedelta(days=10), boluses_ml=1) == pytest.approx(13)
    assert expected_residual_ml(20, 0.6, timedelta(days=100)) == 0


@pytest.mark.parametrize(("origin", "allowed", "too_much"), [
    ("cerebral", 115, 116), ("spinal", 130, 131), ("child", 115, 116)])
def test_the_titration_guard(origin, allowed, too_much):
    """SAULINO-2016: at most 5-15 % a day (cerebral, children) or 10-30 % (spinal)."""
    assert not titration_too_fast(100, allowed, origin)
    assert titration_too_fast(100, too_much, origin)
    assert not titration_too_fast(100, 50, origin)  # a cut


def test_the_battery_window():
    window = battery_window(date(2020, 3, 1))
    assert (window.replace_from, window.replace_by) == (date(2025, 3, 1), date(2027, 3, 1))
    assert window.book_by == date(2027, 3, 1) - timedelta(days=91)
    shown = battery_window(date(2020, 3, 1), indicator_on=date(2024, 6, 1))
    assert shown.replace_by == date(2024, 8, 30)  # 90 days after the indicator
    assert shown.book_by == date(2024, 6, 1)  # at once: never a date before it was shown


def test_a_clock_change_moves_no_day():
    """A pump counts hours, not the wall clock: 30 days after a refill is 720 hours later,
    read on the UK clock. Adding 30 wall-clock days instead would put the spring alarm a day
    early and the autumn one a day late (unsafe)."""
    spring = datetime(2027, 3, 27, 23, 30, tzinfo=LONDON)  # GMT; the clocks go forward at 01:00
    made = project(spring, 20, 2, 300, 500, accuracy=0)
    assert local_day(made.alarm.nominal, LONDON) == date(2027, 4, 27)  # 00:30 BST
    assert (spring + timedelta(days=30)).date() == date(2027, 4, 26)  # the wall clock's answer
    autumn = datetime(2027, 10, 31, 0, 30, tzinfo=LONDON)  # BST; the clocks go back at 02:00
    made = project(autumn, 20, 2, 300, 500, accuracy=0)
    assert local_day(made.alarm.nominal, LONDON) == date(2027, 11, 29)  # 23:30 GMT
    assert (autumn + timedelta(days=30)).date() == date(2027, 11, 30)  # a day late


DOSES = st.floats(min_value=10, max_value=1500)
CONCENTRATIONS = st.sampled_from([50, 500, 1000, 2000])
FILLS = st.floats(min_value=3, max_value=40)
ALARMS = st.floats(min_value=0, max_value=4)
WHEN = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31),
                    timezones=st.just(UTC))


@given(WHEN, FILLS, ALARMS, DOSES, DOSES, CONCENTRATIONS)
def test_more_dose_never_means_a_later_alarm(when, fill, alarm, dose, more, concentration):
    low, high = sorted((dose, more))
    slow, fast = (project(when, fill, alarm, d, concentration) for d in (low, high))
    if slow.alarm is None:
        return
    for bound in ("earliest", "nominal", "latest"):
        assert getattr(fast.alarm, bound) <= getattr(slow.alarm, bound)
    assert refill_by(fast, LONDON) <= refill_by(slow, LONDON)


@given(WHEN, st.floats(min_value=0, max_value=60), FILLS, ALARMS, DOSES, CONCENTRATIONS)
def test_a_later_refill_never_means_an_earlier_alarm(when, later_days, fill, alarm, dose,
                                                       concentration):
    first = project(when, fill, alarm, dose, concentration)
    second = project(when + timedelta(days=later_days), fill, alarm, dose, concentration)
    assert second.empty.earliest >= first.empty.earliest
    if first.alarm is not None:
        assert second.alarm.earliest >= first.alarm.earliest
        assert refill_by(second, LONDON) >= refill_by(first, LONDON)


@given(WHEN, FILLS, ALARMS, st.floats(min_value=0, max_value=4), DOSES, CONCENTRATIONS)
def test_a_higher_alarm_volume_sounds_sooner_and_the_range_holds_the_programme(
        when, fill, alarm, higher, dose, concentration):
    low, high = sorted((alarm, higher))
    base, raised = (project(when, fill, a, dose, concentration) for a in (low, high))
    if raised.alarm is None:
        return
    assert raised.alarm.nominal <= base.alarm.nominal
    assert base.alarm.earliest <= base.alarm.nominal <= base.alarm.latest
    assert base.alarm.nominal <= base.empty.nominal


def test_a_simple_daily_schedule_gives_its_days_dose():
    """F1 for a periodic schedule: sum(rate x duration) over 24 hours. 15 an hour from 08:00
    and 10 from 20:00 is 180 + 120 = 300; 20 from 22:00 to 06:00 and 10 after is 160 + 160."""
    assert scheduled_daily_dose([Step("08:00", 15), Step("20:00", 10)]) == 300
    assert scheduled_daily_dose([Step("22:00", 20), Step("06:00", 10)]) == 320
    assert scheduled_daily_dose([Step("00:00", 12.5)]) == 300  # one step: continuous
    for bad in ([], [Step("08:00", 1), Step("08:00", 2)], [Step("24:00", 1)],
                [Step("8", 1)], [Step("08:00", -1)]):
        with pytest.raises(ValueError):
            scheduled_daily_dose(bad)


@given(st.lists(st.tuples(st.integers(0, 1439), st.floats(0, 100)), min_size=1, max_size=4,
                unique_by=lambda step: step[0]))
def test_a_schedule_is_its_rates_average_over_the_day_in_any_order(steps):
    made = [Step(f"{m // 60:02d}:{m % 60:02d}", rate) for m, rate in steps]
    dose = scheduled_daily_dose(made)
    assert dose == pytest.approx(scheduled_daily_dose(made[::-1]))
    rates = [rate for _, rate in steps]
    assert min(rates) * 24 - 1e-6 <= dose <= max(rates) * 24 + 1e-6


def test_the_battery_window_from_the_indicator_alone_and_near_the_last_year():
    shown = battery_window(None, date(2027, 1, 1))
    assert (shown.book_by, shown.replace_by) == (date(2027, 1, 1), date(2027, 4, 1))
    assert battery_window(None, None) is None
    far = battery_window(date(9995, 1, 1))  # past the last date there is: no error
    assert far.replace_by == date.max and far.book_by == date.max
