"""No health data in any log, on the error paths too (red team H2, L5): a failed statement
and a database outage are logged without the values they carried, and the person is told
what a failed check tells them."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from screener import create_app
from screener.db import db

MARKER = "MARKER-Hannah-Privatename-07700900982"


def test_a_failed_statement_is_logged_without_its_values(db_app, caplog):
    """A statement the database refuses, carrying a name, a note and a reference."""
    db_app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: log it, answer 500

    @db_app.get("/test-only/failing-insert")
    def failing_insert():
        db.session.execute(text("INSERT INTO patients (reference, name, notes, route) "
                                "VALUES (:reference, :name, :notes, NULL)"),
                           {"reference": MARKER, "name": MARKER, "notes": MARKER})
        return "not reached"

    caplog.set_level(logging.DEBUG)
    response = db_app.test_client().get("/test-only/failing-insert")
    assert response.status_code == 500
    assert b"We could not complete the check" in response.data
    assert "database error: IntegrityError" in caplog.text  # the failure is logged...
    assert MARKER not in caplog.text  # ...without the values it carried


@pytest.mark.parametrize("uri", [
    "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=1",
    "sqlite:////nonexistent-directory/screener.sqlite",
])
def test_a_database_outage_answers_503_with_the_advice_and_logs_no_values(uri, caplog):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri,
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
                      "PROPAGATE_EXCEPTIONS": False})
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    page = client.post("/start")
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert b"We could not complete the check" in page.data
    assert b"call the emergency number now" in page.data
    api = client.post("/api/v1/screenings", json={"route": "oral", "patient_ref": "MARK-1",
                                                  "symptoms": ["pruritus"]})
    assert api.status_code == 503
    assert "call the emergency number now" in api.json["errors"]["body"][0]
    assert client.post("/api/v1/assess", json={"route": "oral"}).status_code == 200
    assert "MARK-1" not in caplog.text and "pruritus" not in caplog.text
    assert "database unavailable: OperationalError" in caplog.text
