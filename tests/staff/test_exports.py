"""Exports: CSV and FHIR."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from tests.pages import check_page, text_of
from tests.staff.factories import CAREGIVER_URGENT, SOON, age, audit_rows, submit

# --- Exports ------------------------------------------------------------------------------

def test_screenings_export_as_csv_for_a_date_range(app, client, staff):
    recent = submit(client, CAREGIVER_URGENT)
    old = submit(client, SOON)
    age(app, old, days=40)
    journey = staff("clinic")
    since = (date.today() - timedelta(days=7)).isoformat()
    response = journey.client.get(f"/staff/exports/screenings.csv?date_from={since}")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["id"] for r in rows] == [recent]
    assert rows[0]["level"] == "urgent" and "pump_alarm" in rows[0]["findings"]
    assert rows[0]["ruleset_hash"] == app.extensions["ruleset"].short_hash
    assert "critical_pump_alarm" in rows[0]["discriminators"].split()
    everything = journey.client.get("/staff/exports/screenings.csv")
    assert len(list(csv.DictReader(io.StringIO(everything.get_data(as_text=True))))) == 2
    export = [e for e in audit_rows(app) if e.action == "export"]
    assert export[0].details == {"date_from": since, "date_to": ""}


def test_a_bad_export_range_is_named(staff):
    response = staff("clinic").client.get("/staff/exports/screenings.csv?date_to=soon")
    assert response.status_code == 400
    assert "Not a valid date value." in text_of(check_page(response, error=True))


def test_export_cells_cannot_run_as_spreadsheet_formulas():
    from screener.staff.csv_export import cell
    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and cell("-1") == "'-1"
    assert cell("P-1") == "P-1" and cell(None) == "" and cell(7) == "7"


def test_one_screening_exports_as_fhir(app, client, staff):
    urgent = submit(client, CAREGIVER_URGENT)
    response = staff("triage").client.get(f"/staff/screenings/{urgent}/fhir.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/fhir+json"
    bundle = response.get_json(force=True)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == [
        "QuestionnaireResponse", "RiskAssessment"]
    assert [e.details for e in audit_rows(app) if e.action == "export"] == [
        {"format": "fhir-r4"}]


def test_the_csv_says_whether_a_reference_was_checked(app, client, staff):
    """Red team 2, M5: the CSV's one patient_ref column gave a typed, unchecked reference
    as the patient's. A linked screening gives the patient's own reference; each row says
    whether staff confirmed it."""
    from screener.db import db
    from screener.models import Patient, Screening

    typed = submit(client, {**CAREGIVER_URGENT, "patient_ref": "ZZ-1"})
    corrected = submit(client, {**CAREGIVER_URGENT, "patient_ref": "ZZ-1"})
    with app.app_context():
        patient = Patient(reference="YY-2", route="intrathecal")
        db.session.add(patient)
        db.session.flush()
        db.session.execute(db.update(Screening).filter_by(public_id=corrected).values(
            patient_id=patient.id))
        db.session.commit()
    response = staff("clinic").client.get("/staff/exports/screenings.csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    assert (rows[typed]["patient_ref"], rows[typed]["patient_confirmed"]) == ("ZZ-1", "no")
    assert (rows[corrected]["patient_ref"], rows[corrected]["patient_confirmed"]) == (
        "YY-2", "yes")
