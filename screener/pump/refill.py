"""What a refill implies, worked out before it is saved (the one-form refill, issue 25): the
residual expected against the volume drawn out, the bridge bolus a rise in concentration
needs, the titration guard, and the alarm, empty and refill-by days it leads to, with the
next refill to suggest. The form shows this live and the view refuses or flags from it, so
the page and the record never disagree.

The titration guard asks for a reason above a 15 % rise in a day: the origin of the
spasticity is not recorded, and 15 % is the limit for cerebral origin and for children
(30 % for spinal origin); a reason is all it asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from .projection import (
    DEFAULT_LEAD_DAYS,
    ResidualCheck,
    check_residual,
    daily_volume_ml,
    expected_residual_ml,
    needs_bridge_bolus,
    titration_too_fast,
)
from .reservoir import ReservoirDates, refill_by_day, reservoir_dates

# F7: intervals run from monthly to 6 months; no drug-stability limit was verified, so the
# suggestion is never more than this after the refill (a clinic may book sooner).
MAX_INTERVAL_DAYS = 180


@dataclass(frozen=True)
class Before:
    """The pump as the record has it before this refill."""

    reservoir_ml: float  # the reservoir's size
    alarm_ml: float
    concentration: float
    dose_mcg: float
    bolus_mcg: float
    last_refill_on: date | None  # and what was put in then: None if not recorded
    last_put_in_ml: float | None


@dataclass(frozen=True)
class Proposed:
    """What the form says so far (any of it may still be missing)."""

    refilled_on: date | None
    drawn_ml: float | None
    put_in_ml: float | None
    concentration: float | None
    dose_mcg: float | None


@dataclass(frozen=True)
class Review:
    expected_ml: float | None  # the residual expected, boluses unused
    expected_low_ml: float | None  # ... every allowed bolus used (the same without boluses)
    residual: ResidualCheck | None
    concentration_changed: bool
    dose_changed: bool
    bridge_needed: bool  # the concentration rises: the old drug must be bridged
    concentration_falls: bool  # ... falls: the old, stronger drug gives more than the dose
    dose_in_transit_mcg: float | None  # what the patient gets a day until the old drug clears
    too_fast: bool  # the dose rises above the 24-hour titration limit
    dates: ReservoirDates | None  # after this refill
    refill_by: date | None
    suggested_next: date | None

    @property
    def changed(self) -> bool:
        return self.concentration_changed or self.dose_changed


def review(before: Before, proposed: Proposed, zone: ZoneInfo | None = None,
           lead_days: int = DEFAULT_LEAD_DAYS, child: bool = False) -> Review:
    concentration = proposed.concentration or before.concentration
    dose = proposed.dose_mcg or before.dose_mcg
    expected = low = residual = None
    if (proposed.refilled_on and before.last_refill_on and before.last_put_in_ml is not None
            and proposed.refilled_on >= before.last_refill_on):
        elapsed = timedelta(days=(proposed.refilled_on - before.last_refill_on).days)
        expected = expected_residual_ml(before.last_put_in_ml, daily_volume_ml(
            before.dose_mcg, before.concentration), elapsed)
        low = expected_residual_ml(before.last_put_in_ml, daily_volume_ml(
            before.dose_mcg, before.concentration, before.bolus_mcg), elapsed)
        if proposed.drawn_ml is not None:
            # Anything between the two is as expected; beyond them, from the nearer.
            nearest = min(max(proposed.drawn_ml, low), expected)
            residual = check_residual(nearest, proposed.drawn_ml, before.reservoir_ml,
                                      before.concentration)
    concentration_changed = abs(concentration - before.concentration) > 1e-9
    bridge = needs_bridge_bolus(before.concentration, concentration)
    dates = reservoir_dates(proposed.refilled_on, proposed.put_in_ml, concentration, dose,
                            before.alarm_ml, before.bolus_mcg, zone)
    by = refill_by_day(dates, lead_days)
    suggested = None
    if by is not None and proposed.refilled_on is not None:
        suggested = min(by, proposed.refilled_on + timedelta(days=MAX_INTERVAL_DAYS))
    return Review(
        expected_ml=expected, expected_low_ml=low, residual=residual,
        concentration_changed=concentration_changed,
        dose_changed=abs(dose - before.dose_mcg) > 1e-9,
        bridge_needed=bridge,
        concentration_falls=concentration < before.concentration - 1e-9,
        dose_in_transit_mcg=(dose * before.concentration / concentration
                             if concentration_changed else None),
        too_fast=titration_too_fast(before.dose_mcg, dose, "child" if child else "cerebral"),
        dates=dates, refill_by=by, suggested_next=suggested)
