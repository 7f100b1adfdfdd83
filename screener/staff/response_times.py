"""Response times (issue 24, item 6): for the checks that arrived in a date range, per level,
the minutes from arrival to a claim and to the first action recorded (a call, advice, a
referral), against the service's target: the rota's wait before an unclaimed check goes to
the next step (screener/alerts/rota.py). A page, and a CSV with one row per check.

Checks made by staff on a follow-up call are left out: they are closed as they are made.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template, request

from .. import audit
from ..alerts.rota import LEVELS
from ..db import db
from ..models import Screening, ScreeningAction, as_utc, utc_iso
from . import bp, needs
from .csv_export import csv_response
from .dates import in_date_range
from .forms import DateRangeForm

COLUMNS = ["id", "level", "created_at_utc", "target_minutes", "minutes_to_claim",
           "minutes_to_first_action", "claimed_within_target"]


@dataclass(frozen=True)
class Row:
    screening: Screening
    target: int
    to_claim: float | None
    to_action: float | None

    @property
    def within_target(self) -> bool:
        return self.to_claim is not None and self.to_claim <= self.target


@dataclass(frozen=True)
class Level:
    level: str
    target: int
    checks: int
    claimed: int
    within_target: int
    to_claim: str
    to_action: str


@bp.get("/response-times")
@needs("export_csv")
def response_times():
    form = DateRangeForm(request.args)
    if not form.validate():
        return render_template("staff/response_times.html", form=form, levels=[]), 400
    rows = _rows(form)
    audit.record("view", "page", "response-times", date_from=str(form.date_from.data or ""),
                 date_to=str(form.date_to.data or ""))
    db.session.commit()
    return render_template("staff/response_times.html", form=form, levels=_by_level(rows))


@bp.get("/response-times.csv")
@needs("export_csv")
def response_times_csv():
    form = DateRangeForm(request.args)
    if not form.validate():
        return render_template("staff/response_times.html", form=form, levels=[]), 400
    rows = _rows(form)
    audit.record("export", "export", "response-times.csv",
                 date_from=str(form.date_from.data or ""), date_to=str(form.date_to.data or ""))
    db.session.commit()
    return csv_response("response-times.csv", COLUMNS, (
        [r.screening.public_id, r.screening.level, utc_iso(r.screening.created_at), r.target,
         _minutes(r.to_claim), _minutes(r.to_action), "yes" if r.within_target else "no"]
        for r in rows))


def _rows(form: DateRangeForm) -> list[Row]:
    rota = current_app.extensions["service"].rota
    first_action = (db.select(ScreeningAction.screening_id,
                              db.func.min(ScreeningAction.at).label("at"))
                    .group_by(ScreeningAction.screening_id).subquery())
    query = in_date_range(
        db.select(Screening, first_action.c.at)
        .outerjoin(first_action, first_action.c.screening_id == Screening.id)
        .where(Screening.patient_id.is_(None)), Screening.created_at, form
    ).order_by(Screening.created_at, Screening.id)
    return [Row(s, rota.interval(s.level), _between(s.created_at, s.claimed_at),
                _between(s.created_at, acted)) for s, acted in db.session.execute(query)]


def _by_level(rows: list[Row]) -> list[Level]:
    levels = []
    for level in LEVELS:
        ours = [r for r in rows if r.screening.level == level]
        claims = [r.to_claim for r in ours if r.to_claim is not None]
        actions = [r.to_action for r in ours if r.to_action is not None]
        levels.append(Level(level, current_app.extensions["service"].rota.interval(level),
                            len(ours), len(claims), sum(r.within_target for r in ours),
                            _spread(claims), _spread(actions)))
    return levels


def _between(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (as_utc(end) - as_utc(start)).total_seconds() / 60


def _minutes(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _spread(minutes: list[float]) -> str:
    """"median 7.2, 90th 12.3" minutes ("" for none; the one value for one)."""
    if not minutes:
        return ""
    if len(minutes) == 1:
        return f"{minutes[0]:.1f}"
    ninetieth = statistics.quantiles(minutes, n=10, method="inclusive")[-1]
    return f"median {statistics.median(minutes):.1f}, 90th {ninetieth:.1f}"
