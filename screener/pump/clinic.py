"""The clinic worklist's flags (issue 25, item 4), each one SQL condition over the patient's
own columns (models.Patient keeps them whenever the record changes), so the list's filter,
its counts and each row's flags are the same rule:

- `unbooked`: no refill booked, or booked after the refill-by day (the clinic's lead time
  before the earliest the pump may alarm; pump-clinic brief F6);
- `missed`: the booked refill's day has passed with no refill recorded;
- `residual`: the residual at the last refill differed beyond its tolerance (F9, weighted by
  concentration) and what was found is not recorded: a possible pump or catheter problem;
- `battery`: the battery's replacement is to be booked within BATTERY_NOTICE_DAYS (F14: after
  the replacement indicator the pump stops within 90 days);
- `check`: an MRI scan or a programming session with no pump check recorded since
  (incomplete programming left SynchroMed II pumps stopped: Medtronic's 2021 letter).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, false, or_

from ..models import Patient

BATTERY_NOTICE_DAYS = 90
FLAGS = ("unbooked", "missed", "residual", "battery", "check")


def flag_conditions(today: date) -> dict[str, ColumnElement[bool]]:
    return {
        "unbooked": and_(Patient.refill_by.is_not(None), or_(
            Patient.next_refill_date.is_(None), Patient.next_refill_date > Patient.refill_by)),
        "missed": Patient.next_refill_date < today,
        "residual": Patient.residual_flagged.is_(True),
        "battery": Patient.battery_book_by <= today + timedelta(days=BATTERY_NOTICE_DAYS),
        "check": Patient.check_due_since.is_not(None),
    }


def any_flag(today: date) -> ColumnElement[bool]:
    return or_(false(), *flag_conditions(today).values())
