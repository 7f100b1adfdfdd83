"""Control characters (a NUL above all, which PostgreSQL cannot store) never reach the
database: 404 in a path, 400 with a clear message in a query, a form or JSON, on both
databases, public and staff URLs alike (red team M1)."""

from __future__ import annotations

import pytest

from screener.db import db
from screener.models import Patient
from tests.pages import Journey, add_user, csrf_token, sign_in

PATHS_404 = ["/result/a%00b", "/api/v1/screenings/a%00b", "/staff/patients/a%00b",
             "/check/route%0d%0a"]
QUERIES_400 = ["/staff/patients?q=a%00b", "/staff/audit?username=a%00", "/staff/?level=%01"]


@pytest.fixture
def admin(db_app):
    add_user(db_app, "ann", "admin")
    journey = Journey(db_app.test_client())
    assert sign_in(journey, "ann").status_code == 302
    return journey


def test_a_control_character_in_a_path_is_a_404(db_app, admin):
    for path in PATHS_404:
        assert admin.client.get(path).status_code == 404, path
        assert db_app.test_client().get(path).status_code in (302, 404), path


def test_a_control_character_in_a_query_is_a_400_saying_why(admin):
    for path in QUERIES_400:
        response = admin.client.get(path)
        assert response.status_code == 400, path
        assert b"control character" in response.data


@pytest.mark.parametrize(("field", "value"), [("name", "A\x00B"), ("notes", "before\x00after"),
                                              ("pump_model", "x\x1by"),
                                              ("name", "C1 \x85 control"),
                                              ("notes", "a noncharacter \ufffe"),
                                              ("notes", "plane 16's last \U0010ffff")])
def test_a_control_character_in_a_form_is_a_400_and_nothing_is_saved(db_app, admin, field,
                                                                      value):
    _, tree = admin.get("/staff/patients/new")
    response = admin.client.post("/staff/patients/new", data={
        "reference": "NUL-1", "route": "oral", field: value, "csrf_token": csrf_token(tree)})
    assert response.status_code == 400 and b"control character" in response.data
    with db_app.app_context():
        assert db.session.query(Patient).count() == 0


def test_line_breaks_in_notes_are_kept(db_app, admin):
    _, tree = admin.get("/staff/patients/new")
    response = admin.client.post("/staff/patients/new", data={
        "reference": "NL-1", "route": "oral", "name": "Zoë O\u2019Brien-\u00c5se \U0001f600",
        "notes": "first line\r\nsecond\tline\u00a0\u2028\ufeff", "csrf_token": csrf_token(tree)})
    assert response.status_code == 302  # accents, emoji, spaces of every kind: all kept


@pytest.mark.parametrize("body", [
    {"route": "oral", "patient_ref": "P\u00001"},
    {"route": "oral\u0000"},
    {"route": "oral", "history": {"pump_make\u0000": "x"}},
])
def test_a_control_character_in_json_is_a_400(db_client, body):
    for path in ("/api/v1/assess", "/api/v1/screenings"):
        response = db_client.post(path, json=body)
        assert response.status_code == 400, (path, response.status_code)
        assert "control character" in response.json["errors"]["body"][0]
