"""The scoring engine: answers and a rule set in, a frozen `Decision` out, before anything
is put into words (the words are wording.py's; assessing.py puts the two together). Pure: no
Flask, no database.

    level = max(every discriminator that fired, the level the symptom score reaches)

Discriminators (NEWS2 and the children's NICE bands among them) set the floor; the
route-aware weighted score explains the answers and can lift a quiet picture to soon or
urgent, never to emergency. Every weight is >= 0, every discriminator only tests for
findings being present, and the level is a maximum, so more findings can only keep or
raise it. See docs/hazard-log.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from .answers import Answers, normalise
from .results import Contribution, Decision, FiredRule, Note, VitalScore
from .rules import AGE, LEVEL_RANK, USUAL_SYSTOLIC, Facts, RuleSet, Vital


def decide(answers: Answers | Mapping[str, Any], ruleset: RuleSet) -> Decision:
    """Decide the level for one set of answers (validated `Answers`, or a request-shaped
    mapping); raises `InvalidAnswers` for a mapping that does not fit the schema.

    Hazards: H1 under-triage of a red flag; H2 a level lowered by more information;
    H3 "unknown" treated as "no"; H5 early pump withdrawal missed.
    """
    if not isinstance(answers, Answers):
        answers = normalise(answers, ruleset)
    age = answers.numbers.get(AGE)
    child = ruleset.children.group_for(age)
    child_groups, adult, limits, weight = ruleset.children.reading(age)
    scale_2 = answers.history.get(ruleset.news2.scale_2_fact) is True
    on_oxygen = answers.history.get(ruleset.news2.oxygen_fact) is True
    systolic_usual = _systolic_is_usual(answers, ruleset)
    vital_scores = _vital_scores(answers, ruleset, scale_2, on_oxygen, systolic_usual)
    symptoms, implied = _symptoms_with_implied(answers, ruleset)
    news2 = ruleset.news2
    points = [v.points for v in vital_scores]
    if not symptoms.isdisjoint(news2.consciousness_symptoms):
        points.append(news2.consciousness_points)
    if on_oxygen:
        points.append(news2.oxygen_points)
    facts = Facts(
        route=answers.route,
        symptoms=symptoms,
        history=answers.history,
        numbers=answers.numbers,
        choices=answers.choices,
        vitals=answers.vitals,
        news2_total=sum(points) if adult else 0,
        news2_max=max(points, default=0) if adult else 0,
        asked=ruleset.asked_for(answers.route),
        spo2_scale_2=scale_2,
        child=child,
        systolic_usual=systolic_usual,
        child_groups=child_groups,
        adult_reading=adult,
        limits=limits,
        age_known=age is not None,
        weight_estimate=weight,
        slow_pulse_at_most=ruleset.children.slow_pulse_at_most,
    )
    contributions = _contributions(answers, symptoms, implied, vital_scores, ruleset)
    score = sum(c.points for c in contributions if c.kind != "vital")
    present = {f"symptom:{s}" for s in symptoms}
    present.update(f"vital:{v}" for v in answers.vitals)
    present.update(f"history:{h}" for h, answer in answers.history.items() if answer is True)
    fired = _fired(ruleset.discriminators, facts, present)
    score_level = _level_for_score(score, ruleset)
    # Which way the signs point is a guess until something is known about how they take
    # baclofen or what happened (the emergency-signs page alone says neither) [ours].
    direction = _direction(contributions) if _anything_known(answers) else None
    facts.fired.update(rule.id for rule in fired)  # for the advice and notes
    if not facts.fired.isdisjoint(ruleset.naming_a_cause):
        direction = None  # e.g. AD: no "withdrawal" beside it, so no one lays them flat (H28)
    return Decision(level=_escalate(score_level, fired), score=score, score_level=score_level,
                    contributions=contributions, discriminators=fired, direction=direction,
                    vital_scores=vital_scores, facts=facts, present=frozenset(present))


def notes_that_apply(decision: Decision, ruleset: RuleSet) -> tuple[Note, ...]:
    """The rule set's notes whose condition holds for this decision."""
    present, facts = decision.present, decision.facts
    return tuple([
        _NOTES[rule] for rule in ruleset.notes
        if (rule.needs is None or not rule.needs.isdisjoint(present)) and rule.when(facts)
    ])


def age_band(facts: Facts, ruleset: RuleSet) -> str:
    """"adult", the child's NICE band, or "unknown" (the cautious reading: an unknown age
    read as an adult's and a school-age child's together). Rule sets before 2026.5 read an
    unknown age as an adult's."""
    if facts.child is not None:
        return facts.child.id
    if not facts.age_known and ruleset.children.unknown_age_child_from is not None:
        return "unknown"
    return "adult"


def advice_that_applies(decision: Decision, answers: Answers, ruleset: RuleSet
                        ) -> dict[str, tuple[str, ...]]:
    """For each audience, the ids of the advice additions this decision calls for (by
    route, level, direction, a condition, or the discriminators that fired); the words are
    the presenter's (wording.py)."""
    facts, direction_key = decision.facts, decision.direction or "none"
    return {audience: tuple([
        extra.id for extra in ruleset.additions_for(audience, decision.level, answers.route)
        if (extra.directions is None or direction_key in extra.directions)
        and (extra.fired is None or not extra.fired.isdisjoint(facts.fired))
        and (extra.unless_fired is None or extra.unless_fired.isdisjoint(facts.fired))
        and (extra.when is None or extra.when(facts))
        and (extra.unless is None or not extra.unless(facts))])
        for audience in ("caregiver", "staff")}


def _systolic_is_usual(answers: Answers, ruleset: RuleSet) -> bool:
    """A low systolic pressure within the margin below the person's stated usual value."""
    systolic = answers.vitals.get("systolic_bp")
    usual = answers.numbers.get(USUAL_SYSTOLIC)
    if systolic is None or usual is None:
        return False
    return systolic >= usual - ruleset.news2.usual_systolic_margin


def _vital_scores(answers: Answers, ruleset: RuleSet, scale_2: bool, on_oxygen: bool,
                  systolic_usual: bool) -> tuple[VitalScore, ...]:
    """NEWS2 points of each measured vital sign (SpO2 on Scale 2 when a target of 88-92 %
    is set; a low systolic pressure that is the person's usual scores 0).

    Hazards: H17 a chronic abnormal baseline scored as new."""
    scores = []
    for vital in ruleset.vitals.values():
        value = answers.vitals.get(vital.id)
        if value is not None:
            points = vital.points(value)
            if vital.id == "systolic_bp" and systolic_usual and vital.below_normal(value):
                points = 0
            if vital.id == "spo2" and scale_2:
                news2 = ruleset.news2
                points = Vital.band_points(
                    news2.scale_2_on_oxygen if on_oxygen else news2.scale_2_on_air, value)
            scores.append(VitalScore(vital.id, vital.label, value, vital.unit,
                                     points, vital.direction(value)))
    return tuple(scores)


def _symptoms_with_implied(answers: Answers, ruleset: RuleSet):
    """Add findings a measured vital sign shows (a measured fever is a fever).

    Hazards: H1 (a measured 39.5 °C scoring lower than a ticked "fever").
    """
    implied: dict[str, str] = {}
    for vital in ruleset.vitals.values():
        value = answers.vitals.get(vital.id)
        if value is None:
            continue
        for symptom, bound, limit in vital.implies:
            met = value >= limit if bound == "at_least" else value <= limit
            if met and symptom not in answers.symptoms:
                implied[symptom] = vital.id
    return answers.symptoms | frozenset(implied), implied


class _ContributionCache(dict):
    """One immutable Contribution per (feature, route, counted), made on first use."""

    def __missing__(self, key):
        feature, route, counted = key
        points = feature.weight_for(route) if counted else 0
        if feature.kind == "symptom":
            made = Contribution(feature.id, "symptom", points, feature.question, feature.term,
                                feature.direction, feature.sources)
        else:
            made = Contribution(feature.id, "history", points,
                                feature.statement or feature.question, feature.term,
                                feature.direction, feature.sources)
        self[key] = made
        return made


_CONTRIBUTIONS = _ContributionCache()


def _contributions(answers, symptoms, implied, vital_scores, ruleset) -> tuple[Contribution, ...]:
    """Each finding with its points. Risk modifiers count only alongside a sign of trouble."""
    route = answers.route
    features = ruleset.features
    found = []
    for symptom in sorted(symptoms, key=ruleset.order.__getitem__):
        made = _CONTRIBUTIONS[features[symptom], route, True]
        if symptom in implied:
            made = replace(made, implied_by=implied[symptom])
        found.append(made)
    trouble = any(c.points and c.direction != "neither" for c in found) or any(
        v.points for v in vital_scores
    )
    for fact, answer in answers.history.items():
        if answer is True:
            f = features[fact]
            found.append(_CONTRIBUTIONS[f, route, trouble or not f.modifier])
    for vital in vital_scores:
        found.append(_vital_contribution(ruleset.vitals[vital.vital], vital.value, vital.points,
                                         vital.direction))
    return tuple(found)


@lru_cache(maxsize=4096)  # measurements repeat (whole numbers): reuse the frozen result
def _vital_contribution(vital: Vital, value: float, points: int, direction: str) -> Contribution:
    """A measured vital sign's points; its label and term are the presenter's to word from
    the value (wording.worded_contributions)."""
    return Contribution(vital.id, "vital", points, "", "", direction, vital.sources, value=value)


def _fired(rules, facts: Facts, present: set[str] | None = None) -> tuple[FiredRule, ...]:
    """Discriminators whose condition holds, most urgent first. With `present` (the
    findings given), a rule none of whose needed findings is present is not evaluated.

    Hazards: H1 (an emergency sign not recognised)."""
    return tuple([
        _FIRED[rule] for rule in rules
        if (present is None or rule.needs is None or not rule.needs.isdisjoint(present))
        and rule.when(facts)
    ])


class _FiredCache(dict):
    """One immutable FiredRule per rule, made on first use."""

    def __missing__(self, rule):
        fired = self[rule] = FiredRule(rule.id, rule.label, rule.level, rule.sources, rule.says)
        return fired


_FIRED = _FiredCache()


class _NoteCache(dict):
    def __missing__(self, rule):
        note = self[rule] = Note(rule.id, rule.audience or "both", rule.label, rule.sources)
        return note


_NOTES = _NoteCache()


def _level_for_score(score: int, ruleset: RuleSet) -> str:
    """The level points alone reach: never emergency (that level has no min_score)."""
    return next(level.id for level in ruleset.levels
                if level.min_score is not None and score >= level.min_score)


def _escalate(score_level: str, fired: tuple[FiredRule, ...]) -> str:
    """The highest of the score's level and every fired discriminator's level.

    Hazards: H1 an emergency discriminator not ending in emergency; H2 a rule lowering
    the level (a maximum can only stay or rise as rules fire).
    """
    if fired:  # listed most urgent first
        return max(score_level, fired[0].level, key=LEVEL_RANK.__getitem__)
    return score_level


def _anything_known(answers: Answers) -> bool:
    return answers.route != "unknown" or any(
        value is not None for known in (answers.history, answers.numbers, answers.choices)
        for value in known.values())


def _direction(contributions: tuple[Contribution, ...]) -> str | None:
    """Which way the findings point: withdrawal, overdose, unclear, or None if no findings.

    Symptoms and vital signs decide; history breaks a tie when the findings are shared by
    both syndromes. A clear lead needs twice the points of the other side [ours].
    """
    def lean(kinds: tuple[str, ...]) -> tuple[int, int, bool]:
        withdrawal = overdose = 0
        shared = False
        for c in contributions:
            if c.kind not in kinds or c.points == 0:
                continue
            if c.direction == "withdrawal":
                withdrawal += c.points
            elif c.direction == "overdose":
                overdose += c.points
            elif c.direction == "both":
                shared = True
        return withdrawal, overdose, shared

    withdrawal, overdose, shared = lean(("symptom", "vital"))
    if not (withdrawal or overdose or shared):
        return None
    if not (withdrawal or overdose):
        withdrawal, overdose, _ = lean(("history",))
    if withdrawal >= 2 * overdose and withdrawal:
        return "withdrawal"
    if overdose >= 2 * withdrawal and overdose:
        return "overdose"
    return "unclear"
