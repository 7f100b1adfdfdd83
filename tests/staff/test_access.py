"""Who may open which staff page."""

from __future__ import annotations

import pytest
from werkzeug.routing import BuildError

from screener.db import db
from screener.models import Patient
from tests.pages import Journey, csrf_token, text_of
from tests.staff.factories import audit_rows, patient_path

# --- Access -----------------------------------------------------------------------------

def staff_urls(app) -> list[tuple[str, str]]:
    """Every staff URL and method, with made-up values for its parts."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/staff/") or rule.endpoint.startswith("accounts."):
                continue
            values = {name: 1 if name.endswith("_id") and name != "public_id" else "x"
                      for name in rule.arguments}
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                try:
                    urls.append((method, app.url_for(rule.endpoint, **values)))
                except BuildError:
                    raise AssertionError(rule) from None
    return urls


def test_every_staff_page_and_export_needs_sign_in(app, client):
    urls = staff_urls(app)
    assert len(urls) >= 15 and ("GET", "/staff/exports/screenings.csv") in urls
    # A valid CSRF token, so that it is the sign-in check (not CSRF) that refuses the POSTs.
    _, tree = Journey(client).get("/staff/sign-in")
    token = csrf_token(tree)
    for method, url in urls:
        response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 302, (method, url)
        assert response.location.startswith("/staff/sign-in?next="), (method, url)


def test_caregiver_pages_need_no_sign_in(client):
    for path in ("/", "/how-it-works", "/healthz", "/api/v1/catalog"):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("url", ["/staff/audit", "/staff/audit.csv", "/staff/exports",
                                 "/staff/exports/screenings.csv"])
def test_a_triage_user_cannot_reach_admin_pages_or_exports(app, staff, url):
    journey = staff("triage")
    response = journey.client.get(url)
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.data
    assert b"2026" not in response.data or b"audit" not in response.data
    assert [e.action for e in audit_rows(app)][-1] == "access_denied"


def test_a_clinic_user_can_export_but_not_read_the_audit(staff):
    journey = staff("clinic")
    assert journey.client.get("/staff/exports/screenings.csv").status_code == 200
    assert journey.client.get("/staff/audit").status_code == 403


def test_a_triage_user_cannot_record_a_refill(app, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-9", route="intrathecal"))
        db.session.commit()
    journey = staff("triage")
    assert journey.client.get(patient_path(app, "P-9") + "/refill").status_code == 403
    _, tree = journey.get(patient_path(app, "P-9"))
    assert "Record a refill" not in text_of(tree.find(".//main"))


def test_every_staff_view_names_the_capability_it_needs(app):
    """Permissions are denied by default: a staff route that names none fails here."""
    from screener.models import CAPABILITIES

    staff_views = {rule.endpoint: app.view_functions[rule.endpoint]
                   for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staff.")}
    assert staff_views
    unnamed = [name for name, view in staff_views.items()
               if getattr(view, "capability", None) not in CAPABILITIES]
    assert unnamed == []


def test_a_staff_view_that_names_no_capability_is_refused_to_everyone(app, staff):
    app.view_functions["staff.queue"].__dict__.pop("capability")  # as if it had none
    try:
        response = staff("admin").client.get("/staff/")
        assert response.status_code == 403
    finally:
        app.view_functions["staff.queue"].capability = "work_queue"
