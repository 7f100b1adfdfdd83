"""The screening's life cycle and a refill, called directly (as the demo and the staff views
do), on both databases; and no other module writes a screening's status."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from screener import workflow
from screener.db import db
from screener.journey.answer_words import words_shown
from screener.models import Patient, Refill, Screening, ScreeningAction, User
from screener.screenings import add_screening, run_assessment

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = {"route": "intrathecal", "symptoms": ["pruritus"], "respondent": "caregiver"}


def _setting_up(app):
    """A user, a patient and two open screenings of theirs, inside an app context."""
    rules = app.extensions["ruleset"]
    nurse = User(username="nina", name="Nina Nurse", role="clinic")
    nurse.set_password("a long enough test password 1")
    patient = Patient(reference="P-1", name="Pat", route="intrathecal",
                      last_refill_on=date(2026, 11, 1), reservoir_ml=20.0)
    db.session.add_all([nurse, patient])
    db.session.flush()
    screenings = []
    for _ in range(2):
        assessment = run_assessment(ANSWERS, rules)
        screenings.append(add_screening(assessment, words_shown(assessment, rules),
                                        patient_id=patient.id))
    db.session.flush()
    return nurse, patient, screenings


def _status(screening: Screening) -> str:
    return db.session.execute(db.select(Screening.status).filter_by(id=screening.id)
                              ).scalar_one()


def test_a_claim_wins_once_and_an_action_after_a_close_changes_nothing(db_app):
    with db_app.app_context():
        nurse, _, (first, _) = _setting_up(db_app)
        assert workflow.claim(first, nurse) is True
        assert workflow.claim(first, nurse) is False  # no longer open
        assert _status(first) == "claimed"
        assert workflow.close(first, nurse, "called_back", "spoke to the carer") is True
        assert _status(first) == "closed"
        assert workflow.record_action(first, nurse, "other", "too late") is False
        assert workflow.close(first, nurse, "other") is False
        db.session.flush()
        kinds = db.session.execute(db.select(ScreeningAction.kind).filter_by(
            screening_id=first.id)).scalars().all()
        assert kinds == ["called_back"]


def test_an_action_claims_an_open_screening_for_whoever_acts(db_app):
    with db_app.app_context():
        nurse, _, (first, _) = _setting_up(db_app)
        assert workflow.record_action(first, nurse, "advice_given") is True
        row = db.session.execute(db.select(Screening.status, Screening.claimed_by_id)
                                 .filter_by(id=first.id)).one()
        assert tuple(row) == ("claimed", nurse.id)


def test_a_refill_closes_what_it_dealt_with_and_a_late_record_keeps_the_newer_fill(db_app):
    with db_app.app_context():
        nurse, patient, (first, second) = _setting_up(db_app)
        closed = workflow.record_refill(patient, nurse, date(2026, 11, 29), date(2027, 1, 10),
                                        18, "refilled", closing=[first], close_note="done")
        assert closed == [first]
        assert (_status(first), _status(second)) == ("closed", "open")
        assert (patient.last_refill_on, patient.reservoir_ml) == (date(2026, 11, 29), 18.0)
        # A refill recorded late, older than the one on record, changes only the next date.
        workflow.record_refill(patient, nurse, date(2026, 11, 20), date(2027, 1, 3), 40)
        assert (patient.last_refill_on, patient.reservoir_ml) == (date(2026, 11, 29), 18.0)
        assert patient.next_refill_date == date(2027, 1, 3)
        db.session.commit()
        assert db.session.execute(db.select(db.func.count()).select_from(Refill)
                                  ).scalar_one() == 2
        assert patient.due_date is not None
        assert patient.due_date <= date(2027, 1, 3)  # kept by models.py when written


def test_a_follow_up_call_is_closed_by_its_caller(db_app):
    with db_app.app_context():
        nurse, _, (first, _) = _setting_up(db_app)
        workflow.record_call(first, nurse)
        row = db.session.execute(db.select(Screening.status, Screening.closed_by_id)
                                 .filter_by(id=first.id)).one()
        assert tuple(row) == ("closed", nurse.id)
        action = db.session.execute(db.select(ScreeningAction).filter_by(
            screening_id=first.id)).scalar_one()
        assert (action.kind, action.user_id) == ("follow_up_call", nurse.id)


def _writes_status(tree: ast.AST) -> list[int]:
    """Lines that assign `x.status = ...` or pass `status=...` to a call."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            lines += [node.lineno for t in targets
                      if isinstance(t, ast.Attribute) and t.attr == "status"]
        elif isinstance(node, ast.Call):
            lines += [node.lineno for k in node.keywords if k.arg == "status"]
    return lines


def test_only_the_workflow_writes_a_screenings_status():
    writers = {}
    for path in (ROOT / "screener").rglob("*.py"):
        if "migrations" in path.parts or path.name == "workflow.py":
            continue
        found = _writes_status(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            writers[str(path.relative_to(ROOT))] = found
    assert writers == {}
