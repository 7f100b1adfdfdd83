"""The rule file: the packaged one is complete and valid; a bad one is refused by line."""

from __future__ import annotations

import pytest

from screener.cli import main
from screener.clinical.rules import (
    DEFAULT_PATH,
    LEVELS,
    RuleSetError,
    default_ruleset,
    parse_ruleset,
    read_lock,
    version_problem,
)

# The vocabulary the clinical brief (section 4) requires the API and rule set to accept.
SYMPTOMS = ["rebound_spasticity", "muscle_rigidity", "muscle_spasms", "tremor", "pruritus", "paresthesia", "fever", "sweating", "palpitations", "hallucinations", "delusions", "confusion", "agitation", "anxiety", "insomnia", "mood_change", "seizure", "reduced_consciousness", "excessive_drowsiness", "slow_breathing", "breathing_difficulty", "weakness", "vomiting", "dizziness", "headache", "dark_urine", "muscle_pain", "pump_site_swelling_or_redness", "pupil_change", "cough_or_cold_symptoms", "neck_stiffness"]
HISTORY = ["abrupt_stop", "missed_doses", "dose_recently_reduced", "supervised_gradual_taper", "ran_out_of_medication", "supply_running_low", "unable_to_take_oral", "took_more_than_prescribed", "other_sedatives_or_alcohol", "long_term_use", "pump_alarm", "refill_overdue", "recent_refill_or_programming_change", "recent_pump_or_catheter_surgery", "recent_mri", "pump_battery_low", "kidney_disease", "seizure_history", "spinal_cord_injury", "injury_level_T6_or_above", "communication_difficulty", "previous_withdrawal", "bladder_or_bowel_trigger"]
NUMBERS = ["hours_since_problem", "age_years"]
VITALS = ["temperature_c", "heart_rate", "systolic_bp", "respiratory_rate", "spo2"]

TEXT = DEFAULT_PATH.read_text(encoding="utf-8")


# Added in 2026.2 where the clinical review showed a need (brief-2).
NEW_SYMPTOMS = ["blue_or_mottled_skin", "non_blanching_rash", "cold_to_touch",
                "swallowing_difficulty", "positional_headache", "flushing_or_blurred_vision",
                "no_urine", "pump_site_fluid", "short_of_breath", "pump_site_infection_signs",
                "grunting_or_breathing_pauses", "poor_feeding"]
NEW_HISTORY = ["deliberate_overdose", "someone_elses_tablets", "spo2_target_88_92", "on_oxygen",
               # 2026.5 (issue 20, item 5)
               "difficult_refill", "recently_started", "for_alcohol_dependence", "dialysis",
               "pregnant_or_recent_birth", "newborn_exposed_in_womb", "weakened_immunity",
               "takes_opioids", "other_medicine_stopped", "pump_knocked_or_moved"]
NEW_NUMBERS = ["amount_taken_mg", "usual_systolic_bp", "extra_taken_mg", "weight_kg",
               "usual_heart_rate"]
CHOICES = ["alarm_type", "pump_make"]


def test_packaged_rule_set_covers_the_whole_vocabulary():
    rules = default_ruleset()
    assert rules.version == "2026.7"
    assert set(rules.ids("symptom")) == set(SYMPTOMS + NEW_SYMPTOMS)
    assert set(rules.ids("history")) == set(HISTORY + NEW_HISTORY)
    assert set(rules.ids("number")) == set(NUMBERS + NEW_NUMBERS)
    assert set(rules.ids("choice")) == set(CHOICES)
    assert list(rules.vitals) == VITALS
    assert [level.id for level in rules.levels] == list(LEVELS)


def test_discriminators_run_from_emergency_down_each_with_rationale_and_wording():
    rules = default_ruleset()
    ranks = [LEVELS.index(r.level) for r in rules.discriminators]
    assert ranks == sorted(ranks)
    assert {r.level for r in rules.discriminators} == {"emergency", "urgent", "soon"}
    for rule in rules.discriminators:
        assert rule.rationale and rule.says and rule.sources, rule.id
    assert rules.level("emergency").min_score is None  # points alone never reach it


def test_the_packaged_version_is_locked_to_its_content():
    rules = default_ruleset()
    assert version_problem(rules) is None
    assert read_lock()[rules.version] == rules.content_hash
    assert len(rules.short_hash) == 16 and rules.content_hash.startswith(rules.short_hash)


def test_a_content_change_without_a_new_version_is_refused(tmp_path):
    from click.testing import CliRunner

    changed = TEXT.replace("title: Baclofen withdrawal", "title: Baclofen  withdrawal")
    rules = parse_ruleset(changed)
    assert rules.version == default_ruleset().version
    assert rules.content_hash != default_ruleset().content_hash
    assert "content changed but its version" in version_problem(rules)
    path = tmp_path / "ruleset.yaml"
    path.write_text(changed)
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert result.exit_code == 1 and "Give it a new version" in result.output
    renamed = parse_ruleset(changed.replace('version: "2026.7"', 'version: "2026.99"'))
    assert "not in ruleset.lock" in version_problem(renamed)


def test_every_feature_and_rule_cites_a_known_source():
    rules = default_ruleset()
    cited = [f.sources for f in rules.features.values()]
    cited += [v.sources for v in rules.vitals.values()]
    cited += [r.sources for r in (*rules.discriminators, *rules.notes)]
    cited += [rules.news2.sources, rules.children.sources]
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
    ("rule without a source",
     "    when: {news2_total_at_least: 7}\n    sources: [NEWS2, CLINMED-NEWS2-DEFS]\n",
     "    when: {news2_total_at_least: 7}\n", "discriminator 'news2_emergency' has no source",
     "- id: news2_emergency"),
    ("discriminator without a rationale",
     "    rationale: NEWS2 7 or more calls for an emergency assessment. Aged 16 or over, or age "
     "not given.\n", "", "discriminator 'news2_emergency' has no 'rationale'",
     "- id: news2_emergency"),
    ("emergency reachable by points", "  - id: emergency\n    title:",
     "  - id: emergency\n    min_score: 12\n    title:", "level 'emergency' must have no min_score",
     "  - id: emergency"),
    ("NEWS2 and the children's bands split at different ages", "  adult_from_age: 16\n",
     "  adult_from_age: 18\n", "must equal news2.adult_from_age (18)", "  below_age: 16"),
    ("unknown named condition", "        - {condition: sign_of_infection}\n        - any:\n            - {symptom: confusion}",
     "        - {condition: signs_of_infection}\n        - any:\n            - {symptom: confusion}",
     "unknown named condition 'signs_of_infection'", "{condition: signs_of_infection}"),
    ("choice condition with an unknown option", "is: [single_tone]}}\n        - {history: pump_battery_low}",
     "is: [one_beep]}}\n        - {history: pump_battery_low}", "needs 'is' with options",
     "is: [one_beep]"),
    ("unknown source", "    term: Tremor\n    direction: withdrawal\n    weight: 1\n    sources: [seed 002]",
     "    term: Tremor\n    direction: withdrawal\n    weight: 1\n    sources: [seed 999]",
     "unknown source 'seed 999'", "- id: tremor"),
    ("re-checks after an unknown concept", "  after: interruption\n", "  after: interuption\n",
     "rechecks.after: unknown concept 'interuption'",
     "  levels: [soon, routine]\n  after: interuption"),
    ("re-check hours out of order", "  hours: [12, 24, 48, 72]\n", "  hours: [24, 12]\n",
     "rechecks.hours must be whole hours from 1 to 168, rising",
     "  levels: [soon, routine]\n  after: interruption\n  hours: [24"),
    ("re-checks at an unknown level", "rechecks:\n  levels: [soon, routine]\n",
     "rechecks:\n  levels: [soon, later]\n", "rechecks.levels must name levels",
     "  levels: [soon, later]"),
    ("duplicate feature id", "  - id: tremor\n", "  - id: fever\n",
     "duplicate feature id 'fever'", "  - id: fever\n    kind: symptom\n    group: temperature_heart"),
    ("duplicate key", "    term: Tremor\n", "    term: Tremor\n    term: Shaking\n",
     "duplicate key 'term'", "    term: Shaking"),
    ("level thresholds out of order", "    min_score: 1\n", "    min_score: 20\n",
     "min_score 20 must be lower than the level above it (8)", "  - id: soon"),
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
    ("follow-up of an unknown question",
     "follows: {id: spinal_cord_injury,", "follows: {id: spinal_injury,",
     "follows must name an earlier history or choice question", "follows: {id: spinal_injury,"),
    ("follow-up after an answer its question cannot have",
     "follows: {id: spinal_cord_injury, answers: [true, unknown]",
     "follows: {id: spinal_cord_injury, answers: [maybe]",
     "follows.answers must be answers to 'spinal_cord_injury'", "answers: [maybe]"),
    ("follow-up implying an answer it cannot have",
     "spinal_cord_injury, answers: [true, unknown], otherwise: false}",
     "spinal_cord_injury, answers: [true, unknown], otherwise: 12}",
     "follows.otherwise must be one of its own answers", "otherwise: 12}"),
    ("discriminator with an unknown level", "    level: urgent\n    label: Two or more",
     "    level: very_urgent\n    label: Two or more", "level must be one of",
     "- id: two_early_pump_withdrawal_signs"),
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
    bad = TEXT.replace("version: \"2026.7\"", "version: [\"2026.5\"")
    with pytest.raises(RuleSetError, match=r"line \d+: not valid YAML"):
        parse_ruleset(bad)


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
    assert ok.exit_code == 0 and "2026.7 (sha256" in ok.output and "is valid" in ok.output
