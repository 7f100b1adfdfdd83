"""The rule file: the packaged one is complete and valid; a bad one is refused by line."""

from __future__ import annotations

import pytest

from screener import create_app
from screener.cli import main
from screener.ruleset import DEFAULT_PATH, LEVELS, RuleSetError, default_ruleset, parse_ruleset

# The vocabulary the clinical brief (section 4) requires the API and rule set to accept.
SYMPTOMS = ["rebound_spasticity", "muscle_rigidity", "muscle_spasms", "tremor", "pruritus", "paresthesia", "fever", "sweating", "palpitations", "hallucinations", "delusions", "confusion", "agitation", "anxiety", "insomnia", "mood_change", "seizure", "reduced_consciousness", "excessive_drowsiness", "slow_breathing", "breathing_difficulty", "weakness", "vomiting", "dizziness", "headache", "dark_urine", "muscle_pain", "pump_site_swelling_or_redness", "pupil_change", "cough_or_cold_symptoms", "neck_stiffness"]
HISTORY = ["abrupt_stop", "missed_doses", "dose_recently_reduced", "supervised_gradual_taper", "ran_out_of_medication", "supply_running_low", "unable_to_take_oral", "took_more_than_prescribed", "other_sedatives_or_alcohol", "long_term_use", "pump_alarm", "refill_overdue", "recent_refill_or_programming_change", "recent_pump_or_catheter_surgery", "recent_mri", "pump_battery_low", "kidney_disease", "seizure_history", "spinal_cord_injury", "injury_level_T6_or_above", "communication_difficulty", "previous_withdrawal", "bladder_or_bowel_trigger"]
NUMBERS = ["hours_since_problem", "age_years"]
VITALS = ["temperature_c", "heart_rate", "systolic_bp", "respiratory_rate", "spo2"]

TEXT = DEFAULT_PATH.read_text(encoding="utf-8")


def test_packaged_rule_set_covers_the_whole_vocabulary():
    rules = default_ruleset()
    assert rules.version == "2026.1"
    assert set(rules.ids("symptom")) == set(SYMPTOMS)
    assert set(rules.ids("history")) == set(HISTORY)
    assert set(rules.ids("number")) == set(NUMBERS)
    assert list(rules.vitals) == VITALS
    assert [level.id for level in rules.levels] == list(LEVELS)


def test_every_feature_and_rule_cites_a_known_source():
    rules = default_ruleset()
    cited = [f.sources for f in rules.features.values()]
    cited += [v.sources for v in rules.vitals.values()]
    cited += [r.sources for r in (*rules.red_flags, *rules.combinations, *rules.notes)]
    assert all(cited)
    assert {s for group in cited for s in group} <= set(rules.sources)


def test_every_weight_is_non_negative_and_both_or_unknown_take_the_larger():
    for feature in default_ruleset().features.values():
        assert min(feature.weights.values()) >= 0
        larger = max(feature.weights["intrathecal"], feature.weights["oral"])
        assert feature.weights["both"] == feature.weights["unknown"] == larger


def _line_of(text: str, anchor: str) -> int:
    return text[: text.index(anchor)].count("\n") + 1


# (description, text to replace, replacement, expected words, anchor whose line is named)
BAD_FILES = [
    ("unknown symptom id in a red flag", "when: {symptom: seizure}",
     "when: {symptom: seizures}", "unknown symptom id 'seizures'", "{symptom: seizures}"),
    ("unknown concept", "{possible: exposure}", "{possible: exposures}",
     "unknown concept 'exposures'", "{possible: exposures}"),
    ("rule without a source", "    when: {news2_total_at_least: 7}\n    sources: [NEWS2]\n",
     "    when: {news2_total_at_least: 7}\n", "red flag 'news2_emergency' has no source",
     "- id: news2_emergency"),
    ("unknown source", "    term: Tremor\n    direction: withdrawal\n    weight: 1\n    sources: [seed 002]",
     "    term: Tremor\n    direction: withdrawal\n    weight: 1\n    sources: [seed 999]",
     "unknown source 'seed 999'", "- id: tremor"),
    ("duplicate feature id", "  - id: tremor\n", "  - id: fever\n",
     "duplicate feature id 'fever'", "  - id: fever\n    kind: symptom\n    group: temperature_heart"),
    ("duplicate key", "    term: Tremor\n", "    term: Tremor\n    term: Shaking\n",
     "duplicate key 'term'", "    term: Shaking"),
    ("level thresholds out of order", "    min_score: 6\n", "    min_score: 20\n",
     "min_score 20 must be lower than the level above it (12)", "  - id: urgent"),
    ("negative weight", "    term: Tremor\n    direction: withdrawal\n    weight: 1\n",
     "    term: Tremor\n    direction: withdrawal\n    weight: -1\n",
     "the intrathecal weight must be a whole number >= 0", "- id: tremor"),
    ("vital band falling away from normal", "      - {upto: 130, points: 2}\n",
     "      - {upto: 130, points: 4}\n", "points must not fall as values move away from normal",
     "  - id: heart_rate"),
    ("vital band limits out of order", "      - {upto: 110, points: 1}\n      - {upto: 130",
     "      - {upto: 110, points: 1}\n      - {upto: 100", "band limits must increase",
     "{upto: 100, points: 2}"),
    ("threshold outside the accepted range", "at_least: 40.0}", "at_least: 400}",
     "threshold 400 is outside the accepted range", "at_least: 400}"),
    ("combination with an unknown level", "    level: urgent\n    label: Two or more",
     "    level: very_urgent\n    label: Two or more", "level must be one of",
     "- id: two_early_withdrawal_signs"),
]


@pytest.mark.parametrize(("old", "new", "words", "anchor"), [case[1:] for case in BAD_FILES],
                         ids=[case[0] for case in BAD_FILES])
def test_a_bad_rule_file_is_refused_naming_the_line(old, new, words, anchor):
    assert TEXT.count(old) == 1, "the mutation must hit exactly one place"
    bad = TEXT.replace(old, new)
    with pytest.raises(RuleSetError) as refused:
        parse_ruleset(bad)
    expected_line = f"line {_line_of(bad, anchor)}"
    assert any(words in p and expected_line in p for p in refused.value.problems), (
        refused.value.problems
    )


def test_invalid_yaml_is_refused_with_its_line():
    bad = TEXT.replace("version: \"2026.1\"", "version: [\"2026.1\"")
    with pytest.raises(RuleSetError, match=r"line \d+: not valid YAML"):
        parse_ruleset(bad)


def test_the_app_refuses_to_start_with_a_bad_rule_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(TEXT.replace("when: {symptom: seizure}", "when: {symptom: fits}"))
    with pytest.raises(RuleSetError, match="unknown symptom id 'fits'"):
        create_app({"TESTING": True, "RULESET_PATH": str(path),
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_rules_check_command_names_the_bad_line(tmp_path):
    from click.testing import CliRunner

    path = tmp_path / "rules.yaml"
    bad = TEXT.replace("  - id: tremor\n", "  - id: fever\n")
    path.write_text(bad)
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert result.exit_code == 1
    assert "duplicate feature id 'fever'" in result.output
    second = _line_of(bad, "  - id: fever\n    kind: symptom\n    group: temperature_heart")
    assert f"rules.yaml line {second}: duplicate feature id 'fever'" in result.output

    ok = CliRunner().invoke(main, ["rules", "check"])
    assert ok.exit_code == 0 and "2026.1 is valid" in ok.output
