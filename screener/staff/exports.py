"""Exports: screenings as CSV for a date range (clinic and admin only)."""

from __future__ import annotations

from flask import render_template, request

from .. import audit
from ..db import db
from ..models import Screening, utc_iso
from . import bp, needs
from .csv_export import csv_response
from .dates import in_date_range
from .forms import DateRangeForm

# "reference" is the screening's short one (reference_codes.py); "patient_ref" the patient's.
SCREENING_COLUMNS = ["id", "reference", "created_at_utc", "ruleset_version", "ruleset_hash",
                     "level", "score", "direction", "respondent", "patient_ref",
                     "patient_confirmed", "status", "claimed_by", "closed_by", "closed_at_utc",
                     "red_flags", "discriminators", "findings"]


@bp.get("/exports")
@needs("export_csv")
def exports():
    return render_template("staff/exports.html", form=DateRangeForm(formdata=None))


@bp.get("/exports/screenings.csv")
@needs("export_csv")
def export_screenings():
    form = DateRangeForm(request.args)
    if not form.validate():
        return render_template("staff/exports.html", form=form, error=True), 400
    query = in_date_range(db.select(Screening), Screening.created_at, form).order_by(
        Screening.created_at, Screening.id).execution_options(yield_per=500)
    audit.record("export", "export", "screenings.csv",
                 date_from=str(form.date_from.data or ""), date_to=str(form.date_to.data or ""))
    db.session.commit()

    def rows():
        for s in db.session.execute(query).scalars():
            yield [s.public_id, s.reference_code, utc_iso(s.created_at), s.ruleset_version,
                   s.ruleset_hash or "", s.level, s.score, s.direction, s.respondent,
                   *_reference(s), s.status,
                   s.claimed_by.username if s.claimed_by else "",
                   s.closed_by.username if s.closed_by else "", utc_iso(s.closed_at),
                   *(" ".join(item) for item in _ids(s.result))]

    return csv_response("screenings.csv", SCREENING_COLUMNS, rows())


def _reference(screening: Screening) -> tuple[str, str]:
    """The patient's reference and whether staff confirmed it: a linked patient's own, or
    the one typed in, which anyone could have typed (red team 2, M5)."""
    if screening.patient is not None:
        return screening.patient.reference, "yes"
    return screening.patient_ref or "", "no"


def _ids(result) -> tuple[list[str], list[str], list[str]]:
    """The red flags, every rule that fired and every answer that counted, by id."""
    return ([r.id for r in result.red_flags], [r.id for r in result.discriminators],
            [c.feature for c in result.contributions])
