"""Deciding the same answers under two rule sets, re-evaluating only what differs.

A rule-set change usually touches a few discriminators or a threshold. When the sections
that make the facts and the score are the same in both files, the second decision keeps the
first one's facts, score and direction, keeps the result of every discriminator whose text
is unchanged, and evaluates only the discriminators that are new or changed. The level then
follows from the second rule set's own thresholds. When those sections differ, it decides
from scratch. `tests/web/test_replay.py` checks that both ways give the same decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from .answers import Answers
from .results import Decision
from .rules import LEVEL_RANK, RuleSet
from .scoring import decide

# The rule-file sections that make the facts, the contributions and the score (the
# children's bands may use named conditions), and those the discriminators also read.
FACT_SECTIONS = ("routes", "groups", "features", "vitals", "news2", "children", "concepts",
                 "conditions")


@dataclass(frozen=True)
class Outcome:
    """The parts of a decision a comparison reports."""

    level: str
    fired: frozenset[str]
    score_level: str


class Comparison:
    """`before` and `after`, and what `after` can take from `before`'s decisions."""

    def __init__(self, before: RuleSet, after: RuleSet):
        self.before, self.after = before, after
        self.same_facts = all(before.raw.get(section) == after.raw.get(section)
                              for section in FACT_SECTIONS)
        old = {node.get("id"): node for node in before.raw.get("discriminators", [])}
        new = {node.get("id"): node for node in after.raw.get("discriminators", [])}
        # after's discriminators, most urgent first, each with whether its text is unchanged
        self.rules = tuple((rule, old.get(rule.id) == new.get(rule.id))
                           for rule in after.discriminators)
        self.thresholds = tuple((level.id, level.min_score) for level in after.levels
                                if level.min_score is not None)

    def outcomes(self, answers: Answers) -> tuple[Outcome, Outcome]:
        """The outcome under `before` and under `after` (both read the same `Answers`)."""
        first = decide(answers, self.before)
        return outcome(first), (self._reuse(first) if self.same_facts
                                else outcome(decide(answers, self.after)))

    def _reuse(self, first: Decision) -> Outcome:
        fired_before = {rule.id for rule in first.discriminators}
        fired, top = [], None
        for rule, unchanged in self.rules:
            if unchanged:
                holds = rule.id in fired_before
            else:
                holds = ((rule.needs is None or not rule.needs.isdisjoint(first.present))
                         and rule.when(first.facts))
            if holds:
                fired.append(rule.id)
                top = top or rule.level  # most urgent first
        score_level = next(level for level, at_least in self.thresholds
                           if first.score >= at_least)
        level = score_level if top is None else max(score_level, top,
                                                    key=LEVEL_RANK.__getitem__)
        return Outcome(level, frozenset(fired), score_level)


def outcome(decision: Decision) -> Outcome:
    return Outcome(decision.level, frozenset(r.id for r in decision.discriminators),
                   decision.score_level)
