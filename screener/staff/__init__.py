"""The staff workspace under /staff/: every page needs a signed-in member of staff.

Roles: `triage` works the queue, patients and follow-up calls; `clinic` also records refills
and exports screenings; `admin` also reads and exports the audit trail.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint
from flask_login import current_user

from ..accounts import enforce_idle_timeout, login_manager
from ..models import as_utc
from .dates import uk_date

bp = Blueprint("staff", __name__, url_prefix="/staff")

CAN_RECORD_REFILLS = ("clinic", "admin")
CAN_EXPORT = ("clinic", "admin")
CAN_AUDIT = ("admin",)


@bp.before_request
def require_staff():
    """No staff page, export or action without a signed-in user; idle sessions end."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return enforce_idle_timeout()


@bp.app_template_filter("age")
def age(moment: datetime, now: datetime) -> str:
    """How long ago, in words a busy clinician reads at a glance."""
    minutes = int((now - as_utc(moment)).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes // 1440} days"


bp.add_app_template_filter(uk_date, "uk_date")


@bp.app_template_filter("in_utc")
def in_utc(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(UTC)


@bp.app_context_processor
def staff_roles():
    return {"CAN_RECORD_REFILLS": CAN_RECORD_REFILLS, "CAN_EXPORT": CAN_EXPORT,
            "CAN_AUDIT": CAN_AUDIT}


from . import audit_trail, exports, patients, queue, refills  # noqa: E402, F401 - register views
