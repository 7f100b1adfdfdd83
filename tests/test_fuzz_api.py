"""Fuzzing the API from its own OpenAPI document (schemathesis): every check passes, and no
request ever leaves a half-written screening behind."""

from __future__ import annotations

import json

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.pool import StaticPool

from screener import create_app
from screener.db import db
from screener.models import Screening


def _fuzz_app():
    """One app for the whole module (schemathesis loads the schema at import time)."""
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///:memory:",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": StaticPool}})
    with app.app_context():
        db.create_all()
    return app


APP = _fuzz_app()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_documented_promises(case):
    with APP.app_context():
        before = db.session.query(Screening).count()
    response = case.call_and_validate()
    with APP.app_context():
        after = db.session.query(Screening).count()
        db.session.remove()
    assert response.status_code < 500
    assert after - before == (1 if response.status_code == 201 else 0)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=20), children, max_size=5), max_leaves=20)
KEYS = st.sampled_from(["route", "symptoms", "history", "vitals", "respondent",
                        "patient_ref", "pump_alarm", "temperature_c", "seizure", "x"])
ANSWER_LIKE = st.dictionaries(KEYS, JSON, max_size=6)


@given(body=JSON | ANSWER_LIKE, path=st.sampled_from(["/api/v1/assess", "/api/v1/screenings"]))
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_arbitrary_json_never_causes_a_500_or_a_half_record(body, path):
    client = APP.test_client()
    with APP.app_context():
        before = db.session.query(Screening).count()
    response = client.post(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 201, 400), response.data
    with APP.app_context():
        rows = db.session.query(Screening).count()
        incomplete = db.session.query(Screening).filter(
            (Screening.assessment.is_(None)) | (Screening.level.is_(None))).count()
        db.session.remove()
    assert rows - before == (1 if response.status_code == 201 else 0)
    assert incomplete == 0
