"""The condition language refuses a mistake in the rule file at load, naming its line in one
line: never a traceback, and never a file that loads and then makes every assessment fail."""

from __future__ import annotations

import json

import pytest

from screener.clinical.rules import DEFAULT_PATH, RuleSetError, conditions, parse_ruleset

TEXT = DEFAULT_PATH.read_text(encoding="utf-8")
SEIZURE = "    when: {symptom: seizure}\n"  # the seizure red flag's condition, edited below


def _line_of(text: str, anchor: str) -> int:
    return text[: text.index(anchor)].count("\n") + 1


def _refused(text: str) -> list[str]:
    with pytest.raises(RuleSetError) as refused:
        parse_ruleset(text)
    return refused.value.problems


# (description, the seizure rule's condition instead, words the one problem must hold)
MISTAKES = [
    ("a vital sign in short form", "{vital: temperature_c}",
     "'vital' needs a mapping with id and one of at_least, at_most, not 'temperature_c'"),
    ("a NEWS2 total as a word", "{news2_total_at_least: seven}",
     "'news2_total_at_least' needs a whole number >= 0, not 'seven'"),
    ("a private helper: parts", "{parts: [{symptom: seizure}]}", "unknown condition 'parts'"),
    ("a private helper: concept_facts", "{concept_facts: pump_problem}",
     "unknown condition 'concept_facts'"),
    ("a private helper: known", "{known: seizure}", "unknown condition 'known'"),
]


@pytest.mark.parametrize(("when", "words"), [m[1:] for m in MISTAKES],
                         ids=[m[0] for m in MISTAKES])
def test_a_mistaken_condition_is_refused_at_load_naming_its_line(when, words):
    assert TEXT.count(SEIZURE) == 1, "the edit must hit exactly one place"
    bad = TEXT.replace(SEIZURE, f"    when: {when}\n")
    problems = _refused(bad)
    line = _line_of(bad, f"when: {when}")
    assert problems == [f"ruleset.yaml line {line}: discriminator 'seizure': {words}"], problems


# A value of each YAML type; a condition whose argument is not of that type must refuse it.
SAMPLES = {bool: True, int: 7, float: 2.5, str: "seizure", list: ["seizure"],
           dict: {"id": "seizure"}, type(None): None}


def _with_parts(parts: list[str]) -> str:
    """The packaged file with the seizure rule's condition widened to `any` of these parts,
    one a line."""
    lines = "".join(f"        - {part}\n" for part in parts)
    return TEXT.replace(SEIZURE, f"    when:\n      any:\n        - {{symptom: seizure}}\n{lines}")


@pytest.mark.parametrize("kind", list(SAMPLES), ids=[k.__name__ for k in SAMPLES])
def test_every_condition_refuses_an_argument_of_the_wrong_type(kind):
    """Generated from the registry: each condition declares the YAML types its argument may
    have, and a value of any other type is refused at load, on its own line, in one line."""
    value = SAMPLES[kind]
    wrong = [key for key, entry in conditions.REGISTRY.items() if kind not in entry.shape.types]
    assert wrong or kind is dict, "every sample type is wrong for some condition"
    parts = [f"{{{key}: {json.dumps(value)}}}" for key in wrong]
    bad = _with_parts(parts)
    problems = _refused(bad)
    assert all("\n" not in p for p in problems)
    for key, part in zip(wrong, parts, strict=True):
        named = [p for p in problems if f"line {_line_of(bad, part)}:" in p]
        assert len(named) == 1 and f"'{key}'" in named[0], (key, problems)
    assert len(problems) == len(wrong), problems


def test_every_condition_declares_types_and_needs():
    for key, entry in conditions.REGISTRY.items():
        assert entry.key == key and entry.shape.types, key
        assert entry.doc, f"condition '{key}' says what it means"


def test_only_registered_conditions_exist():
    """No name on the compiler (a helper, an attribute) can be written as a condition."""
    own = {name.lstrip("_") for name in dir(conditions.ConditionCompiler)}
    attributes = {"check", "features", "vitals", "concepts", "named", "compiled", "expanding"}
    names = [n for n in sorted(own | attributes) if n and n not in conditions.REGISTRY]
    parts = [f"{{{name}: seizure}}" for name in names]
    bad = _with_parts(parts)
    problems = _refused(bad)
    for name, part in zip(names, parts, strict=True):
        assert (f"line {_line_of(bad, part)}: discriminator 'seizure': unknown condition "
                f"'{name}'") in " ".join(problems), (name, problems)
    assert len(problems) == len(names)


def test_a_key_that_is_not_a_word_is_refused_on_its_line():
    bad = TEXT.replace(SEIZURE, "    when: {[seizure]: true}\n")
    line = _line_of(bad, "when: {[seizure]")
    assert _refused(bad) == [f"ruleset.yaml line {line}: a key must be a word, not ['seizure']"]
