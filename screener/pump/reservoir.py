"""A patient's reservoir dates, as the worklist, the patient page and a call read them: when
the pump will sound its low-reservoir alarm and when it will run empty, each as programmed
and at the earliest (the pump 15 % fast, projection.py's F16), from the last refill.

From the last refill: the volume put in, the drug's concentration, the programmed daily dose
(with the boluses allowed, counted as used) and the programmed low-reservoir alarm volume.
The alarm volume is set by the clinician when programming the pump, so it is recorded per
patient; we hold no per-model default. Carers should know the "low reservoir alarm date" and
the date the pump must be refilled by (GILLETTE-ITB discharge form); a missed refill is the
commonest cause of ITB withdrawal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .projection import ACCURACY, DEFAULT_LEAD_DAYS, local_day, project


@dataclass(frozen=True)
class ReservoirDates:
    alarm: date | None  # the low-reservoir alarm, as programmed
    empty: date  # the reservoir runs dry, as programmed
    first_alarm: date | None = None  # the earliest either may come (the pump 15 % fast)
    first_empty: date | None = None

    @property
    def first(self) -> date:
        """The earliest day the pump may alarm (or, with no alarm volume, run dry)."""
        return self.first_alarm or self.first_empty or self.alarm or self.empty


def reservoir_dates(refilled_on: date | None, volume_ml: float | None,
                    concentration_mcg_per_ml: float | None, daily_dose_mcg: float | None,
                    alarm_ml: float | None = None, bolus_mcg_per_day: float | None = None,
                    zone: ZoneInfo | None = None,
                    accuracy: float = ACCURACY) -> ReservoirDates | None:
    """The alarm and empty days, or None when something needed is not recorded. The refill's
    time is not recorded, so it counts from the start of its day, which errs early; days are
    never rounded up (a date a day early is safe, a day late is not)."""
    if not (refilled_on and volume_ml and concentration_mcg_per_ml and daily_dose_mcg):
        return None
    zone = zone or ZoneInfo("UTC")
    start = datetime.combine(refilled_on, time.min, tzinfo=zone)
    made = project(start, volume_ml, alarm_ml if alarm_ml else None, daily_dose_mcg,
                   concentration_mcg_per_ml, bolus_mcg_per_day or 0, accuracy)
    return ReservoirDates(
        local_day(made.alarm.nominal, zone) if made.alarm else None,
        local_day(made.empty.nominal, zone),
        local_day(made.alarm.earliest, zone) if made.alarm else None,
        local_day(made.empty.earliest, zone))


def refill_by_day(dates: ReservoirDates | None, lead_days: int = DEFAULT_LEAD_DAYS) -> date | None:
    """F6: the last day to refill, `lead_days` before the earliest alarm."""
    if dates is None:
        return None
    first = dates.first
    return first if first == date.max else first - timedelta(days=lead_days)


def due_by(next_refill: date | None, dates: ReservoirDates | None) -> date | None:
    """The worklist's day: the earliest the pump may alarm (or run dry) when the record can
    project it, else the planned refill date."""
    return dates.first if dates is not None else next_refill

