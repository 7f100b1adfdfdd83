"""Whether questions not yet answered could still change the level: the web journey leaves
out the last history pages when they cannot (issue 23), so a caregiver told to call now is
not kept reading questions whose answers the clinic will ask on the phone.

"Could not change" is worked out from the rule set, not assumed. The level with those
questions blank (each an "I don't know", as the journey would leave them) is compared with
the level under every combination of:
- each yes/no question all "yes" and all "no" (the engine reads a yes/no fact only by its
  presence: a "yes", or an "I don't know" where it is asked, so no mix gives a level outside
  those two; scoring.py);
- each number at every threshold the rule set tests it against (and just below), its least
  and its greatest, or blank; each choice at every option, or blank;
and each question alone at each of its answers. A question that changes how a measurement
given is read (the person's usual pulse or pressure, an oxygen target of 88-92 %) is never
left out while that measurement is given. If the combinations would be too many to try, the
questions are asked. tests/clinical/test_settled.py searches for answers that break this.

Hazards: H56 (a question left out that would have raised the level; or lowered it, the
over-triage of an "I don't know" the person could have answered).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import product
from typing import Any

import orjson

from .rules import USUAL_HEART_RATE, USUAL_SYSTOLIC, Feature, RuleSet
from .scoring import decide

MOST_TRIES = 4000  # decide() calls to prove the rest can be left out (~0.1 ms each)



def questions_that_matter(request: Mapping[str, Any], ruleset: RuleSet,
                          questions: Sequence[Feature]) -> frozenset[str]:
    """The ids of `questions` (blank in `request`, which is in the API's shape) whose
    answer could change the level, whatever the others are answered. Raises
    `InvalidAnswers` for a request that does not fit the schema."""
    key = orjson.dumps(request, option=orjson.OPT_SORT_KEYS).decode()
    return _matter(key, ruleset, tuple(sorted(f.id for f in questions)))


@lru_cache(maxsize=512)
def _matter(key: str, ruleset: RuleSet, ids: tuple[str, ...]) -> frozenset[str]:
    request = orjson.loads(key)
    given = request.get("history") or {}
    blank = [ruleset.features[i] for i in ids if given.get(i) is None]
    # A question that changes how a measurement is read changes nothing without it: asked
    # when the measurement is given, left out otherwise (the search below checks).
    reading = {f.id: _reads_a_measurement(f, request, ruleset) for f in blank
               if f.id in _readings(ruleset)}
    blank = [f for f in blank if reading.get(f.id, True)]
    matter = {f.id for f in blank if f.id in reading}
    levels: dict[str, str] = {}

    def level(answers: dict[str, Any]) -> str:
        key = orjson.dumps(answers, option=orjson.OPT_SORT_KEYS).decode()
        if key not in levels:
            levels[key] = decide({**request, "history": {**given, **answers}}, ruleset).level
        return levels[key]

    for question in blank:
        if question.id in matter:
            continue
        others = [f for f in blank if f is not question]
        for context in _contexts(others, ruleset):
            if any(level({**context, question.id: answer}) != level(context)
                   for answer in _answers(question, ruleset)):
                matter.add(question.id)
                break
    # Proof for the rest: whatever the questions kept are answered (every combination),
    # answering all the others "yes" or all "no", with every combination of their numbers
    # and choices, gives the level they give blank; a yes/no answer only adds a finding, so
    # any mix lies between those two. If that cannot be shown, every question is asked.
    kept = [f for f in blank if f.id in matter]
    left_out = [f for f in blank if f.id not in matter]
    if left_out and not _nothing_changes(kept, left_out, ruleset, level):
        return frozenset(f.id for f in blank)
    return frozenset(matter)


def _nothing_changes(kept: Sequence[Feature], left_out: Sequence[Feature], ruleset: RuleSet,
                     level: Callable[[dict[str, Any]], str]) -> bool:
    """Whether, for every combination of answers to `kept`, every answer to the questions
    `left_out` gives the level they give blank (False if there are too many to try)."""
    tries = _count(kept, ruleset, yes_no=3) * (_count(left_out, ruleset, yes_no=None) + 1)
    if tries > MOST_TRIES:
        return False
    fills = list(_every_combination(left_out, ruleset, yes_no=None))
    return all(level({**keep, **fill}) == level(keep) for fill in fills
               for keep in _every_combination(kept, ruleset, yes_no=(True, False, None)))


def _count(questions: Sequence[Feature], ruleset: RuleSet, yes_no: int | None) -> int:
    """How many combinations _every_combination makes, without making them."""
    count = 2 if yes_no is None and any(f.kind == "history" for f in questions) else 1
    for f in questions:
        if f.kind != "history":
            count *= len(list(_answers(f, ruleset))) + 1
        elif yes_no is not None:
            count *= yes_no
    return count


def _every_combination(questions: Sequence[Feature], ruleset: RuleSet,
                       yes_no: tuple[Any, ...] | None) -> Iterator[dict[str, Any]]:
    """Every combination of answers (None: blank). yes_no=None: the yes/no questions all
    "yes", then all "no", rather than each on its own."""
    own = [f for f in questions if yes_no is not None or f.kind != "history"]
    together = [f for f in questions if yes_no is None and f.kind == "history"]
    values = [list(yes_no) if f.kind == "history" and yes_no is not None
              else [*_answers(f, ruleset), None] for f in own]
    for answer in ((True, False) if together else (None,)):
        for chosen in product(*values):
            yield {**{f.id: answer for f in together},
                   **{f.id: value for f, value in zip(own, chosen, strict=True)
                      if value is not None}}


def _readings(ruleset: RuleSet) -> dict[str, str]:
    """The questions that change how a measurement is read, and the measurement."""
    return {USUAL_SYSTOLIC: "systolic_bp", USUAL_HEART_RATE: "heart_rate",
            ruleset.news2.scale_2_fact: "spo2"}


def _reads_a_measurement(question: Feature, request: Mapping[str, Any],
                         ruleset: RuleSet) -> bool:
    """The question changes how a measurement given is read."""
    measurement = _readings(ruleset)[question.id]
    return (request.get("vitals") or {}).get(measurement) is not None


def _contexts(others: Sequence[Feature], ruleset: RuleSet) -> Iterator[dict[str, Any]]:
    """The answers to the other questions a question is first tried against: all blank,
    every yes/no one "yes", every one "no" (a quick sort; the proof comes after)."""
    yes_no = [f for f in others if f.kind == "history"]
    yield {}
    yield {f.id: True for f in yes_no}
    yield {f.id: False for f in yes_no}


def _answers(feature: Feature, ruleset: RuleSet) -> Iterator[Any]:
    """Every answer worth trying for one question."""
    if feature.kind == "history":
        yield from (True, False)
    elif feature.kind == "choice":
        yield from (option.id for option in feature.options)
    elif feature.kind == "number":
        points = {feature.min, feature.max}
        for threshold in _thresholds(ruleset, feature.id):
            points.update((threshold, threshold - 1))
        yield from sorted(p for p in points if p is not None
                          and (feature.min is None or p >= feature.min)
                          and (feature.max is None or p <= feature.max))


def _thresholds(ruleset: RuleSet, number_id: str) -> set[float]:
    """The values the rule set compares this number with ({number: {id, below|at_least}})."""
    return _all_thresholds(ruleset).get(number_id, set())


@lru_cache(maxsize=8)
def _all_thresholds(ruleset: RuleSet) -> dict[str, set[float]]:
    found: dict[str, set[float]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            test = node.get("number")
            if isinstance(test, Mapping) and "id" in test:
                found.setdefault(test["id"], set()).update(
                    test[k] for k in ("below", "at_least") if k in test)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(ruleset.raw)
    return found
