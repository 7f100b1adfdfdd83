"""For load balancers: liveness (the app answers and the database responds) and readiness
(the database can also be written: a full disk still answers SELECT 1). Readiness also
says where the rate limits are counted; a rate-limit store that fails does not make the
app unready (counts fall back to memory), because it does not stop a check."""

from __future__ import annotations

import os
import shutil

from flask import Blueprint, current_app
from sqlalchemy import text

from ..alerts.watch import alert_trouble
from ..db import db
from ..models import Readiness, utc_now
from . import security

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers a trivial query, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    ruleset = current_app.extensions["ruleset"]
    return {"status": "ok", "database": database, "ruleset_version": ruleset.version,
            "ruleset_hash": ruleset.short_hash}


@bp.get("/healthz/alerts")
def alerts():
    """200 while the alerts go out; 503 when some are late (no worker running) or failed
    (every attempt used, the check still open): for the service's monitoring to page
    someone. Counts only."""
    trouble = alert_trouble()
    if trouble:
        current_app.logger.error("alerts: %s late, %s failed", trouble.late, trouble.failed)
    return trouble.as_json(), 503 if trouble else 200


@bp.get("/readyz")
def readyz():
    """200 when a row can be written and committed, 503 otherwise (route traffic away)."""
    try:
        stamp = db.session.get(Readiness, 1)
        if stamp is None:
            db.session.add(Readiness(id=1))
        else:
            stamp.checked_at = utc_now()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        current_app.logger.error("readiness check: database cannot be written (%s)",
                                 type(error).__name__)
        return {"status": "error", "database": "cannot be written"}, 503
    if not _room_on_disk():
        current_app.logger.error("readiness check: the disk under the database is nearly full")
        return {"status": "error", "database": "disk nearly full"}, 503
    return {"status": "ok", "database": "writable", "rate_limits": security.rate_limit_store()}


def _room_on_disk() -> bool:
    """An embedded SQLite file needs new pages for each screening, which rewriting the
    readiness row does not (red team 2, L6): ask its disk for READINESS_FREE_BYTES. A server
    database watches its own disk."""
    database = db.engine.url.database if db.engine.dialect.name == "sqlite" else None
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return True
    folder = os.path.dirname(os.path.abspath(database))
    return shutil.disk_usage(folder).free >= current_app.config["READINESS_FREE_BYTES"]
