"""Liveness for load balancers: the app answers and the database responds."""

from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy import text

from .db import db

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
