"""The JSON API: answers, every error path, the catalogue and the OpenAPI document."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate as validate_openapi

from screener import create_app
from screener.clinical.wording import COULD_NOT_COMPLETE
from screener.db import db
from screener.models import Screening
from tests.api_documents import VALID, conforms


def saved_count(app) -> int:
    with app.app_context():
        return db.session.query(Screening).count()


def test_assess_scores_and_saves_nothing(app, client):
    response = client.post("/api/v1/assess", json=VALID)
    assert response.status_code == 200
    assert response.json["level"] == "urgent"
    assert response.json["ruleset_hash"] == app.extensions["ruleset"].short_hash
    assert response.headers["Cache-Control"] == "no-store"
    conforms(app, "Assessment", response.json)
    assert saved_count(app) == 0


def test_null_and_missing_mean_unknown_through_the_api(app, client):
    body = {"route": "intrathecal", "symptoms": ["excessive_drowsiness", "weakness"],
            "vitals": {"respiratory_rate": 10, "heart_rate": 48}}
    missing = client.post("/api/v1/assess", json=body).json
    null = client.post("/api/v1/assess", json={**body, "history": {
        "recent_refill_or_programming_change": None, "alarm_type": None}}).json
    assert missing["level"] == null["level"] == "emergency"
    assert null["answers"]["history"]["recent_refill_or_programming_change"] == "unknown"
    conforms(app, "Assessment", null)


# (case, body or raw bytes, content type, status, field, words in the message)
ERRORS = [
    ("route missing", {"symptoms": []}, None, 400, "route", "Say how baclofen is taken"),
    ("route unknown", {"route": "patch"}, None, 400, "route", "Unknown route 'patch'"),
    ("symptom unknown", {"route": "oral", "symptoms": ["itchy"]}, None, 400, "symptoms",
     "Unknown symptom id 'itchy'"),
    ("symptoms not a list", {"route": "oral", "symptoms": "fever"}, None, 400, "symptoms",
     "Must be a list of symptom ids"),
    ("history id unknown", {"route": "oral", "history": {"pump_exploded": True}}, None, 400,
     "history.pump_exploded", "Unknown history id 'pump_exploded'"),
    ("history answer not allowed", {"route": "oral", "history": {"abrupt_stop": "yes"}}, None,
     400, "history.abrupt_stop", 'Answer true, false or "unknown"'),
    ("history not an object", {"route": "oral", "history": ["abrupt_stop"]}, None, 400,
     "history", "Must be a object of history answers"),
    ("hours out of range", {"route": "oral", "history": {"hours_since_problem": 2161}}, None,
     400, "history.hours_since_problem", "between 0 and 2160 hours"),
    ("hours wrong type", {"route": "oral", "history": {"hours_since_problem": "a day"}}, None,
     400, "history.hours_since_problem", "Must be a number of hours"),
    ("age out of range", {"route": "oral", "history": {"age_years": -1}}, None, 400,
     "history.age_years", "between 0 and 120 years"),
    ("temperature too high", {"route": "oral", "vitals": {"temperature_c": 101.3}}, None, 400,
     "vitals.temperature_c", "between 25 and 45 °C"),
    ("temperature too low", {"route": "oral", "vitals": {"temperature_c": 24.9}}, None, 400,
     "vitals.temperature_c", "between 25 and 45 °C"),
    ("heart rate too high", {"route": "oral", "vitals": {"heart_rate": 251}}, None, 400,
     "vitals.heart_rate", "between 20 and 250"),
    ("heart rate too low", {"route": "oral", "vitals": {"heart_rate": 19}}, None, 400,
     "vitals.heart_rate", "between 20 and 250"),
    ("systolic too high", {"route": "oral", "vitals": {"systolic_bp": 301}}, None, 400,
     "vitals.systolic_bp", "between 50 and 300"),
    ("systolic too low", {"route": "oral", "vitals": {"systolic_bp": 49}}, None, 400,
     "vitals.systolic_bp", "between 50 and 300"),
    ("breathing rate too high", {"route": "oral", "vitals": {"respiratory_rate": 71}}, None,
     400, "vitals.respiratory_rate", "between 4 and 70"),
    ("breathing rate too low", {"route": "oral", "vitals": {"respiratory_rate": 3}}, None, 400,
     "vitals.respiratory_rate", "between 4 and 70"),
    ("spo2 too high", {"route": "oral", "vitals": {"spo2": 101}}, None, 400, "vitals.spo2",
     "between 50 and 100"),
    ("spo2 too low", {"route": "oral", "vitals": {"spo2": 49}}, None, 400, "vitals.spo2",
     "between 50 and 100"),
    ("vital as text", {"route": "oral", "vitals": {"heart_rate": "fast"}}, None, 400,
     "vitals.heart_rate", "must be a number"),
    ("vital as boolean", {"route": "oral", "vitals": {"spo2": True}}, None, 400,
     "vitals.spo2", "must be a number"),
    ("vital unknown", {"route": "oral", "vitals": {"glucose": 5}}, None, 400, "vitals.glucose",
     "Unknown vital sign 'glucose'"),
    ("respondent unknown", {"route": "oral", "respondent": "neighbour"}, None, 400,
     "respondent", "Unknown respondent 'neighbour'"),
    ("patient reference too long", {"route": "oral", "patient_ref": "x" * 65}, None, 400,
     "patient_ref", "1 to 64"),
    ("field unknown", {"route": "oral", "name": "Jo"}, None, 400, "name", "Unknown field 'name'"),
    ("body a list", ["oral"], None, 400, "body", "must be a JSON object"),
    ("body not JSON", b"route=oral", "application/x-www-form-urlencoded", 415, "body",
     "Content-Type: application/json"),
    ("body malformed JSON", b'{"route": "oral"', "application/json", 400, "body",
     "not valid JSON"),
    ("body with NaN", b'{"route": "oral", "vitals": {"heart_rate": NaN}}', "application/json",
     400, "body", "not valid JSON"),
    ("body with a lone surrogate", b'{"route": "oral", "patient_ref": "\\ud800"}',
     "application/json", 400, "body", "not valid JSON"),
    ("body too large", b'{"route": "oral", "x": "' + b"a" * 70_000 + b'"}', "application/json",
     413, "body", "too large"),
]


@pytest.mark.parametrize("endpoint", ["/api/v1/assess", "/api/v1/screenings"])
@pytest.mark.parametrize(("body", "content_type", "status", "field", "words"),
                         [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(
        app, client, endpoint, body, content_type, status, field, words):
    if content_type is None:
        response = client.post(endpoint, json=body)
    else:
        response = client.post(endpoint, data=body, content_type=content_type)
    assert response.status_code == status
    conforms(app, "Errors", response.json)
    assert words.lower() in " ".join(response.json["errors"][field]).lower()
    assert saved_count(app) == 0


def test_every_problem_is_reported_at_once(client):
    response = client.post("/api/v1/assess", json={
        "symptoms": ["itchy"], "vitals": {"spo2": 120}, "history": {"abrupt_stop": 1}})
    assert set(response.json["errors"]) == {"route", "symptoms", "vitals.spo2",
                                            "history.abrupt_stop"}


def test_scoring_failure_never_reassures(app, client, monkeypatch):
    """Hazard H4: a fault in scoring answers with 'call the emergency number'."""
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("screener.screenings.assess", broken)
    for endpoint in ("/api/v1/assess", "/api/v1/screenings"):
        response = client.post(endpoint, json=VALID)
        assert response.status_code == 500
        assert response.json == {"errors": {"assessment": [COULD_NOT_COMPLETE]}}
        assert "level" not in response.json
    assert saved_count(app) == 0


def test_unknown_screening_is_404_json(client):
    response = client.get("/api/v1/screenings/not-a-real-id")
    assert response.status_code == 404
    assert response.json == {"errors": {"id": ["No screening has this id, or its link has expired."]}}


def test_other_http_errors_answer_json_under_the_api(client):
    response = client.get("/api/v1/assess")
    assert response.status_code == 405
    assert "errors" in response.json


def test_catalog_serves_the_rule_set(app, client):
    catalog = client.get("/api/v1/catalog").json
    conforms(app, "Catalog", catalog)
    assert catalog["version"] == "2026.7"
    assert catalog["ruleset_hash"] == app.extensions["ruleset"].short_hash
    assert [d["level"] for d in catalog["discriminators"]][0] == "emergency"
    assert all(d["rationale"] and d["says"] for d in catalog["discriminators"])
    pruritus = next(f for f in catalog["features"] if f["id"] == "pruritus")
    assert pruritus["weight"] == {"intrathecal": 3, "oral": 1, "both": 3, "unknown": 3}
    assert pruritus["sources"] and pruritus["question"] and pruritus["term"]
    assert {r["id"] for r in catalog["red_flags"]} >= {"seizure", "slow_breathing"}
    assert all(rule["sources"] for rule in catalog["red_flags"] + catalog["combinations"])
    assert [level["id"] for level in catalog["levels"]] == ["emergency", "urgent", "soon",
                                                             "routine"]


def test_openapi_is_valid_and_covers_exactly_the_routes(app, client):
    spec = client.get("/api/v1/openapi.json").json
    validate_openapi(spec)
    assert spec["openapi"] == "3.1.0"
    served = {
        rule.rule.replace("<public_id>", "{public_id}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule == "/healthz"
    }
    assert served == set(spec["paths"])
    for path, operations in spec["paths"].items():
        flask_path = path.replace("{public_id}", "<public_id>")
        methods = next(r.methods for r in app.url_map.iter_rules() if r.rule == flask_path)
        assert {m.upper() for m in operations} == methods - {"HEAD", "OPTIONS"}


def test_openapi_request_schema_is_the_validation_schema(client):
    spec = client.get("/api/v1/openapi.json").json
    answers = spec["components"]["schemas"]["Answers"]
    assert answers["required"] == ["route"]
    assert "pruritus" in answers["properties"]["symptoms"]["items"]["enum"]
    assert answers["properties"]["vitals"]["properties"]["spo2"]["maximum"] == 100


def test_health_reports_an_unreachable_database(tmp_path):
    app = create_app({"TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}


def test_a_screening_read_without_sign_in_is_a_caregivers_own_recent_one(app, client):
    """Red team M6: without sign-in, only a caregiver's own result, for RESULT_LINK_HOURS,
    and without the patient reference; never one linked to a patient (a follow-up call's
    always is)."""
    from datetime import UTC, datetime, timedelta

    from screener.models import Patient, Screening

    made = client.post("/api/v1/screenings", json={"route": "oral", "patient_ref": "P-1",
                                                    "respondent": "caregiver"}).json["id"]
    read = client.get(f"/api/v1/screenings/{made}")
    assert read.status_code == 200 and "patient_ref" not in read.json["answers"]
    assert client.get(f"/result/{made}").status_code == 200
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="oral"))
        db.session.flush()
        linked = db.session.execute(db.select(Screening).filter_by(public_id=made)
                                    ).scalar_one()
        linked.patient_id = db.session.execute(db.select(Patient.id)).scalar_one()
        db.session.commit()
    assert client.get(f"/api/v1/screenings/{made}").status_code == 404  # linked by staff
    assert client.get(f"/result/{made}").status_code == 302  # to sign-in
    old = client.post("/api/v1/screenings", json={"route": "oral"}).json["id"]
    with app.app_context():
        db.session.execute(db.update(Screening).filter_by(public_id=old).values(
            created_at=datetime.now(UTC) - timedelta(hours=app.config["RESULT_LINK_HOURS"],
                                                     minutes=1)))
        db.session.commit()
    assert client.get(f"/api/v1/screenings/{old}").status_code == 404
    assert client.get(f"/result/{old}").status_code == 404


@pytest.mark.parametrize("body", [
    b'{"route": "oral", "route": "intrathecal"}',
    b'{"route": "oral", "history": {"pump_alarm": true, "pump_alarm": false}}',
])
def test_a_key_given_twice_is_refused(app, client, body):
    """Red team L4: the last of two keys won, where a proxy might keep the first."""
    for path in ("/api/v1/assess", "/api/v1/screenings"):
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 400
        assert "more than once" in response.json["errors"]["body"][0]
    assert saved_count(app) == 0


@pytest.mark.parametrize("depth", [17, 300, 400, 700, 1023, 1100])
@pytest.mark.parametrize("shape", ["list", "object"])
def test_json_nested_deeper_than_any_answer_is_refused(app, client, depth, shape):
    """Red team 2, L11: bodies 400 to 1,023 levels deep passed orjson, then overflowed
    Python's stack in the duplicate-key and control-character passes (500)."""
    body = ("[" * depth + "]" * depth if shape == "list"
            else '{"a":' * depth + "1" + "}" * depth)
    for path in ("/api/v1/assess", "/api/v1/screenings"):
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 400, (path, depth)
        assert response.json["errors"]["body"][0].startswith("The request body")
    assert saved_count(app) == 0


def test_json_as_deep_as_the_limit_is_still_read(client):
    """Sixteen levels are read (and then refused for what they say, not for their depth)."""
    body = '{"route": "oral", "history": ' + '{"a":' * 14 + "1" + "}" * 14 + "}"
    response = client.post("/api/v1/assess", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "deep" not in str(response.json)
