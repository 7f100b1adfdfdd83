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

from ..db import db
from ..models import Patient

BATTERY_NOTICE_DAYS = 90
DUE_WINDOW_DAYS = 7  # "Needs action" also lists every pump whose earliest alarm is this near
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


def listed(today: date, needs_action: bool):
    """The worklist's rows: every patient with a day to list by (a pump's earliest alarm, or
    a refill booked); with `needs_action`, only the flagged and those due within the window
    (or overdue). Unordered: the page orders it (ix_patients_due_order)."""
    query = db.select(Patient).where(Patient.due_date.is_not(None))
    if needs_action:
        query = query.where(or_(any_flag(today),
                                Patient.due_date <= today + timedelta(days=DUE_WINDOW_DAYS)))
    return query


def undated(today: date, limit: int):
    """Pumps the list cannot place: nothing projected (no refill with its volume) and no
    refill booked, or flagged with no day; by reference. They head the worklist."""
    return (db.select(Patient)
            .where(Patient.due_date.is_(None),
                   or_(Patient.pump_model.is_not(None), any_flag(today)))
            .order_by(Patient.reference).limit(limit))


def flags_of(ids: list[int], today: date) -> dict[int, set[str]]:
    """Each listed patient's flags, in one query."""
    conditions = flag_conditions(today)
    rows = db.session.execute(db.select(Patient.id, *(c.label(n) for n, c in conditions.items()))
                              .where(Patient.id.in_(ids))) if ids else []
    return {row.id: {name for name in FLAGS if getattr(row, name)} for row in rows}


def flag_counts(today: date) -> dict[str, int]:
    """How many patients each flag holds, in one query."""
    conditions = flag_conditions(today)
    row = db.session.execute(db.select(*(
        db.func.count().filter(c).label(n) for n, c in conditions.items()))).one()
    return {name: getattr(row, name) for name in FLAGS}
