"""JSON API, version 1. Bad input answers 400 with field-level errors; nothing is saved then."""

from __future__ import annotations

import copy
import hashlib
import re
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..alerts.outbox import follow_up
from ..alerts.queue import enqueue
from ..clinical import normalise
from ..clinical.answers import InvalidAnswers, validate
from ..clinical.catalog import build_catalog
from ..db import db
from ..journey.answer_words import words_shown
from ..models import Screening, as_utc, utc_now
from ..screenings import (
    ScoringFailed,
    find_screening,
    readable_without_sign_in,
    run_assessment,
    save_screening,
)
from ..web import jsonio, language
from ..web.control_characters import MESSAGE, has_control_characters
from ..web.language import gettext as _
from ..web.references import reference_problem
from ..web.security import PUBLIC_SUBMISSIONS, limiter
from .openapi import build_openapi

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class BadBody(Exception):
    """The body is not usable JSON; `status` is 400 or 415."""

    def __init__(self, status: int, message: str):
        self.status, self.message = status, message




def _not_found():
    return {"errors": {"id": ["No screening has this id, or its link has expired."]}}, 404


def _answers() -> Any:
    """The body, with a patient reference that is not a name or a phone number (the pattern is
    this deployment's setting); every problem is reported together."""
    raw = _json_body()
    reference = raw.get("patient_ref") if isinstance(raw, dict) else None
    problem = isinstance(reference, str) and reference_problem(
        reference, current_app.config["PATIENT_REF_PATTERN"])
    if problem:
        errors = validate(raw, language.rules())
        raise InvalidAnswers({**errors, "patient_ref": [*errors.get("patient_ref", ()), problem]})
    return raw


def _json_body() -> Any:
    if not request.is_json:
        raise BadBody(415, "Send the answers as JSON with Content-Type: application/json.")
    data = request.get_data(cache=False)  # raises 413 above MAX_CONTENT_LENGTH
    try:
        body = jsonio.loads_request(data)
    except (jsonio.DuplicateKey, jsonio.TooDeep) as error:
        raise BadBody(400, f"The request body is not usable JSON: {error}") from None
    except jsonio.DecodeError:
        raise BadBody(400, "The request body is not valid JSON.") from None
    if has_control_characters(body):
        raise BadBody(400, MESSAGE)
    return body


@bp.post("/assess")
@limiter.limit(PUBLIC_SUBMISSIONS, methods=["POST"])
def assess_answers():
    """Score the answers and return the assessment. Nothing is saved."""
    # Encoded straight from the frozen result: orjson reads dataclasses natively.
    return current_app.json.response(run_assessment(_answers(), language.rules(),
                                                       language.words()))


@bp.post("/screenings")
@limiter.limit(PUBLIC_SUBMISSIONS, methods=["POST"])
def create_screening():
    """Score and save the answers; 201 with the saved screening and its Location.

    An optional Idempotency-Key header makes a retry safe: the same key with the same
    answers, within IDEMPOTENCY_HOURS, returns the screening the first request made (with
    Idempotent-Replayed: true), never a second. The same key with other answers is refused
    (422), so no submission is dropped unseen; and a replay shows no more than reading the
    screening would (red team 2, M11)."""
    key = _idempotency_key()
    raw = _answers()
    earlier = _made_with(key)
    if earlier is None:
        rules = language.rules()
        assessment = run_assessment(raw, rules, language.words())
        try:
            screening, alerts = save_screening(assessment, words_shown(assessment, rules), key,
                                               current_app.extensions["service"].rota)
        except IntegrityError:  # the same key at the same moment: the other one won
            earlier = _made_with(key)
            if earlier is None:
                raise
        else:
            enqueue(alerts)
            location = url_for("api.get_screening", public_id=screening.public_id)
            return screening.to_dict(_follow_up(screening)), 201, {"Location": location}
    return _replay(earlier, raw)


def _replay(earlier: Screening, raw: Any):
    """The screening a key made, to a caller who sent it again: only for the same answers,
    and only what `get_screening` would show the same caller."""
    answers = jsonio.loads(jsonio.dumps(normalise(raw, language.rules()).to_dict()))
    if answers != earlier.answers:
        return {"errors": {"Idempotency-Key": [
            "This Idempotency-Key was sent before with different answers. Send new answers "
            "with a new key."]}}, 422
    staff = current_user.is_authenticated
    if not (staff or readable_without_sign_in(earlier, current_app.config["RESULT_LINK_HOURS"])):
        return _not_found()
    location = url_for("api.get_screening", public_id=earlier.public_id)
    return earlier.to_dict(_follow_up(earlier), reference=staff), 201, {"Location": location,
                                                    "Idempotent-Replayed": "true"}


KEY_PATTERN = re.compile(r"[!-~]{1,255}")  # as the OpenAPI document says


def _idempotency_key() -> str | None:
    """The header's value, hashed (the key itself is the client's, and may be anything)."""
    given = request.headers.get("Idempotency-Key")
    if given is None:
        return None
    if not KEY_PATTERN.fullmatch(given):
        raise InvalidAnswers({"Idempotency-Key": [
            "Send an Idempotency-Key of 1 to 255 visible ASCII characters (no spaces), "
            "or none."]})
    return hashlib.sha256(given.encode()).hexdigest()


def _made_with(key: str | None) -> Screening | None:
    """The screening a key made within IDEMPOTENCY_HOURS. An older one lets go of its key,
    which then names a new submission: a key is a retry's, not a name for ever."""
    if key is None:
        return None
    earlier = db.session.execute(db.select(Screening).filter_by(idempotency_key=key)
                                 ).scalar_one_or_none()
    if earlier is not None and utc_now() - as_utc(earlier.created_at) > timedelta(
            hours=current_app.config["IDEMPOTENCY_HOURS"]):
        db.session.execute(db.update(Screening).filter_by(id=earlier.id, idempotency_key=key)
                           .values(idempotency_key=None))
        db.session.commit()
        return None
    return earlier


@bp.get("/screenings/<public_id>")
def get_screening(public_id: str):
    """A screening by id: for staff signed in, anything; otherwise only a caregiver's own,
    for RESULT_LINK_HOURS, and without the patient reference."""
    screening = find_screening(public_id)
    staff = current_user.is_authenticated
    if screening is None or not (staff or readable_without_sign_in(
            screening, current_app.config["RESULT_LINK_HOURS"])):
        return _not_found()
    if staff:
        audit.record("view", "screening", screening.public_id, via="api")
        db.session.commit()
    return screening.to_dict(_follow_up(screening), reference=staff)


def _follow_up(screening: Screening) -> dict[str, Any]:
    service = current_app.extensions["service"]
    return follow_up(screening, service.reads_checks)


@bp.get("/catalog")
def catalog():
    """The rule set as served: features, weights, rules, levels, sources and version."""
    return build_catalog(language.rules())


@bp.get("/openapi.json")
def openapi():
    """The API's description, with this deployment's patient reference pattern."""
    document = copy.deepcopy(build_openapi(language.rules()))  # the built one is cached: shared
    reference = document["components"]["schemas"]["Answers"]["properties"]["patient_ref"]
    reference["pattern"] = current_app.config["PATIENT_REF_PATTERN"]
    reference["description"] = ("The clinic's reference for the patient. Never a name or a "
                                "phone number: letters only, or nine digits or more, are "
                                "refused whatever the pattern allows.")
    return document


@bp.errorhandler(InvalidAnswers)
def invalid_answers(error: InvalidAnswers):
    return {"errors": error.errors}, 400


@bp.errorhandler(BadBody)
def bad_body(error: BadBody):
    return {"errors": {"body": [error.message]}}, error.status


@bp.errorhandler(ScoringFailed)
def scoring_failed(error: ScoringFailed):
    return {"errors": {"assessment": [_(ScoringFailed.message)]}}, 500
