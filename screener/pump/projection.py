"""The pump clinic's arithmetic (issue 25), each formula with its source (the pump-clinic
brief's F-numbers): the daily volume, the alarm and empty dates as ranges, the date to refill
by, the residual expected at a refill and when a difference matters, the old drug's transit
after a concentration change, the titration guard and the battery's replacement window.

Times are absolute (a pump delivers by the hour, not by the wall clock): a projection adds
hours to the UTC time of the refill, and only a day shown to people is read on the service's
clock (`local_day`), so a clock change moves no date by a day. Days are never rounded up: a
date a day early is safe, a day late is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .catalogue import residual_tolerance_ml

# F16: the pump's delivery within 85 to 115 % of the programmed rate (PROMETRA-II-IFU's
# required accuracy; no SynchroMed figure was verified), so every date is a range.
ACCURACY = 0.15
REFERENCE_CONCENTRATION = 500  # µg/mL: the concentration MAINO-2017's tolerances are read at
DEFAULT_LEAD_DAYS = 7  # F6: GILLETTE (7-10 days), MEDTRONIC (a week); a clinic setting
# F13 (SAULINO-2016): the most a daily dose should rise in 24 hours, by origin and age.
TITRATION_LIMITS = {"cerebral": 0.15, "spinal": 0.30, "child": 0.15}
ERI_STOP_DAYS = 90  # F14: after the elective replacement indicator the pump stops in 90 days
SERVICE_LIFE_YEARS = (5, 7)  # F14: SynchroMed II, 5 to 7 years by dose; it stops at 7
BOOK_REPLACEMENT_DAYS = 91  # F14: schedule a replacement at least 3 months ahead (SAULINO)


def daily_volume_ml(dose_mcg: float, concentration: float, bolus_mcg: float = 0.0) -> float:
    """F1: mL a day, the allowed boluses counted as all used (the Prometra controller's own
    assumption): (dose + boluses) / concentration."""
    if dose_mcg < 0 or bolus_mcg < 0 or concentration <= 0:
        raise ValueError("a dose must be >= 0 and a concentration > 0")
    return (dose_mcg + bolus_mcg) / concentration


@dataclass(frozen=True)
class Step:
    """One step of a simple daily schedule: from `start` ("HH:MM", the pump's clock) until the
    next step's start, `mcg_per_hour`; the last step runs on to the first's start."""

    start: str
    mcg_per_hour: float


def scheduled_daily_dose(steps: list[Step]) -> float:
    """F1 for a periodic schedule: the dose over its 24-hour cycle, sum(rate x duration). A
    clock change makes one day 23 or 25 hours on the pump's clock: at most an hour of one
    step more or less in an interval, far inside the pump's 15 % (F13 asks that it be kept
    in mind; the projections count absolute time at the daily average)."""
    if not steps:
        raise ValueError("a schedule needs a step")
    minutes = [_minutes(step.start) for step in steps]
    if len(set(minutes)) != len(minutes) or any(step.mcg_per_hour < 0 for step in steps):
        raise ValueError("steps start at different times, with rates >= 0")
    ordered = sorted(zip(minutes, (step.mcg_per_hour for step in steps), strict=True))
    total = 0.0
    for n, (begins, rate) in enumerate(ordered):
        ends = ordered[(n + 1) % len(ordered)][0]
        total += rate * (((ends - begins) % 1440) or 1440) / 60
    return total


def _minutes(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"not a time: {clock!r}")
    value = int(hours) * 60 + int(minutes)
    if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
        raise ValueError(f"not a time: {clock!r}")
    return value


@dataclass(frozen=True)
class Range:
    """A projected moment: the earliest (the pump 15 % fast), as programmed, the latest."""

    earliest: datetime
    nominal: datetime
    latest: datetime


@dataclass(frozen=True)
class Projection:
    refilled_at: datetime
    daily_ml: float
    alarm: Range | None  # None: no alarm volume recorded, or the fill is below it
    empty: Range

    def days_to_alarm(self) -> float | None:
        if self.alarm is None:
            return None
        return (self.alarm.nominal - self.refilled_at).total_seconds() / 86400


def project(refilled_at: datetime, fill_ml: float, alarm_ml: float | None, dose_mcg: float,
            concentration: float, bolus_mcg: float = 0.0,
            accuracy: float = ACCURACY) -> Projection:
    """F2-F5 and F16: when the reservoir reaches the alarm volume and when it runs dry, each
    as a range from the pump's accuracy."""
    if refilled_at.tzinfo is None:
        raise ValueError("refilled_at must be an aware time")
    if not 0 <= accuracy < 1:
        raise ValueError("accuracy is a fraction from 0 to under 1")
    daily = daily_volume_ml(dose_mcg, concentration, bolus_mcg)
    start = refilled_at.astimezone(UTC)
    alarm = None
    if alarm_ml is not None and 0 <= alarm_ml < fill_ml:
        alarm = _range(start, fill_ml - alarm_ml, daily, accuracy)
    return Projection(start, daily, alarm, _range(start, fill_ml, daily, accuracy))


def _range(start: datetime, volume_ml: float, daily_ml: float, accuracy: float) -> Range:
    def after(rate: float) -> datetime:
        if rate <= 0:
            return datetime.max.replace(tzinfo=UTC)  # nothing delivered: never
        try:
            return start + timedelta(days=volume_ml / rate)
        except OverflowError:
            return datetime.max.replace(tzinfo=UTC)
    return Range(after(daily_ml * (1 + accuracy)), after(daily_ml),
                 after(daily_ml * (1 - accuracy)))


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The day `moment` falls on, on the service's clock."""
    if moment.year == datetime.max.year:
        return date.max
    return moment.astimezone(zone).date()


def refill_by(projection: Projection, zone: ZoneInfo,
              lead_days: int = DEFAULT_LEAD_DAYS) -> date:
    """F6: the last day to refill: `lead_days` before the earliest the alarm may sound (or,
    with no alarm recorded, the earliest the reservoir may run dry)."""
    first = (projection.alarm or projection.empty).earliest
    day = local_day(first, zone)
    return day if day == date.max else day - timedelta(days=lead_days)


def expected_residual_ml(fill_ml: float, daily_ml: float, elapsed: timedelta,
                         boluses_ml: float = 0.0) -> float:
    """F8: what should be left at a refill: the fill less what the programme delivered
    (never below nothing)."""
    return max(0.0, fill_ml - daily_ml * elapsed.total_seconds() / 86400 - boluses_ml)


@dataclass(frozen=True)
class ResidualCheck:
    difference_ml: float  # expected less drawn: more than expected left is negative
    difference_mcg: float
    tolerance_ml: float
    flagged: bool


def check_residual(expected_ml: float, drawn_ml: float, reservoir_ml: float,
                   concentration: float) -> ResidualCheck:
    """F9, weighted by concentration: MAINO-2017's tolerance (1 mL for a 20 mL pump, 2 mL for
    a 40 mL one) is read as the drug it holds at 500 µg/mL, so at 2,000 µg/mL a quarter of
    the volume carries the same dose and is flagged (the brief's worked example 4)."""
    difference = expected_ml - drawn_ml
    tolerance = residual_tolerance_ml(reservoir_ml) * min(
        1.0, REFERENCE_CONCENTRATION / concentration)
    return ResidualCheck(difference, difference * concentration, tolerance,
                         abs(difference) > tolerance + 1e-9)


def catheter_ml(implanted_cm: float, ml_per_cm: float) -> float:
    """F10: the catheter's volume (Prometra II: 0.0026 mL per cm implanted)."""
    return implanted_cm * ml_per_cm


def transit_days(catheter_volume_ml: float, new_daily_ml: float,
                 dead_space_ml: float = 0.0) -> float:
    """F11: how long the old drug in the catheter (and the pump's dead space) takes to clear
    at the new daily volume."""
    return (catheter_volume_ml + dead_space_ml) / new_daily_ml


def dose_during_transit(new_dose_mcg: float, old_concentration: float,
                        new_concentration: float) -> float:
    """F12: the daily dose the patient gets while the old drug clears, with no bridge bolus:
    the new volume of the old drug. 500 -> 2,000 µg/mL gives a quarter of the dose
    (withdrawal); 2,000 -> 500 gives four times it (overdose)."""
    return new_dose_mcg * old_concentration / new_concentration


def needs_bridge_bolus(old_concentration: float | None, new_concentration: float) -> bool:
    """SAULINO-2016: a rise in concentration at a refill must be bridged by a bolus."""
    return old_concentration is not None and new_concentration > old_concentration


def titration_too_fast(old_dose_mcg: float, new_dose_mcg: float, origin: str) -> bool:
    """F13: a daily dose raised by more than the 24-hour limit for its origin ("cerebral",
    "spinal") or a child ("child"): asks for a reason. A cut is never too fast here."""
    if old_dose_mcg <= 0:
        return new_dose_mcg > 0
    return (new_dose_mcg - old_dose_mcg) / old_dose_mcg > TITRATION_LIMITS[origin] + 1e-9


@dataclass(frozen=True)
class BatteryWindow:
    replace_from: date  # F14: the service life's earliest end
    replace_by: date  # the pump stops: 7 years, or 90 days after the indicator, if sooner
    book_by: date  # schedule the replacement at least 3 months before


def battery_window(implanted_on: date | None,
                   indicator_on: date | None = None) -> BatteryWindow | None:
    """F14: when the pump's battery needs replacing, from its implant date and, once shown,
    its elective replacement indicator (ERI); from the indicator alone if the implant date is
    not recorded. None with neither."""
    if implanted_on is None and indicator_on is None:
        return None
    replace_from = stop = book_by = date.max
    if implanted_on is not None:
        low, high = SERVICE_LIFE_YEARS
        replace_from = _years_after(implanted_on, low)
        stop = _years_after(implanted_on, high)
        book_by = stop if stop == date.max else stop - timedelta(days=BOOK_REPLACEMENT_DAYS)
    if indicator_on is not None:  # shown: the pump stops within 90 days, so book it now
        stop = min(stop, indicator_on + timedelta(days=ERI_STOP_DAYS)
                   if indicator_on.year < date.max.year else date.max)
        replace_from = min(replace_from, indicator_on)
        book_by = min(book_by, indicator_on)
    return BatteryWindow(replace_from, stop, book_by)


def _years_after(day: date, years: int) -> date:
    if day.year + years > date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
