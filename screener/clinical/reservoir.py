"""When a pump will sound its low-reservoir alarm, and when it will run empty.

From the last refill: the volume put in, the drug's concentration, the programmed daily dose
and the programmed low-reservoir alarm volume. The pump uses dose / concentration mL a day.
The alarm volume is set by the clinician when programming the pump (it is one of the
settings a refill programs), so it is recorded per patient; we hold no per-model default.
Carers should know the "low reservoir alarm date" and the date the pump must be refilled by
(GILLETTE-ITB discharge form); a missed refill is the commonest cause of ITB withdrawal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class ReservoirDates:
    alarm: date | None  # the low-reservoir alarm is expected on this day
    empty: date  # the reservoir runs dry on this day


def reservoir_dates(refilled_on: date | None, volume_ml: float | None,
                    concentration_mcg_per_ml: float | None, daily_dose_mcg: float | None,
                    alarm_ml: float | None = None) -> ReservoirDates | None:
    """The expected alarm and empty days, or None when something needed is not recorded.
    Days are rounded down: a date a day early is safe, a day late is not."""
    if not (refilled_on and volume_ml and concentration_mcg_per_ml and daily_dose_mcg):
        return None
    ml_a_day = daily_dose_mcg / concentration_mcg_per_ml
    empty = _days_after(refilled_on, volume_ml / ml_a_day)
    alarm = None
    if alarm_ml is not None and 0 < alarm_ml < volume_ml:
        alarm = _days_after(refilled_on, (volume_ml - alarm_ml) / ml_a_day)
    return ReservoirDates(alarm, empty)


def _days_after(day: date, days: float) -> date:
    """`day` plus whole `days` (rounded down), or the last day there is when that is past
    the year 9999 (red team 2, L13: a refill in 9998 with a small dose answered 500)."""
    try:
        return day + timedelta(days=math.floor(days))
    except (OverflowError, ValueError):
        return date.max


def due_by(next_refill: date | None, dates: ReservoirDates | None) -> date | None:
    """The day a refill is needed by: the planned date, or the alarm (else empty) day if
    that comes first."""
    candidates = [d for d in (next_refill, dates and (dates.alarm or dates.empty)) if d]
    return min(candidates, default=None)
