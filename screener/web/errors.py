"""HTTP errors: JSON under /api/ (the same shape as validation errors), a plain page elsewhere."""

from __future__ import annotations

import json

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from ..clinical.wording import COULD_NOT_COMPLETE
from ..db import db
from . import control_characters
from .language import gettext as _

TITLES = {
    400: _l("Something in the request was wrong"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("That action is not allowed here"),
    413: _l("What was sent is too large"),
    429: _l("Too many requests from this connection"),
}


def http_error(error: HTTPException):
    if request.path.startswith("/api/"):
        return _json_error(error)
    if isinstance(error, CSRFError):
        title = _("This page had expired")
        message = _("Nothing was saved. Go back, reload the page and try again.")
    elif error.code == 429:
        title = TITLES[429]
        message = _("Wait a minute, then try again. If someone is in danger now, do not "
                    "wait: call the emergency number.")
    elif error.description == control_characters.MESSAGE:
        title, message = TITLES[400], error.description
    else:
        title = TITLES.get(error.code or 500, _("Something went wrong"))
        message = ""
    page = render_template("error.html", title=title, message=message, code=error.code)
    # Keep the error's own headers (Allow on a 405, for instance), not its content type.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return page, error.code or 500, headers


def _json_error(error: HTTPException):
    response = error.get_response()
    message = error.description
    if error.code == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024
        message = f"The request body is too large: the limit is {limit} KB."
    response.data = json.dumps({"errors": {"body": [message]}})
    response.content_type = "application/json"
    return response


def database_error(error: DBAPIError):
    """A statement the database refused, or a database that cannot answer (down,
    restarting, full): the person gets the advice a failed check gives (503 when it is
    worth trying again), and the log gets the kind of error and its SQLSTATE, never its
    message, which can quote the values (PostgreSQL's "Failing row contains ...")."""
    db.session.rollback()
    unavailable = isinstance(error, OperationalError)
    code = getattr(getattr(error.orig, "diag", None), "sqlstate", None) or "-"
    current_app.logger.error("database %s: %s (SQLSTATE %s) on %s %s",
                             "unavailable" if unavailable else "error",
                             type(error).__name__, code, request.method, request.url_rule)
    status, headers = (503, {"Retry-After": "30"}) if unavailable else (500, {})
    if request.path.startswith("/api/"):
        return {"errors": {"body": [_(COULD_NOT_COMPLETE)]}}, status, headers
    page = render_template("could_not_complete.html", message=_(COULD_NOT_COMPLETE))
    return page, status, headers
