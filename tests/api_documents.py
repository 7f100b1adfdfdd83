"""A valid API request, and a check of a document against the app's own OpenAPI schemas."""

from __future__ import annotations

from jsonschema import Draft202012Validator

VALID = {"route": "intrathecal", "symptoms": ["pruritus"], "history": {"pump_alarm": True},
         "vitals": {"temperature_c": 37.2}, "respondent": "caregiver", "patient_ref": "AB-123"}


def conforms(app, schema_name: str, document) -> None:
    """Assert `document` matches the named schema of the app's own OpenAPI document."""
    with app.test_client() as client:
        spec = client.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(document), key=str)
    assert not errors, [e.message for e in errors[:5]]
