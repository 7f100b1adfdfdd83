"""A screening's life cycle and a pump's refill: the one place that writes a screening's
status (open, claimed, closed) and what a refill changes on the patient's record.

Views parse a form, call one function here, audit what their user did and commit; the demo
clinic calls the same functions. Nothing here commits or audits: the caller's transaction
holds the change and its audit line together (screener/audit.py).

Every status change is a conditional UPDATE: of two people claiming at once, or a claim
racing a close, exactly one wins and the other is told (no lost update). On PostgreSQL the
row lock makes the second wait and then re-check the condition; SQLite has one writer at a
time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from .db import db
from .models import Patient, Refill, Screening, ScreeningAction, User, utc_now


def claim(screening: Screening, user: User, now: datetime | None = None) -> bool:
    """Claim an open screening; False if it was no longer open."""
    return _change_if(screening.id, Screening.status == "open", status="claimed",
                      claimed_by_id=user.id, claimed_at=now or utc_now())


def record_action(screening: Screening, user: User, kind: str, note: str | None = None,
                  close: bool = False, now: datetime | None = None,
                  next_try_at: datetime | None = None) -> bool:
    """Record what was done (claiming the screening if nobody had), and perhaps close it.
    False, and nothing recorded, if someone closed it first."""
    now = now or utc_now()
    if close:
        won = _close_unless_closed(screening.id, user.id, now)
    else:
        won = _change_if(screening.id, Screening.status != "closed", status="claimed",
                         **_claimed_by(user.id, now))
    if won:
        _add_action(screening, user, kind, note, now, next_try_at)
    return won


def close(screening: Screening, user: User, kind: str, note: str | None = None,
          now: datetime | None = None) -> bool:
    """Close with one action of `kind` (claiming it too if nobody had), unless it was
    closed first."""
    return record_action(screening, user, kind, note, close=True, now=now)


def record_call(screening: Screening, user: User, note: str | None = None,
                now: datetime | None = None) -> None:
    """A follow-up call is staff's own work, done as it is recorded: its screening is closed
    by the caller with a "follow-up call" action, never an open item in the triage queue."""
    if screening.id is None:
        db.session.flush()  # a screening made by this call: it needs its id
    close(screening, user, "follow_up_call", note, now or screening.created_at)


def record_refill(patient: Patient, user: User, refilled_on: date, next_refill_date: date,
                  volume_ml: Decimal | float | None = None, note: str | None = None,
                  closing: Iterable[Screening] = (), close_note: str | None = None,
                  now: datetime | None = None, details: dict | None = None,
                  keep_volume: bool = True) -> list[Screening]:
    """Record a refill and close the open screenings it dealt with (the loop a refill
    closes); returns those closed (one closed meanwhile by someone else is left as it is).
    `details` are the one-form refill's own columns (models.Refill).

    The next refill date is always the one given. The date of the last refill and the volume
    in the reservoir change only for a refill at least as recent as the one on record: a
    refill recorded late, after a newer one, must not make the pump look fuller than it is.
    With no volume given, `keep_volume=False` forgets the old one (no dates projected from a
    guess). A residual flagged and not explained flags the patient, whenever it was. The
    worklist's days follow from these (models.py keeps them whenever the patient is written).
    """
    now = now or utc_now()
    refill = Refill(patient_id=patient.id, refilled_on=refilled_on,
                    next_refill_date=next_refill_date, recorded_by_id=user.id,
                    note=note or None, **(details or {}))
    db.session.add(refill)
    patient.next_refill_date = next_refill_date
    if patient.last_refill_on is None or refilled_on >= patient.last_refill_on:
        patient.last_refill_on = refilled_on
        if volume_ml is not None:
            patient.reservoir_ml = float(volume_ml)
        elif not keep_volume:
            patient.reservoir_ml = None

    if refill.residual_flagged and not refill.residual_explanation:
        # Raised by any refill, cleared only by recording what was found (pump/records.py).
        patient.residual_flagged = True
    return [screening for screening in closing
            if close(screening, user, "pump_refilled", close_note or None, now)]


def reopen(screening: Screening) -> bool:
    """A closed check back in the worklist, open and unowned: a re-check it asked for was not
    done (screener/alerts/rechecks.py). The first claim's time is kept, for the response times.
    False if it was not closed (it is in the worklist already)."""
    return _change_if(screening.id, Screening.status == "closed", status="open",
                      claimed_by_id=None, closed_by_id=None, closed_at=None)


def hand_over(screening: Screening, owner: User, by: User, now: datetime | None = None) -> bool:
    """Give a check still not closed to `owner` on the new shift (claiming it if nobody had:
    the first claim's time is kept, for the response times), with a "handed over" action by
    the incoming clinician. False, and nothing recorded, if it was closed meanwhile."""
    now = now or utc_now()
    won = _change_if(screening.id, Screening.status != "closed", status="claimed",
                     claimed_by_id=owner.id,
                     claimed_at=db.func.coalesce(Screening.claimed_at, now))
    if won:
        _add_action(screening, by, "handed_over", f"To {owner.name}", now)
    return won


def _add_action(screening: Screening, user: User, kind: str, note: str | None,
                now: datetime, next_try_at: datetime | None = None) -> None:
    db.session.add(ScreeningAction(screening_id=screening.id, kind=kind, note=note or None,
                                   user_id=user.id, at=now, next_try_at=next_try_at))


def _change_if(screening_id: int, condition, **values) -> bool:
    """UPDATE the screening only if `condition` still holds; True if it did."""
    result = db.session.execute(
        db.update(Screening).where(Screening.id == screening_id, condition).values(**values)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _close_unless_closed(screening_id: int, user_id: int, now: datetime) -> bool:
    return _change_if(screening_id, Screening.status != "closed", status="closed",
                      closed_by_id=user_id, closed_at=now, **_claimed_by(user_id, now))


def _claimed_by(user_id: int, now: datetime) -> dict:
    """Claimed by whoever claimed it, else by this user now."""
    return {"claimed_by_id": db.func.coalesce(Screening.claimed_by_id, user_id),
            "claimed_at": db.func.coalesce(Screening.claimed_at, now)}
