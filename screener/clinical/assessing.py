"""`assess()`: the decision (scoring.decide) put into words (wording.py) for both audiences.
The one module that imports both halves; the package (screener/clinical/__init__.py) offers
it as `screener.clinical.assess`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import wording
from .answers import Answers, normalise
from .results import Assessment
from .rules import RuleSet
from .scoring import advice_that_applies, age_band, decide, notes_that_apply

if TYPE_CHECKING:
    from .translation import Catalogue


def assess(answers: Answers | Mapping[str, Any], ruleset: RuleSet,
           words: Catalogue = wording.ENGLISH) -> Assessment:
    """Score one set of answers (validated `Answers`, or a request-shaped mapping): the
    decision, with its advice and notes for each audience, worded by `ruleset` (perhaps
    translated: clinical/translation.py) and the presenter's catalogue `words`.

    Raises `InvalidAnswers` for a mapping that does not fit the schema.
    Hazards: as `decide()`.
    """
    if not isinstance(answers, Answers):
        answers = normalise(answers, ruleset)
    decision = decide(answers, ruleset)
    facts, fired = decision.facts, wording.fired_in_words(decision, ruleset)
    contributions = wording.worded_contributions(decision.contributions, ruleset)
    return Assessment(
        level=decision.level,
        score=decision.score,
        score_level=decision.score_level,
        contributions=contributions,
        discriminators=fired,
        red_flags=tuple(r for r in fired if r.level == "emergency"),
        combinations=tuple(r for r in fired if r.level != "emergency"),
        direction=decision.direction,
        vital_scores=decision.vital_scores,
        news2_total=facts.news2_total if facts.adult_reading else None,
        age_band=age_band(facts, ruleset),
        advice={audience: wording.advice(audience, decision, answers, ruleset, ids, words,
                                         contributions)
                for audience, ids in advice_that_applies(decision, answers, ruleset).items()},
        notes=notes_that_apply(decision, ruleset),
        ruleset_version=ruleset.version,
        ruleset_hash=ruleset.short_hash,
        answers=answers.to_dict(),
    )
