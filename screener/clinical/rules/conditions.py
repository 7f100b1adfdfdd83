"""The condition language of `when:` clauses: a registry with one entry per condition.

Each entry declares, in one place, the shape of its argument (checked at load, shapes.py),
the predicate over `Facts` it builds, the findings it needs (the pre-check the scoring
engine runs before evaluating a rule) and the questions the rule file must define for it.
Only a registered key is a condition: no helper or attribute can be named in a rule file.

Only presence tests exist (no "not"), which keeps every rule monotone.
Hazards: H2 (a rule that adding a finding could switch off), H3 ("unknown" as "no").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .checker import Checker
from .model import PHYSIOLOGY_LIMITS, Facts, Predicate
from .registry import REGISTRY, Condition, Site, condition, finding, never, vital_named, vital_sign
from .shapes import (
    NUMBER,
    TRUE_OR_FALSE,
    Conditions,
    Fields,
    ListOf,
    Number,
    OneOf,
    OneOrList,
    Ref,
    Text,
)
from .vocabulary import (
    AGE,
    AMOUNT_TAKEN,
    EXTRA_TAKEN,
    ROUTES,
    USUAL_HEART_RATE,
    USUAL_SYSTOLIC,
    WEIGHT,
)

# --- Findings ---------------------------------------------------------------------

@condition("symptom", Ref("symptom"), needs=finding("symptom"))
def _symptom(value, at):
    """The symptom is present (given, or implied by a vital sign)."""
    return lambda facts: value in facts.symptoms


@condition("symptoms_any", ListOf(Ref("symptom"), "a list of symptom ids"),
           needs=lambda value, c: frozenset(f"symptom:{v}" for v in value))
def _symptoms_any(value, at):
    """Any of these symptoms is present."""
    wanted = frozenset(value)
    return lambda facts: not wanted.isdisjoint(facts.symptoms)


@condition("history", Ref("history"), needs=finding("history"))
def _history(value, at):
    """The history fact is answered yes."""
    return lambda facts: facts.history.get(value) is True


@condition("concept", Ref("concept"), needs=lambda value, c: frozenset(
    f"history:{f}" for f in c.concepts[value].facts))
def _concept(value, at):
    """Any of the concept's history facts is answered yes."""
    facts_of = at.compiler.concepts[value].facts

    def concept(facts: Facts) -> bool:
        history = facts.history
        for fact in facts_of:
            if history.get(fact) is True:
                return True
        return False

    return concept


@condition("possible", Ref("concept"))
def _possible(value, at):
    """Any of the concept's facts is yes, or one asked for this route is unanswered or
    unknown."""
    facts_of = at.compiler.concepts[value].facts

    def possible(facts: Facts) -> bool:
        for fact in facts_of:
            answer = facts.history.get(fact)
            if answer is True or (answer is None and fact in facts.asked):
                return True
        return False

    return possible


@condition("number", Fields(required={"id": Ref("number")},
                            one_of={"below": NUMBER, "at_least": NUMBER},
                            optional={"or_unknown": TRUE_OR_FALSE}))
def _number(value, at):
    """{id, below, or_unknown} or {id, at_least}: a number answered (or unknown)."""
    number_id = value["id"]
    unknown_counts = value.get("or_unknown") is True
    if "below" in value:
        below = value["below"]

        def is_below(facts: Facts) -> bool:
            number = facts.numbers.get(number_id)
            return unknown_counts if number is None else number < below

        return is_below
    at_least = value["at_least"]

    def is_at_least(facts: Facts) -> bool:
        number = facts.numbers.get(number_id)
        return unknown_counts if number is None else number >= at_least

    return is_at_least


@condition("choice", Fields(required={"id": Ref("choice"),
                                      "is": ListOf(Text(), "a list of options")},
                            optional={"or_unknown": TRUE_OR_FALSE}))
def _choice(value, at):
    """{id, is: [options], or_unknown}: the answer is one of these (or not known)."""
    choice_id = value["id"]
    wanted = frozenset(value["is"])
    options = {o.id for o in at.compiler.features[choice_id].options}
    if not wanted <= options:
        return at.refuse(f"'{choice_id}' needs 'is' with options from "
                         f"{', '.join(sorted(options))}")
    unknown_counts = value.get("or_unknown") is True
    return lambda facts: (facts.choices.get(choice_id) in wanted
                          or (unknown_counts and facts.choices.get(choice_id) is None))


@condition("route", OneOrList(OneOf(ROUTES), "a route or a list of routes from "
                                             + ", ".join(ROUTES)))
def _route(value, at):
    """The medicine is taken by one of these routes."""
    routes = frozenset(value if isinstance(value, list) else [value])
    return lambda facts: facts.route in routes


# --- Age --------------------------------------------------------------------------

@condition("adult", OneOf((True,), "true"))
def _adult(value, at):
    """The adult reading applies: aged 16 or over, or the age is not known (the
    cautious reading reads the values as an adult's too)."""
    return lambda facts: facts.adult_reading


@condition("child", OneOf(("high", "moderate", "low", "any", "unknown_age", "slow_pulse"),
                          "high, moderate, low, any or unknown_age"))
def _child(value, at):
    """high / moderate / low: a NICE criterion for a child band that applies (the
    child's own; for an unknown age, any school-age band); any: a known age under 16;
    unknown_age: the age is not known."""
    def criterion(name):
        def met(facts: Facts) -> bool:
            for group in facts.child_groups:
                if getattr(group, name)(facts):
                    return True
            return False
        return met

    if value in ("high", "moderate"):
        return criterion(value)
    if value == "low":  # a known child only: a value a little outside a school-age
        low = criterion(value)  # child's range and normal for an adult is not a finding
        return lambda facts: facts.age_known and low(facts)
    if value == "any":
        return lambda facts: facts.age_known and bool(facts.child_groups)
    if value == "unknown_age":
        return lambda facts: not facts.age_known
    # slow_pulse: rule sets before 2026.5, for replay
    return lambda facts: (facts.age_known and bool(facts.child_groups)
                          and facts.vitals.get("heart_rate", math.inf)
                          <= facts.slow_pulse_at_most)


# The limits a for_age condition may name (the AD pressures and the weight have their own).
FOR_AGE = sorted(name for name in PHYSIOLOGY_LIMITS
                 if not name.startswith(("systolic_bp.ad", "weight")))


WITH_AGE_LIMITS = tuple(sorted({name.split(".")[0] for name in FOR_AGE}))


@condition("for_age", Fields(required={"id": OneOf(WITH_AGE_LIMITS, "a vital sign with age "
                                                                    "limits"),
                                       "limit": Text()}),
           needs=vital_named)
def _for_age(value, at):
    """{id: VITAL, limit: NAME}: the value is at or beyond the named limit of the
    physiology table for the person's age (any row of the cautious reading when the age
    is not known). Hazards: H8."""
    vital_id = value["id"]
    name = f"{vital_id}.{value['limit']}"
    if name not in FOR_AGE:
        return at.refuse(f"needs an id and a limit from {', '.join(FOR_AGE)}")
    below = PHYSIOLOGY_LIMITS[name]

    def beyond(facts: Facts) -> bool:
        measured = facts.vitals.get(vital_id)
        if measured is None:
            return False
        for limits in facts.limits:
            if (measured <= limits[name]) if below else (measured >= limits[name]):
                if vital_id == "systolic_bp" and below and facts.systolic_usual:
                    continue  # their usual pressure is not low for them (H17)
                return True
        return False

    return beyond


@condition("dose_per_kg", Fields(required={"at_least": NUMBER},
                                 optional={"or_unknown": TRUE_OR_FALSE}),
           requires=(("number", EXTRA_TAKEN), ("number", AMOUNT_TAKEN), ("number", WEIGHT)))
def _dose_per_kg(value, at):
    """{at_least: N, or_unknown}: the extra amount taken, per kg of the weight given (or
    the cautious weight for the age), is N mg/kg or more; or_unknown: an amount not given
    counts. Hazards: H8, H39."""
    at_least = value["at_least"]
    unknown_counts = value.get("or_unknown") is True

    def per_kg(facts: Facts) -> bool:
        amount = facts.numbers.get(EXTRA_TAKEN)
        if amount is None:
            amount = facts.numbers.get(AMOUNT_TAKEN)
        if amount is None:
            return unknown_counts
        weight = facts.numbers.get(WEIGHT) or facts.weight_estimate
        return weight is None or amount / weight >= at_least

    return per_kg


# --- Vital signs ------------------------------------------------------------------

@condition("vital", Fields(required={"id": Ref("vital")},
                           one_of={"at_least": NUMBER, "at_most": NUMBER}),
           needs=vital_named)
def _vital(value, at):
    """{id, at_least: N} or {id, at_most: N}: the vital sign measured at or beyond N."""
    vital = at.compiler.vitals[value["id"]]
    op, threshold = next((k, v) for k, v in value.items() if k in ("at_least", "at_most"))
    if not vital.min <= threshold <= vital.max:
        return at.refuse(f"threshold {threshold} is outside the accepted range of {vital.id} "
                         f"({vital.min}-{vital.max})")
    vital_id = vital.id
    if op == "at_least":
        return lambda facts: facts.vitals.get(vital_id, -math.inf) >= threshold
    return lambda facts: facts.vitals.get(vital_id, math.inf) <= threshold


@condition("measured", Ref("vital"), needs=finding("vital"))
def _measured(value, at):
    """The vital sign was measured (the one test on a measurement's presence)."""
    return lambda facts: value in facts.vitals


@condition("not_measured", Ref("vital"))
def _not_measured(value, at):
    """The vital sign was not measured: for the written exception to invariant 2 (an
    autonomic dysreflexia sign without a cuff is an emergency; a measured normal
    pressure makes it urgent). Hazards: H2, H28."""
    return lambda facts: value not in facts.vitals


@condition("ad_pressure", OneOf(("raised", "threshold"), "raised or threshold"),
           needs=vital_sign("systolic_bp"), requires=(("number", USUAL_SYSTOLIC),))
def _ad_pressure(value, at):
    """raised: the systolic pressure is up for autonomic dysreflexia: by the age's rise
    over the person's stated usual, or, with no usual given, at or above the age's
    'raised' value; threshold: at or above the age's drug-treatment threshold.
    Hazards: H28."""
    def pressure(facts: Facts) -> bool:
        systolic = facts.vitals.get("systolic_bp")
        if systolic is None:
            return False
        usual = facts.numbers.get(USUAL_SYSTOLIC)
        for limits in facts.limits:
            if systolic >= limits["systolic_bp.ad_threshold"]:
                return True
            if value == "raised" and (
                    systolic - usual >= limits["systolic_bp.ad_rise"] if usual is not None
                    else systolic >= limits["systolic_bp.ad_raised"]):
                return True
        return False

    return pressure


@condition("spo2_at_most", Fields(required={"scale_1": NUMBER, "scale_2": NUMBER}),
           needs=vital_sign("spo2"))
def _spo2_at_most(value, at):
    """SpO2 at or below the Scale 1 or Scale 2 limit, as the person's scale applies."""
    scale_1, scale_2 = value["scale_1"], value["scale_2"]
    return lambda facts: facts.vitals.get("spo2", math.inf) <= (
        scale_2 if facts.spo2_scale_2 else scale_1)


@condition("systolic_low", NUMBER, needs=vital_sign("systolic_bp"))
def _systolic_low(value, at):
    """Systolic pressure at or below N, unless that is the person's usual pressure
    (within the NEWS2 usual margin of the usual value they gave). Hazards: H17."""
    return lambda facts: (facts.vitals.get("systolic_bp", math.inf) <= value
                          and not facts.systolic_usual)


@condition("systolic_below_usual", NUMBER, needs=vital_sign("systolic_bp"),
           requires=(("number", USUAL_SYSTOLIC),))
def _systolic_below_usual(value, at):
    """Systolic pressure at least N mmHg below the person's stated usual (NICE: more than
    40 below normal). Hazards: H17, H19."""
    def below_usual(facts: Facts) -> bool:
        systolic = facts.vitals.get("systolic_bp")
        usual = facts.numbers.get(USUAL_SYSTOLIC)
        return systolic is not None and usual is not None and usual - systolic >= value

    return below_usual


@condition("heart_rate_below_usual", NUMBER, needs=vital_sign("heart_rate"),
           requires=(("number", USUAL_HEART_RATE),))
def _heart_rate_below_usual(value, at):
    """A pulse at least N beats a minute below the person's stated usual pulse (a
    relative bradycardia). Hazards: H28."""
    def below_usual(facts: Facts) -> bool:
        pulse = facts.vitals.get("heart_rate")
        usual = facts.numbers.get(USUAL_HEART_RATE)
        return pulse is not None and usual is not None and usual - pulse >= value

    return below_usual


@condition("systolic_rise", Fields(required={"adult": NUMBER, "under_18": NUMBER,
                                             "usual_default": NUMBER}),
           needs=vital_sign("systolic_bp"),
           requires=(("number", USUAL_SYSTOLIC), ("number", AGE)))
def _systolic_rise(value, at):
    """Systolic pressure at least N mmHg over the usual (or the default usual) value."""
    adult, under_18, usual_default = value["adult"], value["under_18"], value["usual_default"]

    def rise(facts: Facts) -> bool:
        systolic = facts.vitals.get("systolic_bp")
        if systolic is None:
            return False
        usual = facts.numbers.get(USUAL_SYSTOLIC)
        age = facts.numbers.get(AGE)
        needed = under_18 if age is not None and age < 18 else adult
        return systolic - (usual if usual is not None else usual_default) >= needed

    return rise


@condition("news2_total_at_least", Number(whole=True, at_least=0))
def _news2_total_at_least(value, at):
    """The NEWS2 total is N or more (0 when NEWS2 does not apply: a child)."""
    return lambda facts: facts.news2_total >= value


@condition("news2_single_at_least", Number(whole=True, at_least=0))
def _news2_single_at_least(value, at):
    """One NEWS2 parameter scores N or more."""
    return lambda facts: facts.news2_max >= value


# --- Conditions of conditions -----------------------------------------------------

def _named_needs(value, c):
    if value in c.expanding:
        return None
    c.expanding.add(value)
    found = c.needs(c.named[value])
    c.expanding.discard(value)
    return found


@condition("condition", Ref("named"), needs=_named_needs)
def _condition(value, at):
    """A named condition from the `conditions:` section, compiled once."""
    c = at.compiler
    if value in c.expanding:
        return at.refuse(f"named condition '{value}' refers to itself")
    if value not in c.compiled:
        c.expanding.add(value)
        c.compiled[value] = c.compile(c.named[value], f"named condition '{value}'")
        c.expanding.discard(value)
    return c.compiled[value]


def _union_needs(parts, c):
    """Any of the parts: needs a finding only if every part does."""
    found = [c.needs(part) for part in parts]
    return None if None in found else frozenset().union(*found)


def _all_needs(value, c):
    """All the parts: the smallest set any part needs."""
    known = [n for n in (c.needs(part) for part in value) if n is not None]
    return min(known, key=len) if known else None


# Plain loops rather than any()/all() over generators: this is the scoring hot path.
@condition("any", Conditions(), needs=_union_needs)
def _any(value, at):
    """Any of the conditions holds."""
    parts = tuple(at.compile(part) for part in value)

    def any_of(facts: Facts) -> bool:
        for part in parts:
            if part(facts):
                return True
        return False

    return any_of


@condition("all", Conditions(), needs=_all_needs)
def _all(value, at):
    """Every one of the conditions holds."""
    parts = tuple(at.compile(part) for part in value)

    def all_of(facts: Facts) -> bool:
        for part in parts:
            if not part(facts):
                return False
        return True

    return all_of


@condition("at_least", Fields(required={"count": Number(whole=True, at_least=1),
                                        "of": Conditions()}),
           needs=lambda value, c: _union_needs(value["of"], c))
def _at_least(value, at):
    """{count: N, of: [conditions]}: N or more of the conditions hold."""
    count = value["count"]
    parts = tuple(at.compile(part) for part in value["of"])
    if count > len(parts):
        return at.refuse("needs a count between 1 and the number of conditions")
    return lambda facts: sum(1 for part in parts if part(facts)) >= count


class ConditionCompiler:
    """Turns a `when:` condition into a predicate over `Facts`, checking it against its
    registry entry first."""

    def __init__(self, check: Checker, features, vitals, concepts, named=None):
        self.check, self.features, self.vitals, self.concepts = check, features, vitals, concepts
        self.named: Mapping[str, Any] = named or {}
        self.compiled: dict[str, Predicate] = {}  # named conditions, compiled once
        self.expanding: set[str] = set()  # named conditions being compiled (self-reference)

    def _entry(self, node: Any) -> tuple[Condition | None, Any]:
        if not isinstance(node, Mapping) or len(node) != 1:
            return None, None
        ((key, value),) = node.items()
        return (REGISTRY.get(key) if isinstance(key, str) else None), value

    def compile(self, node: Any, where: str) -> Predicate:
        if not isinstance(node, Mapping) or len(node) != 1:
            self.check.problem(node, f"{where}: a condition must have exactly one key")
            return never
        entry, value = self._entry(node)
        if entry is None:
            self.check.problem(node, f"{where}: unknown condition '{next(iter(node))}'")
            return never
        site = Site(self, node, where, entry.key)
        problem = entry.shape.problem(value, self)
        if problem:
            return site.refuse(problem)
        for kind, feature_id in entry.requires:
            feature = self.features.get(feature_id)
            if feature is None or feature.kind != kind:
                return site.refuse(f"needs the {kind} question '{feature_id}' in the rule file")
        return entry.build(value, site)

    def needs(self, node: Any) -> frozenset[str] | None:
        """The findings ("symptom:ID", "vital:ID", "history:ID" answered yes) of which at
        least one must be present for `node` to hold; None if it can hold without any.
        tests/clinical/test_scoring.py checks that skipping rules on it never changes a result."""
        entry, value = self._entry(node)
        if entry is None or entry.shape.problem(value, self):
            return None
        return entry.needs(value, self)
