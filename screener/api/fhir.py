"""Export one saved screening as a FHIR R4 Bundle: a QuestionnaireResponse and a RiskAssessment.

The bundle is built from what was stored at the time (answers, level, score, advice), so an
export always says what the screener said then. Ids are derived from the screening, so the
same screening always exports to the same bundle.

Checked in tests/web/test_fhir.py with the `fhir.resources` package's R4B (4.3.0) models:
its 6.x releases (plain R4) need pydantic 1, which cannot live beside the pydantic 2 the
OpenAPI validator needs. QuestionnaireResponse and RiskAssessment are the same in R4 and R4B
for every element used here.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..clinical.rules import RuleSet
from ..models import Screening, utc_iso

SYSTEM = "urn:baclofen-screener"
PATIENT_REF_SYSTEM = f"{SYSTEM}:patient-ref"
LEVEL_SYSTEM = f"{SYSTEM}:escalation-level"
SCORE_EXTENSION = f"{SYSTEM}:score"
UCUM = "http://unitsofmeasure.org"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
UNKNOWN = "unknown"

# The rule set's unit words -> UCUM codes; a unit not listed is exported as words only.
UCUM_CODES = {
    "°C": "Cel",
    "beats per minute": "/min",
    "beats/min": "/min",
    "breaths per minute": "/min",
    "breaths/min": "/min",
    "mmHg": "mm[Hg]",
    "%": "%",
}

# A fixed namespace, so ids stay the same across exports and machines.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, SYSTEM)


def screening_bundle(screening: Screening, ruleset: RuleSet) -> dict[str, Any]:
    """One screening as a FHIR R4 `collection` Bundle (plain JSON-ready dict).

    Holds a QuestionnaireResponse (the answers) and a RiskAssessment (the level, score,
    red flags and staff advice) whose `basis` points at it. `ruleset` supplies question
    wording and level titles; codes and values come from the stored screening.
    """
    authored = _utc_iso(screening)
    response_id = _uuid(screening, "QuestionnaireResponse")
    assessment_id = _uuid(screening, "RiskAssessment")
    return {
        "resourceType": "Bundle",
        "id": _uuid(screening, "Bundle"),
        "type": "collection",
        # The screening's time, not the export's: the same screening gives the same bundle.
        "timestamp": authored,
        "entry": [
            {"fullUrl": f"urn:uuid:{response_id}",
             "resource": _questionnaire_response(screening, ruleset, response_id)},
            {"fullUrl": f"urn:uuid:{assessment_id}",
             "resource": _risk_assessment(screening, ruleset, assessment_id,
                                         basis=f"urn:uuid:{response_id}")},
        ],
    }


def _questionnaire_response(screening: Screening, ruleset: RuleSet,
                           resource_id: str) -> dict[str, Any]:
    """The answers as a completed QuestionnaireResponse, one item per question."""
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": resource_id,
        # Canonical with a version: the questions asked are those of that rule set.
        "questionnaire": f"{SYSTEM}:questionnaire|{screening.ruleset_version}",
        "status": "completed",
        "authored": _utc_iso(screening),
        "item": _items(screening.answers, ruleset),
    }
    subject = _subject(screening)
    if subject:
        resource["subject"] = subject
    return resource


def _risk_assessment(screening: Screening, ruleset: RuleSet, resource_id: str,
                    basis: str) -> dict[str, Any]:
    """The result as a final RiskAssessment based on the QuestionnaireResponse at `basis`."""
    stored = screening.result
    level = screening.level
    title = next((lv.title for lv in ruleset.levels if lv.id == level), level)
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "id": resource_id,
        "extension": [{"url": SCORE_EXTENSION, "valueInteger": screening.score}],
        "status": "final",
        "method": {"text": f"Baclofen screener rule set {screening.ruleset_version}"
                           + (f" (sha256 {screening.ruleset_hash})" if screening.ruleset_hash
                              else "")},
        # R4 requires a subject; a screening may have been done without a reference.
        "subject": _subject(screening) or {"display": "Unidentified patient"},
        "occurrenceDateTime": _utc_iso(screening),
        "basis": [{"reference": basis}],
        "prediction": [{
            "outcome": {"text": _outcome(screening.direction)},
            "qualitativeRisk": {
                "coding": [{"system": LEVEL_SYSTEM, "code": level, "display": title}],
                "text": title,
            },
        }],
    }
    staff = stored.advice.get("staff")
    if staff and staff.do_now:
        resource["mitigation"] = " ".join(staff.do_now)
    # The rules that set the level, so a reader sees why, not just the score.
    notes = [{"text": f"Red flag: {flag.label}"} for flag in stored.red_flags]
    notes += [{"text": f"Combination ({rule.level}): {rule.label}"}
              for rule in stored.combinations]
    if screening.patient is None and screening.patient_ref:
        notes.append({"text": "Patient reference given by the person who answered, not "
                              f"checked: {screening.patient_ref}"})
    if notes:  # FHIR JSON forbids empty arrays
        resource["note"] = notes
    return resource


# --- Items ------------------------------------------------------------------------------


def _items(answers: dict[str, Any], ruleset: RuleSet) -> list[dict[str, Any]]:
    """Route, symptoms, history, vital signs, respondent, in the catalogue's order.

    The catalogue's order, not the stored dict's: PostgreSQL's JSONB reorders keys.
    """
    route = answers["route"]
    items = [_coded_item("route", "How is baclofen taken?", f"{SYSTEM}:route", route,
                         _label(ruleset.routes, route))]
    ticked = set(answers.get("symptoms") or ())
    for symptom in _in_order(set(ruleset.ids("symptom")) | ticked, ruleset):
        items.append(_item(symptom, _question(ruleset, symptom),
                           {"valueBoolean": symptom in ticked}))
    for fact in _in_order(answers.get("history") or {}, ruleset):
        value = answers["history"][fact]
        feature = ruleset.features.get(fact)
        # "unknown" to a question not asked for this route says nothing: leave it out.
        if value == UNKNOWN and feature is not None and route not in feature.routes:
            continue
        items.append(_item(fact, _question(ruleset, fact), _answer(value)))
    vitals = answers.get("vitals") or {}
    for vital_id in [v for v in ruleset.vitals if v in vitals] + sorted(
            set(vitals) - set(ruleset.vitals)):
        vital = ruleset.vitals.get(vital_id)
        quantity: dict[str, Any] = {"value": vitals[vital_id]}
        if vital is not None:
            quantity["unit"] = vital.unit
            if vital.unit in UCUM_CODES:
                quantity |= {"system": UCUM, "code": UCUM_CODES[vital.unit]}
        items.append(_item(vital_id, vital.label if vital else None,
                           {"valueQuantity": quantity}))
    respondent = answers.get("respondent")
    if respondent:
        items.append(_coded_item("respondent", "Who is answering?", f"{SYSTEM}:respondent",
                                 respondent, _label(ruleset.respondents, respondent)))
    return items


def _item(link_id: str, text: str | None, answer: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id}
    if text:
        item["text"] = text
    item["answer"] = [answer]
    return item


def _coded_item(link_id: str, text: str, system: str, code: str,
                display: str | None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return _item(link_id, text, {"valueCoding": coding})


def _answer(value: Any) -> dict[str, Any]:
    """A history answer: yes/no, a number, or "unknown" kept distinct from "no" (H3)."""
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int | float):
        return {"valueDecimal": value}
    if isinstance(value, str) and value != UNKNOWN:  # a choice: the option's id
        return {"valueCoding": {"system": f"{SYSTEM}:option", "code": value}}
    return {"valueCoding": {"system": DATA_ABSENT, "code": UNKNOWN, "display": "Unknown"}}


def _in_order(ids: Any, ruleset: RuleSet) -> list[str]:
    """Catalogue order; ids the rule set no longer has go last, sorted."""
    known = sorted((i for i in ids if i in ruleset.order), key=ruleset.order.__getitem__)
    return known + sorted(i for i in ids if i not in ruleset.order)


def _question(ruleset: RuleSet, feature_id: str) -> str | None:
    feature = ruleset.features.get(feature_id)
    return feature.question if feature else None


def _label(options: tuple[Any, ...], option_id: str) -> str | None:
    return next((o.get("label") for o in options if o.get("id") == option_id), None)


# --- Shared parts -----------------------------------------------------------------------


def _subject(screening: Screening) -> dict[str, Any] | None:
    """The patient as an identifier reference, once staff have linked the screening to the
    record. A reference typed in is anyone's to type: a receiving record would file an
    unchecked emergency against that patient (red team 2, M5), so it goes in a note."""
    if screening.patient is None:
        return None
    return {"identifier": {"system": PATIENT_REF_SYSTEM, "value": screening.patient.reference}}


def _outcome(direction: str | None) -> str:
    if direction in ("withdrawal", "overdose"):
        return f"Baclofen withdrawal or overdose (findings point to {direction})"
    if direction == "unclear":
        return "Baclofen withdrawal or overdose (direction unclear)"
    return "Baclofen withdrawal or overdose"


def _uuid(screening: Screening, what: str) -> str:
    # uuid5 of the public id: stable, and does not reveal the public id, which opens the
    # screening in the API.
    return str(uuid.uuid5(_NAMESPACE, f"{screening.public_id}/{what}"))


def _utc_iso(screening: Screening) -> str:
    return utc_iso(screening.created_at)
