"""`screener rules replay`: which screenings a rule-set change moves, and which way (issue 13,
item 6). Each test changes the packaged rule file in one known way and checks that the
replay finds exactly the moves that change makes, with the rule or score responsible."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from screener import create_app
from screener.cli import main
from screener.clinical.rules import DEFAULT_PATH
from screener.db import db
from tests.apps import BACKENDS, POSTGRES_URL, database_url, wipe_database
from tests.staff.factories import submit

PACKAGED = DEFAULT_PATH.read_text(encoding="utf-8")
VIGNETTES = "tests/data/vignettes.json"


def _changed(tmp_path, old: str, new: str) -> str:
    assert PACKAGED.count(old) == 1, old
    path = tmp_path / "changed.yaml"
    path.write_text(PACKAGED.replace(old, new), encoding="utf-8")
    return str(path)


def _replay(*args: str) -> dict:
    result = CliRunner().invoke(main, ["rules", "replay", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_same_rule_set_moves_nothing():
    report = _replay(str(DEFAULT_PATH))
    for name in ("vignettes", "probes"):
        source = report["sources"][name]
        assert source["up"] == source["down"] == 0 and source["unchanged"] == source["total"]
    assert report["sources"]["probes"]["total"] > 2000  # symptom rows expanded too


def test_a_lower_urgent_threshold_moves_a_soon_vignette_up_and_says_why(tmp_path):
    after = _changed(tmp_path, "    min_score: 8\n", "    min_score: 4\n")
    source = _replay(str(DEFAULT_PATH), "--after", after, "--cases", VIGNETTES)[
        "sources"]["vignettes"]
    # Two soon vignettes score 4 to 7 (since 2026.5 an overdue refill alone is soon).
    assert (source["up"], source["down"]) == (2, 0)
    assert source["levels"]["soon"] == {"urgent": 2, "soon": 6}
    assert source["responsible"] == {"score: soon to urgent": 2}
    assert {(e["id"], e["before"], e["after"]) for e in source["examples"]} == {
        ("oral-taper-insomnia-anxiety", "soon", "urgent"),
        ("itb-refill-overdue-no-alarm-no-symptoms", "soon", "urgent")}


def test_a_rule_that_no_longer_fires_is_named_for_every_case_it_moves_down(tmp_path):
    after = _changed(tmp_path, "    when: {symptom: seizure}\n",
                     "    when: {symptom: reduced_consciousness}\n")
    source = _replay(str(DEFAULT_PATH), "--after", after)["sources"]["probes"]
    assert source["down"] > 0 and source["up"] == 0
    assert source["responsible"]["seizure"] == source["down"]
    assert all(m["before"] == "emergency" and "seizure" in m["rules_no_longer"]
               for m in source["examples"])


def test_a_question_the_other_rule_set_lacks_makes_the_answers_unreadable(tmp_path):
    after = tmp_path / "renamed.yaml"  # "insomnia" is now "poor_sleep", wherever it is used
    after.write_text(PACKAGED.replace("insomnia", "poor_sleep"), encoding="utf-8")
    source = _replay(str(DEFAULT_PATH), "--after", str(after), "--cases", VIGNETTES)[
        "sources"]["vignettes"]
    assert source["unreadable"] == {"before": 0, "after": 3}  # the 3 vignettes with insomnia
    assert {level: moved.get("unreadable", 0) for level, moved in source["levels"].items()} == {
        "emergency": 1, "urgent": 1, "soon": 1, "routine": 0}


def test_a_git_revision_is_read_as_the_rule_set_it_held():
    result = CliRunner().invoke(main, ["rules", "replay", "HEAD", "--cases", VIGNETTES])
    assert result.exit_code == 0, result.output
    assert "Up 0, down 0" in result.output and "before \\ after" in result.output
    refused = CliRunner().invoke(main, ["rules", "replay", "no-such-revision"])
    assert refused.exit_code == 1 and "neither a rule file nor a git revision" in refused.output


@pytest.mark.parametrize("kind", BACKENDS)
def test_stored_screenings_are_replayed_from_the_database(kind, tmp_path):
    url = database_url(kind, tmp_path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "RATELIMIT_ENABLED": False})
    wipe_database(app)
    with app.app_context():
        db.create_all()
    try:
        client = app.test_client()
        taper = {"route": "oral", "symptoms": ["insomnia", "anxiety"],
                 "history": {"dose_recently_reduced": True, "supervised_gradual_taper": True},
                 "respondent": "patient"}
        public_ids = [submit(client, answers) for answers in (
            taper, taper, {"route": "intrathecal", "symptoms": ["seizure"]})]
        after = _changed(tmp_path, "    min_score: 8\n", "    min_score: 4\n")
        report = _replay(str(DEFAULT_PATH), "--after", after, "--cases", VIGNETTES,
                         "--database", url if kind == "sqlite" else POSTGRES_URL)
        stored = report["sources"]["stored screenings"]
        assert stored["total"] == 3 and stored["distinct"] == 2
        assert stored["levels"]["emergency"] == {"emergency": 1}
        assert stored["up"] == 2 and stored["levels"]["soon"] == {"urgent": 2}
        # Red team 2, L18: a public id opens a caregiver's result, so a report meant for
        # change records names screenings by their row number instead.
        assert {m["id"] for m in stored["examples"]} == {"screening 1"}
        assert not any(public_id in str(report) for public_id in public_ids)
    finally:
        wipe_database(app)
        with app.app_context():
            db.engine.dispose()


# One known change each, all leaving the facts and the score's sections alone.
REUSE_CHANGES = {
    "urgent threshold": ("    min_score: 8\n", "    min_score: 4\n"),
    "soon threshold": ("    min_score: 1\n", "    min_score: 3\n"),
    "a rule's condition": ("    when: {symptom: seizure}\n",
                           "    when: {symptom: reduced_consciousness}\n"),
    "a rule's words only": ("    says: They have had a seizure (fit).\n",
                            "    says: They have had a fit.\n"),
}


@pytest.mark.parametrize("change", REUSE_CHANGES)
def test_reusing_the_first_decision_gives_what_deciding_again_gives(change):
    """clinical/compare.py keeps the first rule set's facts and score and re-evaluates only
    the changed rules: on every probe and vignette, that is exactly a fresh decision."""
    from screener.cli.replay import _given, _read, case_answers
    from screener.clinical import decide
    from screener.clinical.answers import normalise
    from screener.clinical.compare import Comparison, Outcome
    from screener.clinical.rules import parse_ruleset
    from tests.packaged import RULES

    old, new = REUSE_CHANGES[change]
    after = parse_ruleset(PACKAGED.replace(old, new))
    comparison = Comparison(RULES, after)
    assert comparison.same_facts
    rows = [*case_answers("tests/data/probes.json", RULES), *case_answers(VIGNETTES, RULES)]
    assert len(rows) > 2500
    moved = 0
    for _, raw in rows:
        answers = _read(_given(raw), RULES)
        first, reused = comparison.outcomes(answers)
        fresh = decide(normalise(answers.to_dict() | {"respondent": "patient",
                                                     "patient_ref": "P-1"}, after), after)
        assert reused == Outcome(fresh.level, frozenset(r.id for r in fresh.discriminators),
                                 fresh.score_level)
        moved += first.level != reused.level
    assert moved > 0 or change == "a rule's words only"
