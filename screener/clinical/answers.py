"""What a screening asks, as data: the request schema, its validation, and normalised answers.

The JSON Schema is generated from the rule set's catalogue, so the API, the OpenAPI
document and the scoring accept exactly the same ids and ranges. Validation reports
every problem at once, keyed by field path, in plain words.

Hazards: H6 an implausible or mistyped value (e.g. °F sent as °C) is scored as real.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import fastjsonschema
import orjson

from .rules import UNKNOWN, RuleSet

PATIENT_REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._/-]*$"
PATIENT_REF_MAX = 64


class InvalidAnswers(ValueError):
    """The answers do not fit the schema; `errors` maps field paths to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass(frozen=True)
class Answers:
    """Validated answers. Every history id is present: True, False or None (= unknown)."""

    route: str
    symptoms: frozenset[str]
    history: Mapping[str, bool | None]
    numbers: Mapping[str, float | None]
    vitals: Mapping[str, float]
    respondent: str | None = None
    patient_ref: str | None = None
    choices: Mapping[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The normalised answers in the request's own shape ("unknown" spelled out)."""
        history: dict[str, Any] = {k: UNKNOWN if v is None else v for k, v in self.history.items()}
        history.update({k: UNKNOWN if v is None else v for k, v in self.numbers.items()})
        history.update({k: UNKNOWN if v is None else v for k, v in self.choices.items()})
        return {
            "route": self.route,
            "symptoms": sorted(self.symptoms),
            "history": history,
            "vitals": dict(self.vitals),
            "respondent": self.respondent,
            "patient_ref": self.patient_ref,
        }


def request_schema(ruleset: RuleSet) -> dict[str, Any]:
    """JSON Schema (2020-12) of a screening request, made from the catalogue."""
    history: dict[str, Any] = {}
    for feature in ruleset.features.values():
        if feature.kind == "history":
            history[feature.id] = {
                "description": f"{feature.question} (null or missing: {UNKNOWN})",
                "enum": [True, False, UNKNOWN, None],
            }
        elif feature.kind == "choice":
            history[feature.id] = {
                "description": f"{feature.question} (null or missing: {UNKNOWN})",
                "enum": [*(o.id for o in feature.options), UNKNOWN, None],
            }
        elif feature.kind == "number":
            history[feature.id] = {
                "description": f"{feature.question} ({feature.unit})",
                "anyOf": [
                    {"type": "number", "minimum": feature.min, "maximum": feature.max},
                    {"enum": [UNKNOWN, None]},
                ],
            }
    vitals = {
        vital.id: {
            "description": f"{vital.label} ({vital.unit}; null or missing: not measured)",
            "type": ["number", "null"],
            "minimum": vital.min,
            "maximum": vital.max,
        }
        for vital in ruleset.vitals.values()
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Screening answers",
        "type": "object",
        "required": ["route"],
        "additionalProperties": False,
        "properties": {
            "route": {"enum": [r["id"] for r in ruleset.routes]},
            "symptoms": {
                "type": "array",
                "items": {"enum": list(ruleset.ids("symptom"))},
                "maxItems": len(ruleset.ids("symptom")),
            },
            "history": {"type": "object", "additionalProperties": False, "properties": history},
            "vitals": {"type": "object", "additionalProperties": False, "properties": vitals},
            "respondent": {"enum": [r["id"] for r in ruleset.respondents]},
            "patient_ref": {
                "type": "string",
                "minLength": 1,
                "maxLength": PATIENT_REF_MAX,
                "pattern": PATIENT_REF_PATTERN,
            },
        },
    }


@cache
def _validator(ruleset: RuleSet):
    """jsonschema, for field-level messages; imported on the first invalid answer set (it
    takes longer to import than everything else here)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(request_schema(ruleset))


@cache
def _fast_check(ruleset: RuleSet):
    """The same schema compiled to Python: 20x faster on the common, valid case.

    The schema only uses keywords whose meaning is the same in draft-07, which
    fastjsonschema implements; tests/clinical/test_answers.py checks both validators agree.
    """
    schema = request_schema(ruleset) | {"$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(schema)


def validate(raw: Any, ruleset: RuleSet) -> dict[str, list[str]]:
    """Every problem with `raw`, as {"field.path": ["message", ...]}; empty when valid."""
    not_finite = _not_finite(raw)
    try:
        _fast_check(ruleset)(raw)
        if not not_finite:
            return {}
    except fastjsonschema.JsonSchemaException:
        pass  # invalid: jsonschema finds every problem, for field-level messages
    errors: dict[str, list[str]] = dict(not_finite)
    for error in _validator(ruleset).iter_errors(raw):
        for path, message in _describe(error, ruleset):
            messages = errors.setdefault(path, [])
            if message not in messages:
                messages.append(message)
    return dict(sorted(errors.items()))


def _not_finite(raw: Any) -> dict[str, list[str]]:
    """NaN and infinity: a schema's minimum and maximum let them through (every comparison
    with NaN is false), and a NaN temperature would then set off no rule at all. JSON cannot
    carry them; a caller of the library can."""
    if not isinstance(raw, dict):
        return {}
    return {f"{section}.{key}": ["Must be a number; NaN and infinity are not measurements."]
            for section in ("history", "vitals") if isinstance(raw.get(section), dict)
            for key, value in raw[section].items()
            if isinstance(value, float) and not math.isfinite(value)}


def normalise(raw: Any, ruleset: RuleSet) -> Answers:
    """Validate `raw` and return `Answers`; raise `InvalidAnswers` listing every problem.

    Missing history answers become None ("unknown"), never False.
    Hazards: H3 a missing answer treated as "no"; H6 implausible values scored.
    """
    errors = validate(raw, ruleset)
    if errors:
        raise InvalidAnswers(errors)
    given = raw.get("history", {})
    # JSON null, a missing key and "unknown" all mean "I don't know" (invariant 3).
    history = {fid: None if (value := given.get(fid)) is None or value == UNKNOWN else value
               for fid in ruleset.ids("history")}
    numbers = {
        fid: None if _known(given.get(fid)) is None else float(given[fid])
        for fid in ruleset.ids("number")
    }
    choices = {fid: _known(given.get(fid)) for fid in ruleset.ids("choice")}
    _imply_follow_ups(ruleset, history, numbers, choices)
    return Answers(
        route=raw["route"],
        symptoms=frozenset(raw.get("symptoms", ())),
        history=history,
        numbers=numbers,
        vitals={k: float(v) for k, v in raw.get("vitals", {}).items() if v is not None},
        respondent=raw.get("respondent"),
        patient_ref=raw.get("patient_ref"),
        choices=choices,
    )


def reading_key(ruleset: RuleSet) -> bytes:
    """Everything `normalise` reads from a rule set: two rule sets with the same key read
    every answer set into the same `Answers` (a replay then reads each one once)."""
    follow_ups = [(f.id, f.follows.parent, list(f.follows.answers), f.follows.otherwise)
                  for f in ruleset.follow_ups]
    kinds = [ruleset.ids(kind) for kind in ("history", "number", "choice")]
    return orjson.dumps([request_schema(ruleset), follow_ups, kinds],
                        option=orjson.OPT_SORT_KEYS, default=repr)


def _imply_follow_ups(ruleset: RuleSet, history: dict[str, Any], numbers: dict[str, Any],
                      choices: dict[str, Any]) -> None:
    """A follow-up left unanswered because the earlier answer ruled it out takes the answer
    that earlier one implies (no injury: not an injury at T6), so the form, which does not
    ask it, and the API give the same result. An answer given is never overridden. Every
    follow-up is judged on the answers as given, before any is implied."""
    maps = {"history": history, "number": numbers, "choice": choices}
    implied = []
    for feature in ruleset.follow_ups:
        follows = feature.follows
        own = maps.get(feature.kind, {})
        parent = maps.get(ruleset.features[follows.parent].kind, {}).get(follows.parent)
        if own.get(feature.id) is None and not follows.asked(parent) and feature.id in own:
            implied.append((own, feature.id, _known(follows.otherwise)))
    for answers, feature_id, value in implied:
        answers[feature_id] = value


def _known(value: Any) -> Any:
    """The answer, or None for "I don't know" (missing, null or "unknown")."""
    return None if value is None or value == UNKNOWN else value


# --- Plain messages ---------------------------------------------------------------------

_FIELD_NAMES = {
    "route": "route",
    "respondent": "respondent",
    "symptoms": "list of symptom ids",
    "history": "object of history answers",
    "vitals": "object of vital signs",
    "patient_ref": "patient reference",
}


def _describe(error, ruleset: RuleSet) -> list[tuple[str, str]]:
    """Turn one jsonschema error into (field path, plain message) pairs."""
    path = [str(p) for p in error.absolute_path]
    kind = error.validator
    instance = error.instance
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = sorted(str(k) for k in instance if k not in known)
        what = {(): "field", ("history",): "history id", ("vitals",): "vital sign"}.get(
            tuple(path), "field"
        )
        return [(".".join([*path, key]), f"Unknown {what} '{key}'.") for key in extra]
    if kind == "required":
        missing = [m for m in error.validator_value if m not in instance]
        return [(".".join([*path, m]), _required_message(m, ruleset)) for m in missing]
    if not path:
        return [("body", "The request body must be a JSON object.")]
    field = path[0]
    key = ".".join(path)
    if field == "symptoms" and len(path) == 2:
        return [("symptoms", f"Unknown symptom id {_quote(instance)}.")]
    if field in ("route", "respondent") and kind == "enum":
        choices = ", ".join(error.validator_value)
        return [(key, f"Unknown {field} {_quote(instance)}: use one of {choices}.")]
    if field == "history" and len(path) == 2:
        return [(key, _history_message(ruleset.features[path[1]], instance))]
    if field == "vitals" and len(path) == 2:
        vital = ruleset.vitals[path[1]]
        if kind == "type" or isinstance(instance, bool):
            return [(key, f"{vital.label} must be a number in {vital.unit}.")]
        return [(key, f"{vital.label} must be between {_num(vital.min)} and "
                      f"{_num(vital.max)} {vital.unit}; {_num(instance)} is not plausible.")]
    if field == "patient_ref":
        return [(key, f"The patient reference must be 1 to {PATIENT_REF_MAX} letters, digits, "
                      "spaces or . _ / - characters, starting with a letter or digit.")]
    if kind == "type":
        return [(key, f"Must be a {_FIELD_NAMES.get(field, field)}.")]
    if kind == "maxItems":
        return [(key, "Too many symptoms listed.")]
    return [(key, error.message)]


def _required_message(missing: str, ruleset: RuleSet) -> str:
    if missing == "route":
        routes = ", ".join(r["id"] for r in ruleset.routes)
        return f"Say how baclofen is taken: one of {routes}."
    return f"'{missing}' is required."


def _history_message(feature, instance: Any) -> str:
    if feature.kind == "choice":
        options = ", ".join(f'"{o.id}"' for o in feature.options)
        return f"Answer one of {options} or \"{UNKNOWN}\" (got {_quote(instance)})."
    if feature.kind == "number":
        if isinstance(instance, int | float) and not isinstance(instance, bool):
            return (f"Must be between {_num(feature.min)} and {_num(feature.max)} "
                    f"{feature.unit}, or \"{UNKNOWN}\".")
        return f"Must be a number of {feature.unit}, or \"{UNKNOWN}\"."
    return f"Answer true, false or \"{UNKNOWN}\" (got {_quote(instance)})."


def _quote(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 40 else text[:37] + "..."


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else _quote(value)
