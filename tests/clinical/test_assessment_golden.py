"""Golden results: the stored form (`to_dict()`) and the plain text for both audiences of the
assessment of every case in tests/data (the probe table with its symptom rows expanded, the
vignettes, the review cases and the everyday calls), in English, and the vignettes, review
cases and everyday calls again under the pseudo-locale (a translated rule set and catalogue).
A refactoring of the engine or the presenter must leave every byte of them as it was
(issue 21, item 4).

The file (tests/data/assessment_golden.json) keeps each long string, list or object once: a
string starting with "@" is a reference, `@<n>`, to `parts[n]` (which may hold references).

Re-record, only after a change that is meant to alter results (and read the diff):

    .venv/bin/python -m tests.clinical.test_assessment_golden --write
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from screener.cli.replay import case_answers
from screener.clinical import assess, translation, wording
from screener.clinical.translation import Catalogue
from tests.packaged import RULES
from tests.pseudo import Pseudo

DATA = Path(__file__).parent.parent / "data"
GOLDEN = DATA / "assessment_golden.json"
CASE_FILES = ("probes.json", "vignettes.json", "review_cases.json", "everyday_calls.json")
PSEUDO_FILES = CASE_FILES[1:]  # the probe table is ~3,000 rows; its wording is the same code
SHORT = 24  # strings, lists and objects this long (as JSON) or longer are kept once, in `parts`


def _cases() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(key, language, answers) of every case; a key seen before gets "#2", "#3"..."""
    seen: dict[str, int] = {}
    for language, files in (("english", CASE_FILES), ("pseudo", PSEUDO_FILES)):
        for name in files:
            for case_id, raw in case_answers(DATA / name, RULES):
                given = orjson.loads(raw)
                if given.pop("all_no", False):  # the probe table's "every history question: no"
                    given["history"] = dict.fromkeys(RULES.asked_for(given["route"]), False)
                key = f"{language}:{name.removesuffix('.json')}:{case_id}"
                seen[key] = seen.get(key, 0) + 1
                yield (key if seen[key] == 1 else f"{key}#{seen[key]}"), language, given


def _catalogues() -> dict[str, tuple[Any, Catalogue]]:
    pseudo = Pseudo()
    return {"english": (RULES, wording.ENGLISH),
            "pseudo": (translation.translated(RULES, pseudo), pseudo)}


def _result(answers: dict[str, Any], ruleset, words: Catalogue) -> dict[str, Any]:
    assessment = assess(answers, ruleset, words)
    return {"assessment": assessment.to_dict(),
            "text": {audience: wording.as_text(assessment, audience, words).split("\n")
                     for audience in ("caregiver", "staff")}}


def record() -> dict[str, Any]:
    """Every case's result now, each long string, list or object kept once."""
    catalogues = _catalogues()
    parts: dict[bytes, int] = {}
    table: list[Any] = []

    def packed(node: Any) -> Any:
        if isinstance(node, dict):
            node = {key: packed(value) for key, value in node.items()}
        elif isinstance(node, list):
            node = [packed(value) for value in node]
        elif not isinstance(node, str) or (len(node) < SHORT and not node.startswith("@")):
            return node
        text = orjson.dumps(node)
        if len(text) < SHORT and not isinstance(node, str):
            return node
        if text not in parts:
            parts[text] = len(table)
            table.append(node)
        return f"@{parts[text]}"

    cases = {key: {part: {name: packed(value) for name, value in made.items()}
                   for part, made in _result(answers, *catalogues[language]).items()}
             for key, language, answers in _cases()}
    return {"ruleset": {"version": RULES.version, "hash": RULES.short_hash},
            "parts": table, "cases": cases}


def _unpacked(node: Any, parts: list[Any]) -> Any:
    if isinstance(node, str):
        return _unpacked(parts[int(node[1:])], parts) if node.startswith("@") else node
    if isinstance(node, dict):
        return {key: _unpacked(value, parts) for key, value in node.items()}
    if isinstance(node, list):
        return [_unpacked(value, parts) for value in node]
    return node


def _golden() -> dict[str, Any]:
    return orjson.loads(GOLDEN.read_bytes())


def test_the_golden_file_is_for_this_rule_set_and_these_cases():
    golden = _golden()
    assert golden["ruleset"] == {"version": RULES.version, "hash": RULES.short_hash}
    assert list(golden["cases"]) == [key for key, _, _ in _cases()]
    assert len(golden["cases"]) > 3000


def test_every_assessment_is_as_recorded():
    golden = _golden()
    parts, expected = golden["parts"], golden["cases"]
    catalogues = _catalogues()
    differ = []
    for key, language, answers in _cases():
        now = _result(answers, *catalogues[language])
        if orjson.dumps(now) != orjson.dumps(_unpacked(expected[key], parts)):
            differ.append(key)
    if differ:  # the first one in full, for pytest's diff
        key = differ[0]
        language = key.split(":", 1)[0]
        answers = next(a for k, _, a in _cases() if k == key)
        assert _result(answers, *catalogues[language]) == _unpacked(expected[key], parts), (
            f"{len(differ)} cases differ, first {key}")
    assert differ == []


def _one_per_line(recorded: dict[str, Any]) -> bytes:
    """JSON with each part and each case on its own line, so a diff shows what moved."""
    parts = b",\n".join(orjson.dumps(part) for part in recorded["parts"])
    cases = b",\n".join(orjson.dumps(key) + b": " + orjson.dumps(case)
                         for key, case in recorded["cases"].items())
    return (b'{"ruleset": ' + orjson.dumps(recorded["ruleset"]) + b',\n"parts": [\n' + parts
            + b'\n],\n"cases": {\n' + cases + b"\n}}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"re-record {GOLDEN}")
    args = parser.parse_args(argv)
    if not args.write:
        parser.print_help()
        return 2
    recorded = record()
    GOLDEN.write_bytes(_one_per_line(recorded))
    print(f"{len(recorded['cases'])} cases, {len(recorded['parts'])} parts: {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

