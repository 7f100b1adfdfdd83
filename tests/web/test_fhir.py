"""The FHIR export: valid resources (checked with fhir.resources' R4B models), stable output."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.riskassessment import RiskAssessment

from screener.api.fhir import LEVEL_SYSTEM, PATIENT_REF_SYSTEM, UCUM, screening_bundle
from screener.clinical.rules import default_ruleset
from screener.db import db
from screener.journey.answer_words import words_shown
from screener.models import Patient
from screener.screenings import add_screening, run_assessment

EMERGENCY = {
    "route": "intrathecal", "symptoms": ["seizure", "rebound_spasticity", "fever"],
    "history": {"refill_overdue": True, "pump_alarm": "unknown", "hours_since_problem": 40},
    "vitals": {"temperature_c": 39.1, "heart_rate": 120, "systolic_bp": 96,
               "respiratory_rate": 22, "spo2": 95},
    "respondent": "caregiver", "patient_ref": "AB-123",
}
URGENT = {"route": "intrathecal", "symptoms": ["pruritus", "rebound_spasticity"],
          "history": {"pump_alarm": True, "hours_since_problem": 8}, "respondent": "patient",
          "patient_ref": "CD-456"}
ROUTINE = {"route": "oral", "symptoms": [],
           "history": {"long_term_use": True, "missed_doses": False}, "respondent": "patient"}


def _save(raw):
    ruleset = default_ruleset()
    assessment = run_assessment(raw, ruleset)
    screening = add_screening(assessment, words_shown(assessment, ruleset))
    db.session.commit()
    return screening


def _export(app, raw):
    """Save a screening, export it, and validate the bundle and both resources."""
    with app.app_context():
        screening = _save(raw)
        bundle = screening_bundle(screening, default_ruleset())
        level = screening.level
    Bundle.model_validate(bundle)
    response, assessment = (entry["resource"] for entry in bundle["entry"])
    QuestionnaireResponse.model_validate(response)
    RiskAssessment.model_validate(assessment)
    return bundle, response, assessment, level


def _assert_no_empty_values(value):
    """FHIR JSON forbids empty arrays, objects and strings, and nulls (not checked by the models)."""
    assert value not in ([], {}, "", None)
    if isinstance(value, dict):
        for item in value.values():
            _assert_no_empty_values(item)
    elif isinstance(value, list):
        for item in value:
            _assert_no_empty_values(item)


def _items(response):
    return {item["linkId"]: item["answer"][0] for item in response["item"]}


@pytest.mark.parametrize("raw, expected", [
    (EMERGENCY, "emergency"), (URGENT, "urgent"), (ROUTINE, "routine"),
])
def test_level_is_coded_on_the_risk_assessment(app, raw, expected):
    bundle, response, assessment, level = _export(app, raw)
    assert level == expected
    assert bundle["type"] == "collection"
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == [
        "QuestionnaireResponse", "RiskAssessment"]
    (coding,) = assessment["prediction"][0]["qualitativeRisk"]["coding"]
    assert (coding["system"], coding["code"]) == (LEVEL_SYSTEM, expected)
    assert coding["display"] == default_ruleset().level(expected).title
    assert assessment["status"] == "final"
    assert assessment["basis"] == [{"reference": bundle["entry"][0]["fullUrl"]}]
    assert bundle["entry"][0]["fullUrl"].startswith("urn:uuid:")
    assert default_ruleset().version in assessment["method"]["text"]
    _assert_no_empty_values(bundle)


def test_emergency_carries_score_red_flags_advice_and_direction(app):
    with app.app_context():
        screening = _save(EMERGENCY)
        stored = screening.assessment
        score = screening.score
        bundle = screening_bundle(screening, default_ruleset())
    assessment = bundle["entry"][1]["resource"]
    assert assessment["extension"][0]["valueInteger"] == score
    notes = [note["text"] for note in assessment["note"]]
    for flag in stored["red_flags"]:
        assert f"Red flag: {flag['label']}" in notes
    assert assessment["mitigation"] == " ".join(stored["advice"]["staff"]["do_now"])
    assert "withdrawal" in assessment["prediction"][0]["outcome"]["text"]


def test_every_ticked_symptom_is_a_true_item_and_the_rest_false(app):
    _, response, _, _ = _export(app, EMERGENCY)
    items = _items(response)
    ruleset = default_ruleset()
    for symptom in ruleset.ids("symptom"):
        assert items[symptom] == {"valueBoolean": symptom in EMERGENCY["symptoms"]}
    texts = {item["linkId"]: item.get("text") for item in response["item"]}
    assert texts["seizure"] == ruleset.features["seizure"].question
    assert response["status"] == "completed"
    assert response["authored"].endswith("Z")


def test_route_history_and_respondent_answers(app):
    _, response, _, _ = _export(app, EMERGENCY)
    items = _items(response)
    assert items["route"]["valueCoding"]["code"] == "intrathecal"
    assert items["respondent"]["valueCoding"]["code"] == "caregiver"
    assert items["refill_overdue"] == {"valueBoolean": True}
    assert items["hours_since_problem"] == {"valueDecimal": 40}
    assert items["pump_alarm"]["valueCoding"]["code"] == "unknown"
    # Oral-only questions were not asked of a pump user.
    assert "missed_doses" not in items


def test_vitals_carry_ucum_units(app):
    _, response, _, _ = _export(app, EMERGENCY)
    items = _items(response)
    expected = {"temperature_c": "Cel", "heart_rate": "/min", "systolic_bp": "mm[Hg]",
                "respiratory_rate": "/min", "spo2": "%"}
    for vital_id, code in expected.items():
        quantity = items[vital_id]["valueQuantity"]
        assert (quantity["system"], quantity["code"]) == (UCUM, code)
        assert quantity["value"] == EMERGENCY["vitals"][vital_id]


def test_a_linked_patients_reference_is_the_subject(app):
    with app.app_context():
        patient = Patient(reference="CD-456", route="intrathecal")
        db.session.add(patient)
        db.session.flush()
        screening = _save(URGENT)
        screening.patient_id = patient.id
        db.session.commit()
        bundle = screening_bundle(screening, default_ruleset())
    response, assessment = (entry["resource"] for entry in bundle["entry"])
    expected = {"identifier": {"system": PATIENT_REF_SYSTEM, "value": "CD-456"}}
    assert response["subject"] == expected
    assert assessment["subject"] == expected


def test_a_reference_no_one_has_checked_is_not_the_subject(app):
    """Red team 2, M5: anyone can type any reference; the export filed an anonymous,
    unchecked emergency against that patient. Until staff link it, the reference travels
    only as a note saying it is unchecked."""
    _, response, assessment, _ = _export(app, URGENT)
    assert "subject" not in response
    assert assessment["subject"] == {"display": "Unidentified patient"}
    notes = [note["text"] for note in assessment["note"]]
    assert "Patient reference given by the person who answered, not checked: CD-456" in notes


def test_screening_without_patient_ref_still_validates(app):
    _, response, assessment, _ = _export(app, ROUTINE)
    assert "subject" not in response
    assert assessment["subject"] == {"display": "Unidentified patient"}
    assert "note" not in assessment  # nothing fired


def test_export_is_json_and_stable(app):
    with app.app_context():
        screening = _save(EMERGENCY)
        public_id = screening.public_id
        first = screening_bundle(screening, default_ruleset())
        db.session.expire_all()  # re-read from the database, as a later export would
        again = screening_bundle(screening, default_ruleset())
        other = screening_bundle(_save(EMERGENCY), default_ruleset())
    text = json.dumps(first, sort_keys=True)
    assert json.loads(text) == first
    assert json.dumps(again, sort_keys=True) == text
    assert other["id"] != first["id"]
    assert public_id not in text  # the public id opens the screening in the API
    assert Bundle.model_validate_json(text).id == first["id"]


def test_a_choice_answer_is_coded_and_the_method_names_the_rule_set_hash(app):
    raw = {"route": "intrathecal", "history": {"pump_alarm": True, "alarm_type": "two_tone"},
           "respondent": "caregiver"}
    _, response, assessment, _ = _export(app, raw)
    items = _items(response)
    assert items["alarm_type"]["valueCoding"]["code"] == "two_tone"
    assert items["pump_make"]["valueCoding"]["code"] == "unknown"
    assert default_ruleset().short_hash in assessment["method"]["text"]
