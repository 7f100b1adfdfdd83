"""Staff find a screening by the short reference the caregiver was given (issue 23, item 2;
UX walk 2, finding 3: the 22-character reference could be looked up by nobody)."""

from __future__ import annotations

import csv
import io

import pytest

from screener.db import db
from screener.models import Screening
from screener.reference_codes import grouped
from tests.pages import Journey, add_user, check_page, sign_in, text_of
from tests.staff.factories import CAREGIVER_URGENT, EMERGENCY, audit_rows, submit


def _code(app, public_id: str) -> str:
    with app.app_context():
        return db.session.execute(db.select(Screening.reference_code).filter_by(
            public_id=public_id)).scalar_one()


def _unused_code(app) -> str:
    """A well-formed reference no screening has."""
    with app.app_context():
        taken = set(db.session.execute(db.select(Screening.reference_code)).scalars())
    return next(code for code in ("KD7P3XHM", "TWYX9AC4", "RM4N7EJF") if code not in taken)


def test_a_reference_read_out_any_way_opens_the_screening_and_is_audited(db_app):
    """On SQLite and PostgreSQL: lower case, spaces and hyphens as a person types them."""
    client = db_app.test_client()
    public_id = submit(client, CAREGIVER_URGENT)
    submit(client, EMERGENCY)
    code = _code(db_app, public_id)
    add_user(db_app, "triage", "triage")
    journey = Journey(client)
    assert sign_in(journey, "triage").status_code == 302
    for typed in (code, code.lower(), grouped(code), f" {code[:4]}-{code[4:]} ",
                  "-".join(code.lower())):
        response = client.get("/staff/find", query_string={"reference": typed})
        assert response.status_code == 302, typed
        assert response.location == f"/staff/screenings/{public_id}"
    _, tree = journey.get(response.location)
    assert grouped(code) in text_of(tree.find(".//dl[@id='status']"))
    finds = [e for e in audit_rows(db_app) if e.action == "find_screening"]
    assert len(finds) == 5 and {e.record_id for e in finds} == {public_id}
    assert all(e.username == "triage" and e.details == {"found": True} for e in finds)
    views = [e for e in audit_rows(db_app) if e.action == "view" and e.record_id == public_id]
    assert len(views) == 1


def test_a_reference_nobody_has_is_said_plainly_keeping_what_was_typed(app, client, staff):
    submit(client, CAREGIVER_URGENT)
    journey = staff("triage")
    typed = _unused_code(app).lower()
    response, tree = journey.get(f"/staff/find?reference={typed}", error=True)
    assert response.status_code == 200
    assert f"No screening has the reference {grouped(typed.upper())}" in text_of(
        tree.find(".//div[@class='error-summary']"))
    assert tree.find(".//input[@name='reference']").get("value") == typed
    find = [e for e in audit_rows(app) if e.action == "find_screening"]
    assert [(e.record_id, e.details) for e in find] == [(None, {"found": False})]


@pytest.mark.parametrize(("typed", "says"), [
    ("", "Enter the reference, like KD7P 3XHM"),
    ("   ", "Enter the reference, like KD7P 3XHM"),
    ("KD7P 3XH", "A reference has 8 letters and numbers, like KD7P 3XHM. You typed 7"),
    ("K" * 3000, "A reference has 8 letters and numbers, like KD7P 3XHM. You typed 3000"),
    ("ABCD 1234", "A reference never has \u201cB\u201d, \u201c1\u201d, \u201c2\u201d in it"),
    ("KD7P-3XH0", "A reference never has \u201c0\u201d in it"),
    ("KD7P/3XHM", "Enter only the letters and numbers of the reference"),
    ("<script>alert(1)</script>", "Enter only the letters and numbers of the reference"),
    ("\u00fcn\u00efc\u00f8d\u00e9\u2603", "Enter only the letters and numbers of the reference"),
])
def test_what_cannot_be_a_reference_gets_a_clear_message_not_a_500(app, staff, typed, says):
    journey = staff("triage")
    response = journey.client.get("/staff/find", query_string={"reference": typed})
    assert response.status_code == 400
    tree = check_page(response, error=True)
    assert says in text_of(tree.find(".//div[@class='error-summary']"))
    assert says in text_of(tree.find(".//p[@class='error-message']"))
    assert tree.find(".//input[@name='reference']").get("value") == typed
    assert not [e for e in audit_rows(app) if e.action == "find_screening"]


def test_the_queue_has_the_search_as_a_labelled_get_form(staff):
    journey = staff("triage")
    _, tree = journey.get("/staff/")
    form = next(f for f in tree.iter("form") if f.get("action") == "/staff/find")
    assert form.get("method") == "get" and form.get("role") == "search"
    field = form.find(".//input[@name='reference']")
    label = form.find(f".//label[@for='{field.get('id')}']")
    assert text_of(label) == "Find a screening by reference"
    assert form.find(".//button[@type='submit']") is not None
    _, page = journey.get("/staff/find")  # the page on its own, before a search
    assert text_of(page.find(".//h1")) == "Find a screening by reference"


def test_only_signed_in_staff_can_search(app, client):
    public_id = submit(client, CAREGIVER_URGENT)
    response = client.get("/staff/find", query_string={"reference": _code(app, public_id)})
    assert response.status_code == 302 and "/staff/sign-in" in response.location


def test_the_export_and_the_api_carry_the_reference(app, client, staff):
    public_id = submit(client, CAREGIVER_URGENT)
    code = _code(app, public_id)
    assert client.get(f"/api/v1/screenings/{public_id}").json["reference"] == code
    export = staff("clinic").client.get("/staff/exports/screenings.csv")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [(r["id"], r["reference"]) for r in rows] == [(public_id, code)]
