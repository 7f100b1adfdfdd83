"""Patient records."""

from __future__ import annotations

from screener.db import db
from screener.models import Patient
from tests.pages import check_page
from tests.staff.factories import audit_rows, patient_path, post_form

# --- Patients ----------------------------------------------------------------------------

def test_a_patient_form_with_errors_keeps_every_answer(app, staff):
    journey = staff()
    data = {"reference": "P 1!", "name": "Sam Example", "route": "intrathecal",
            "reservoir_ml": "400", "concentration_mcg_per_ml": "lots",
            "next_refill_date": "2026-13-01", "clinic_phone": "call me", "notes": "kept"}
    response = post_form(journey, "/staff/patients/new", "/staff/patients/new", data)
    assert response.status_code == 400
    tree = check_page(response, error=True)
    summary = [a.get("href") for a in tree.findall(".//ul[@class='error-summary-list']//a")]
    assert summary == ["#reference", "#reservoir_ml", "#concentration_mcg_per_ml",
                       "#next_refill_date", "#clinic_phone"]
    values = {i.get("name"): i.get("value") for i in tree.findall(".//input")}
    for name in ("reference", "name", "reservoir_ml", "concentration_mcg_per_ml",
                 "next_refill_date", "clinic_phone"):
        assert values[name] == data[name], name
    assert tree.find(".//textarea").text == "kept"
    with app.app_context():
        assert db.session.execute(db.select(Patient)).first() is None


def test_a_duplicate_reference_is_refused(app, staff):
    journey = staff()
    post_form(journey, "/staff/patients/new", "/staff/patients/new",
              {"reference": "P-1", "route": "oral"})
    response = post_form(journey, "/staff/patients/new", "/staff/patients/new",
                         {"reference": "P-1", "route": "oral"})
    assert response.status_code == 400
    assert b"A patient with this reference already exists" in response.data


def test_changes_to_a_patient_are_audited_by_field_name_never_value(app, staff):
    journey = staff()
    post_form(journey, "/staff/patients/new", "/staff/patients/new",
              {"reference": "P-1", "route": "oral"})
    edit = f"{patient_path(app)}/edit"
    response = post_form(journey, edit, edit,
                         {"reference": "P-1", "route": "intrathecal", "name": "Sam Example",
                          "pump_model": "SynchroMed II", "notes": "Lives alone"})
    assert response.status_code == 302
    change = next(e for e in audit_rows(app) if e.action == "change")
    assert change.details == {"fields": ["name", "route", "pump_model", "notes"]}
    text = " ".join(str(e.details) for e in audit_rows(app))
    for secret in ("Sam Example", "SynchroMed", "Lives alone", "intrathecal"):
        assert secret not in text


def test_the_patient_search_finds_by_reference_or_name(app, staff):
    with app.app_context():
        db.session.add_all([Patient(reference="ABC-1", name="Sam Example"),
                            Patient(reference="XYZ-2")])
        db.session.commit()
    journey = staff()
    _, tree = journey.get("/staff/patients")
    assert [a.text for a in tree.findall(".//tbody//a")] == ["ABC-1", "XYZ-2"]
    for query, expected in (("ABC", ["ABC-1"]), ("sam", ["ABC-1"]), ("%", [])):
        response = post_form(journey, "/staff/patients", "/staff/patients", {"q": query})
        tree = check_page(response)
        assert [a.text for a in tree.findall(".//tbody//a")] == expected, query
    response = post_form(journey, "/staff/patients", "/staff/patients", {"q": " "})
    assert response.status_code == 400
    assert b"Enter a reference or a name to search for" in response.data


def test_references_and_names_stay_out_of_urls(app, staff):
    """Red team L9: a proxy or access log records URLs, so no staff URL, link, form action
    or redirect carries a patient's reference or a typed name (the search is a POST)."""
    journey = staff()
    created = post_form(journey, "/staff/patients/new", "/staff/patients/new",
                        {"reference": "REF-L9", "name": "Hannah Urlname", "route": "intrathecal"})
    assert created.status_code == 302 and "REF-L9" not in created.location
    record = created.location
    response = post_form(journey, "/staff/patients", "/staff/patients", {"q": "Urlname"})
    addresses = [created.location]
    for page in ("/staff/patients", record, f"{record}/edit", f"{record}/refill", "/staff/refills"):
        addresses.append(page)
        tree = check_page(journey.client.get(page))
        addresses += [a.get("href") for a in tree.iter("a")]
        addresses += [form.get("action") for form in tree.iter("form")]
    tree = check_page(response)
    addresses += [a.get("href") for a in tree.iter("a")] + [f.get("action") for f in tree.iter("form")]
    assert [a.text for a in tree.findall(".//tbody//a")] == ["REF-L9"]
    for address in filter(None, addresses):
        assert "REF-L9" not in address and "Urlname" not in address, address
    assert journey.client.get("/staff/patients/REF-L9").status_code == 404


def test_a_reference_that_would_break_its_own_url_is_refused(app, staff):
    """Red team L2: "A/B" made a record whose page nobody could open."""
    journey = staff()
    for reference in ("A/B", "DOTS/..", "P 1"):
        response = post_form(journey, "/staff/patients/new", "/staff/patients/new",
                             {"reference": reference, "route": "oral"})
        assert response.status_code == 400, reference
    with app.app_context():
        assert db.session.query(Patient).count() == 0


def test_a_follow_up_call_fills_the_age_from_the_date_of_birth():
    """The age page (issue 20) needs no asking when the record has a date of birth: whole
    months under 2, whole years from 2."""
    from datetime import date

    from screener.models import Patient
    from screener.staff.patients import call_prefill

    today = date(2026, 12, 2)
    for born, shown in [(date(2026, 10, 3), {"age_months": "1"}),
                        (date(2024, 12, 3), {"age_months": "23"}),
                        (date(2024, 12, 2), {"age_years": "2"}),
                        (date(1980, 12, 3), {"age_years": "45"})]:
        assert call_prefill(Patient(reference="P", route="oral", date_of_birth=born),
                            today)["age"] == shown
    assert "age" not in call_prefill(Patient(reference="P", route="oral"), today)


def test_a_patient_with_only_the_required_fields_is_saved(staff):
    """Every optional number and date left blank, as a browser sends them: blank means not
    given (a refusal of unreadable numbers once refused blanks too)."""
    journey = staff("clinic")
    _, tree = journey.get("/staff/patients/new")
    blanks = {i.get("name"): "" for i in tree.findall(".//input")
              if i.get("name") not in (None, "csrf_token")}
    response, _ = journey.submit("/staff/patients/new", {
        **blanks, "reference": "BLANK-1", "route": "intrathecal"})
    assert response.status_code == 302 and response.location.startswith("/staff/patients/")
