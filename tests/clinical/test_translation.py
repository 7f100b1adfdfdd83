"""The rule set's wording per language (issue 13, item 4; clinical/translation.py).

A translated rule set must decide exactly as the English one, word every sentence a person
reads through the catalogue, and show a translation only for the English it was made from.
"""

from __future__ import annotations

import io
from pathlib import Path

import orjson
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.support import Translations

from screener.cli.replay import case_answers
from screener.clinical import assess, decide, translation, wording
from screener.clinical.answers import InvalidAnswers, normalise
from screener.clinical.rules import DEFAULT_PATH
from screener.clinical.scoring import advice_that_applies
from tests.packaged import RULES
from tests.pseudo import CLOSE, OPEN, Pseudo

DATA = Path(__file__).parents[1] / "data"


def _every_case():
    for path in ("vignettes.json", "probes.json"):
        for _, raw in case_answers(DATA / path, RULES):
            try:
                yield normalise(orjson.loads(raw), RULES)
            except InvalidAnswers:
                continue  # a probe row written in the table's own shorthand


def test_a_translated_rule_set_decides_exactly_as_the_english_one():
    catalogue = Pseudo()
    pseudo = translation.translated(RULES, catalogue)
    assert translation.translated(RULES, catalogue) is pseudo  # made once per language
    cases = list(_every_case())
    assert len(cases) > 1000
    for answers in cases:
        english, worded = decide(answers, RULES), decide(answers, pseudo)
        assert (worded.level, worded.score, worded.direction) == (
            english.level, english.score, english.direction)
        assert [r.id for r in worded.discriminators] == [r.id for r in english.discriminators]
        assert [(c.feature, c.points) for c in worded.contributions] == [
            (c.feature, c.points) for c in english.contributions]
        assert advice_that_applies(worded, answers, pseudo) == advice_that_applies(
            english, answers, RULES)


def test_every_sentence_of_the_advice_goes_through_the_catalogue():
    """Advice for both audiences, from the rule set and the presenter, over every case."""
    catalogue = Pseudo()
    pseudo = translation.translated(RULES, catalogue)
    for answers in _every_case():
        result = assess(answers, pseudo, catalogue)
        for advice in result.advice.values():
            for line in (advice.headline, *advice.do_now, *advice.tell, *advice.watch_for):
                assert OPEN in line and CLOSE in line, line
        for c in result.contributions:
            assert OPEN in c.label and OPEN in c.term
        for r in result.discriminators:
            assert OPEN in r.label
    text = wording.as_text(assess(next(_every_case()), pseudo, catalogue), words=catalogue)
    assert all(OPEN in line for line in text.splitlines()
               if line.strip() and not line.strip().startswith("+")), text


def _catalogue(*messages: tuple[str, str, str]) -> Translations:
    """A compiled catalogue (as `pybabel compile` makes), from (context, English, Welsh)."""
    catalog = Catalog(locale="cy")
    for context, english, translated in messages:
        catalog.add(english, translated, context=context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def test_a_translation_is_shown_only_for_the_english_it_was_made_from():
    seizure = RULES.features["seizure"]
    welsh = _catalogue(("features.seizure.question", seizure.question, "Trawiad"),
                       # made from an older English sentence: not shown
                       ("features.fever.question", "An older question about fever", "Twymyn"),
                       # the same English under another id: not shown there
                       ("features.muscle_rigidity.question", seizure.question, "Anhyblygedd"))
    worded = translation.translated(RULES, welsh)
    assert worded.features["seizure"].question == "Trawiad"
    assert worded.features["fever"].question == RULES.features["fever"].question
    assert worded.features["muscle_rigidity"].question == RULES.features["muscle_rigidity"].question
    assert RULES.features["seizure"].question == seizure.question  # the original is untouched


def test_make_messages_extracts_every_sentence_of_the_rule_set_with_its_id():
    extracted = {(context, message) for _, message, _, context in extract_from_file(
        translation.extract, str(DEFAULT_PATH))}
    pairs = set(translation.wording(RULES))
    assert extracted == pairs and len(pairs) > 400
    assert ("levels.emergency.meaning", RULES.level("emergency").meaning) in pairs
    assert "[ruleset: screener/clinical/rules/ruleset.yaml]" in (
        Path(__file__).parents[2] / "babel.cfg").read_text()
