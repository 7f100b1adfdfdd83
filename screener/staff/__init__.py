"""The staff workspace under /staff/: every page needs a signed-in member of staff, and
every view names the capability it needs; a view that names none is refused to everyone
(permissions are denied by default).

Roles and their capabilities are in `screener.models.ROLE_CAPABILITIES`: `triage` works the
queue, patients, follow-up calls and the refill list; `clinic` also records refills and
exports screenings; `admin` also reads and exports the audit trail.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

from .. import audit
from ..db import db
from ..models import CAPABILITIES
from .accounts import back_to_sign_in, login_manager
from .kept_note import keep_typed_action

bp = Blueprint("staff", __name__, url_prefix="/staff")


def needs(capability: str):
    """Name the capability a staff view needs (checked for every request in the blueprint)."""
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")

    def mark(view):
        view.capability = capability
        return view
    return mark


@bp.before_request
def require_staff():
    """No staff page, export or action without a signed-in user holding the capability the
    view names (idle and old sessions have ended already: accounts.end_stale_sessions)."""
    if not current_user.is_authenticated:  # idle and old sessions ended before this
        kept = keep_typed_action()  # sent from a page left open as the session timed out
        if kept:
            db.session.commit()
            return back_to_sign_in(kept)
        return login_manager.unauthorized()
    view = current_app.view_functions.get(request.endpoint)
    capability = getattr(view, "capability", None)
    if capability is None or not current_user.can(capability):
        audit.record("access_denied", "page", request.path, needs=capability)
        db.session.commit()
        abort(403)
    return None


from . import (  # noqa: E402, F401 - register views
    audit_trail,
    exports,
    handover,
    patients,
    pump,
    queue,
    refill_form,
    refills,
    response_times,
)
