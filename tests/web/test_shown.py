"""What the person saw is kept (issue 13, items 3 and 5): a screening stores the words its
pages show, with the rule set's version, hash and locale, and its result page, staff page
and exports render from that snapshot and the typed stored assessment, never from a later
rule set. On both databases."""

from __future__ import annotations

from screener import create_app
from screener.clinical import Assessment
from screener.clinical.rules import DEFAULT_PATH
from screener.db import db
from screener.models import Screening
from tests.pages import Journey, add_user, sign_in, text_of
from tests.staff.factories import CAREGIVER_URGENT, saved, submit

URGENT_MEANING = "Speak to the pump clinic or prescriber within hours, today."
URGENT_SAY = "This needs a clinician today, within hours."
ITCHING = "Itching, without a rash"
# A later rule set: the same decisions, other words.
REWORDED = {URGENT_MEANING: "NEW MEANING for urgent.", URGENT_SAY: "NEW SCRIPT line.",
            ITCHING: "NEW QUESTION about itching"}


def _later_rules_app(db_app, tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    for old, new in REWORDED.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "later.yaml"
    path.write_text(text, encoding="utf-8")
    return create_app({"TESTING": True, "RULESET_PATH": str(path), "RATELIMIT_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": db_app.config["SQLALCHEMY_DATABASE_URI"]})


def test_a_screening_keeps_what_its_pages_show(db_app, db_client):
    public_id = submit(db_client, CAREGIVER_URGENT)
    shown = saved(db_app, public_id).shown
    rules = db_app.extensions["ruleset"]
    assert (shown["locale"], shown["ruleset_version"], shown["ruleset_hash"]) == (
        "en-GB", rules.version, rules.short_hash)
    assert shown["meaning"].startswith(URGENT_MEANING)
    assert shown["call_script"]["say"][0].startswith(URGENT_SAY)
    assert shown["why"]["caregiver"] and shown["why"]["staff"]
    words = {row[0]: row[2] for section in shown["answers"] for row in section["rows"]}
    assert ITCHING in words["symptoms"] and words["pump_alarm"] == "Yes"


def test_its_pages_render_from_the_snapshot_not_a_later_rule_set(db_app, db_client, tmp_path):
    public_id = submit(db_client, CAREGIVER_URGENT)
    later = _later_rules_app(db_app, tmp_path)
    add_user(later, "ann", "admin")
    caregiver = later.test_client()
    page = text_of(Journey(caregiver).get(f"/result/{public_id}")[1].find(".//main"))
    assert URGENT_MEANING in page and "NEW MEANING" not in page
    assert "saved before its wording was kept" not in page
    staff = Journey(later.test_client())
    sign_in(staff, "ann")
    page = text_of(staff.get(f"/staff/screenings/{public_id}")[1].find(".//main"))
    assert URGENT_MEANING in page and URGENT_SAY in page and ITCHING in page
    for new in REWORDED.values():
        assert new not in page
    with later.app_context():
        db.engine.dispose()


def test_a_screening_saved_before_the_snapshot_says_where_its_words_come_from(
        db_app, db_client, tmp_path):
    public_id = submit(db_client, CAREGIVER_URGENT)
    with db_app.app_context():  # as a row stored before the snapshot was kept
        db.session.execute(db.update(Screening).filter_by(public_id=public_id).values(
            shown=None))
        db.session.commit()
    same = text_of(Journey(db_app.test_client()).get(f"/result/{public_id}")[1])
    assert URGENT_MEANING in same and "saved before its wording was kept" not in same
    later = _later_rules_app(db_app, tmp_path)
    page = text_of(Journey(later.test_client()).get(f"/result/{public_id}")[1])
    assert "NEW MEANING for urgent." in page and "saved before its wording was kept" in page
    with later.app_context():
        db.engine.dispose()


def test_the_stored_assessment_reads_back_as_the_typed_one(db_app, db_client):
    public_id = submit(db_client, {**CAREGIVER_URGENT, "symptoms": ["seizure", "pruritus"]})
    screening = saved(db_app, public_id)
    result = screening.result
    assert isinstance(result, Assessment) and result.level == "emergency"
    assert [r.id for r in result.red_flags] == ["seizure"]
    assert result.to_dict() == {**screening.assessment, "answers": screening.answers}
