"""The audit trail for admins: filter it, read it, export it. Reading it is audited too."""

from __future__ import annotations

from flask import render_template, request

from .. import audit
from ..db import db
from ..models import AuditEvent, utc_iso
from . import bp, needs
from .csv_export import csv_response
from .dates import in_date_range
from .forms import AuditFilterForm
from .keyset import paginate

PER_PAGE = 50
# Newest first, in the order of the indexes on (at, id), (username, at, id) and
# (action, at, id): a date range or a user or action filter is read in index order too.
AUDIT_ORDER = (AuditEvent.at, AuditEvent.id)
AUDIT_COLUMNS = ["id", "at_utc", "username", "action", "record_type", "record_id", "details"]


def _filtered(form: AuditFilterForm):
    query = db.select(AuditEvent)
    if form.username.data:
        query = query.where(AuditEvent.username == form.username.data.strip())
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data.strip())
    if form.record_type.data:
        query = query.where(AuditEvent.record_type == form.record_type.data)
    return in_date_range(query, AuditEvent.at, form)


@bp.get("/audit")
@needs("read_audit")
def audit_trail():
    form = AuditFilterForm(request.args)
    used = form if form.validate() else AuditFilterForm(formdata=None)
    page = paginate(_filtered(used), AUDIT_ORDER, per_page=PER_PAGE, args=request.args,
                    descending=True)
    audit.record("view_audit", "page", "audit", **page.position())
    db.session.commit()
    return render_template("staff/audit.html", form=form, page=page, error=bool(form.errors),
                           query_string=request.query_string.decode())


@bp.get("/audit.csv")
@needs("read_audit")
def audit_csv():
    form = AuditFilterForm(request.args)
    if not form.validate():  # the page with its messages, as a 400 like the other exports
        return audit_trail(), 400
    audit.record("export", "export", "audit.csv")
    db.session.commit()
    query = (_filtered(form).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
             .execution_options(yield_per=1000))

    def rows():
        for event in db.session.execute(query).scalars():
            details = "; ".join(f"{k}={v}" for k, v in (event.details or {}).items())
            yield [event.id, utc_iso(event.at), event.username, event.action, event.record_type,
                   event.record_id, details]

    return csv_response("audit.csv", AUDIT_COLUMNS, rows())
