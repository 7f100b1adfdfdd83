"""The OpenAPI 3.1 document, generated from the same catalogue as the validation.

A test validates live responses against these schemas, so the document and the API
cannot drift apart.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..clinical.answers import request_schema
from ..clinical.rules import DIRECTIONS, LEVELS, RuleSet
from ..reference_codes import ALPHABET, LENGTH


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required if required is not None else list(properties),
        "properties": properties,
    }


_STR = {"type": "string"}
_STRS = {"type": "array", "items": _STR}
_NULLABLE_STR = {"type": ["string", "null"]}


def _schemas(ruleset: RuleSet) -> dict[str, Any]:
    answers = request_schema(ruleset)
    answers.pop("$schema")
    level = {"enum": list(LEVELS)}
    fired = _obj({"id": _STR, "label": _STR, "level": level, "sources": _STRS, "says": _STR})
    advice = _obj({"headline": _STR, "do_now": _STRS, "tell": _STRS, "watch_for": _STRS})
    normalised = _obj({
        "route": answers["properties"]["route"],
        "symptoms": {"type": "array", "items": answers["properties"]["symptoms"]["items"]},
        "history": answers["properties"]["history"] | {"required": [
            f.id for f in ruleset.features.values() if f.kind in ("history", "number", "choice")
        ]},
        "vitals": answers["properties"]["vitals"],
        "respondent": {"enum": [*answers["properties"]["respondent"]["enum"], None]},
        "patient_ref": _NULLABLE_STR,
    })
    assessment = _obj({
        "level": level,
        "score": {"type": "integer", "minimum": 0},
        "score_level": level,
        "contributions": {"type": "array", "items": _obj({
            "feature": _STR,
            "kind": {"enum": ["symptom", "history", "vital"]},
            "points": {"type": "integer", "minimum": 0},
            "label": _STR,
            "term": _STR,
            "direction": {"enum": list(DIRECTIONS)},
            "sources": _STRS,
            "value": {"type": ["number", "null"]},
            "implied_by": _NULLABLE_STR,
        })},
        "discriminators": {"type": "array",
                           "items": {"$ref": "#/components/schemas/FiredRule"}},
        "red_flags": {"type": "array", "items": {"$ref": "#/components/schemas/FiredRule"}},
        "combinations": {"type": "array", "items": {"$ref": "#/components/schemas/FiredRule"}},
        "direction": {"enum": ["withdrawal", "overdose", "unclear", None]},
        "vital_scores": {"type": "array", "items": _obj({
            "vital": {"enum": list(ruleset.vitals)},
            "label": _STR,
            "value": {"type": "number"},
            "unit": _STR,
            "points": {"type": "integer", "minimum": 0},
            "direction": {"enum": list(DIRECTIONS)},
        })},
        "news2_total": {"type": ["integer", "null"], "minimum": 0},
        "age_band": _STR,
        "advice": _obj({"caregiver": {"$ref": "#/components/schemas/Advice"},
                        "staff": {"$ref": "#/components/schemas/Advice"}}),
        "notes": {"type": "array", "items": _obj({
            "id": _STR, "audience": {"enum": ["caregiver", "staff", "both"]},
            "text": _STR, "sources": _STRS,
        })},
        "ruleset_version": {"const": ruleset.version},
        "ruleset_hash": {"const": ruleset.short_hash},
        "answers": {"$ref": "#/components/schemas/NormalisedAnswers"},
    })
    return {
        "Answers": answers,
        "NormalisedAnswers": normalised,
        "FiredRule": fired,
        "Advice": advice,
        "Assessment": assessment,
        "Screening": _obj({
            "id": {"type": "string", "minLength": 16},
            "reference": {"type": "string", "pattern": f"^[{ALPHABET}]{{{LENGTH}}}$"},
            "created_at": {"type": "string", "format": "date-time"},
            "ruleset_version": _STR,
            "ruleset_hash": _NULLABLE_STR,
            "answers": {"$ref": "#/components/schemas/NormalisedAnswers"},
            "assessment": {"$ref": "#/components/schemas/Assessment"},
            # Whether anyone has picked it up (issue 24): unanswered once every step of the
            # service's rota was told and nobody claimed it; then call, do not wait.
            "follow_up": _obj({
                "status": {"enum": ["not_read", "waiting", "picked_up", "unanswered"]},
                "unanswered_since": {"type": ["string", "null"], "format": "date-time"},
            }),
        }),
        "Errors": _obj({"errors": {
            "type": "object", "minProperties": 1,
            "additionalProperties": {"type": "array", "items": _STR, "minItems": 1},
        }}),
        "Health": {"type": "object", "required": ["status", "database"], "properties": {
            "status": {"enum": ["ok", "error"]},
            "database": {"enum": ["ok", "unreachable"]},
            "ruleset_version": _STR,
            "ruleset_hash": _STR,
        }},
        "Catalog": {"type": "object", "required": [
            "version", "levels", "routes", "groups", "features", "vitals", "red_flags",
            "combinations", "sources",
        ]},
    }


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _reply(description: str, schema: str, **extra: Any) -> dict[str, Any]:
    return {"description": description, **_json(schema), **extra}


_ERRORS = {
    "400": _reply("Invalid answers or malformed JSON; field-level messages.", "Errors"),
    "413": _reply("The body is too large.", "Errors"),
    "415": _reply("The body is not JSON.", "Errors"),
    "500": _reply("Scoring failed: the message tells the user to seek help.", "Errors"),
}


@cache
def build_openapi(ruleset: RuleSet) -> dict[str, Any]:
    """OpenAPI 3.1 description of `/api/v1` and `/healthz`."""
    body = {"required": True, **_json("Answers")}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Baclofen withdrawal screener API",
            "version": ruleset.version,
            "description": (
                "Scores answers about a person on baclofen and recommends how fast to get "
                "help. It supports and never replaces clinical judgement."
            ),
        },
        "paths": {
            "/api/v1/assess": {"post": {
                "summary": "Score answers without saving them",
                "operationId": "assess",
                "requestBody": body,
                "responses": {"200": _reply("The assessment.", "Assessment"), **_ERRORS},
            }},
            "/api/v1/screenings": {"post": {
                "summary": "Score and save a screening",
                "operationId": "createScreening",
                "parameters": [{
                    "name": "Idempotency-Key", "in": "header", "required": False,
                    "description": ("Makes a retry safe: the same key with the same answers, "
                                    "within a day, returns the first screening instead of "
                                    "saving a second."),
                    # Visible ASCII: headers carry other characters unreliably.
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                               "pattern": "^[!-~]+$"}}],
                "requestBody": body,
                "responses": {
                    "201": _reply("Saved, or a retry's replay (Idempotent-Replayed: true).",
                                  "Screening", headers={"Location": {
                                      "description": "The screening's URL.", "schema": _STR}}),
                    "404": _reply("A replay of a screening the caller may no longer read.",
                                  "Errors"),
                    "422": _reply("The Idempotency-Key was sent before with other answers.",
                                  "Errors"),
                    **_ERRORS,
                },
            }},
            "/api/v1/screenings/{public_id}": {"get": {
                "summary": "A saved screening",
                "operationId": "getScreening",
                "parameters": [{"name": "public_id", "in": "path", "required": True,
                                "schema": _STR}],
                "responses": {"200": _reply("The screening.", "Screening"),
                              "404": _reply("No screening has this id.", "Errors")},
            }},
            "/api/v1/catalog": {"get": {
                "summary": "The rule set as served",
                "operationId": "catalog",
                "responses": {"200": _reply("The catalogue.", "Catalog")},
            }},
            "/api/v1/openapi.json": {"get": {
                "summary": "This document",
                "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3.1 document.",
                                      "content": {"application/json": {"schema": {
                                          "type": "object"}}}}},
            }},
            "/healthz": {"get": {
                "summary": "Liveness, with a database check",
                "operationId": "health",
                "responses": {"200": _reply("Up.", "Health"),
                              "503": _reply("Database unreachable.", "Health")},
            }},
        },
        "components": {"schemas": _schemas(ruleset)},
    }
