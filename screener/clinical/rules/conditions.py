"""The condition language of `when:` clauses, compiled into predicates over `Facts`.

Hazards: H2 (a rule that adding a finding could switch off), H3 ("unknown" as "no").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .checker import Checker
from .model import PHYSIOLOGY_LIMITS, Facts, Predicate
from .vocabulary import (
    AGE,
    AMOUNT_TAKEN,
    EXTRA_TAKEN,
    ROUTES,
    USUAL_HEART_RATE,
    USUAL_SYSTOLIC,
    WEIGHT,
)


class ConditionCompiler:
    """Turns a `when:` condition into a predicate over `Facts`, checking every id.

    Only presence tests exist (no "not"), which keeps every rule monotone.
    Hazards: H2 (a rule that adding a finding could switch off), H3 ("unknown" as "no").
    """

    def __init__(self, check: Checker, features, vitals, concepts, named=None):
        self.check, self.features, self.vitals, self.concepts = check, features, vitals, concepts
        self.named: Mapping[str, Any] = named or {}
        self._compiled: dict[str, Predicate] = {}
        self._expanding: set[str] = set()

    def _condition(self, value, node, where):
        """A named condition from the `conditions:` section, compiled once."""
        if value not in self.named:
            self.check.problem(node, f"{where} refers to unknown named condition '{value}'")
            return _never
        if value in self._expanding:
            self.check.problem(node, f"{where}: named condition '{value}' refers to itself")
            return _never
        if value not in self._compiled:
            self._expanding.add(value)
            self._compiled[value] = self.compile(self.named[value],
                                                 f"named condition '{value}'")
            self._expanding.discard(value)
        return self._compiled[value]

    def compile(self, node: Any, where: str) -> Predicate:
        if not isinstance(node, Mapping) or len(node) != 1:
            self.check.problem(node, f"{where}: a condition must have exactly one key")
            return _never
        ((key, value),) = node.items()
        handler = getattr(self, f"_{key}", None)
        if handler is None:
            self.check.problem(node, f"{where}: unknown condition '{key}'")
            return _never
        return handler(value, node, where)

    def needs(self, node: Any) -> frozenset[str] | None:
        """The findings ("symptom:ID", "vital:ID", "history:ID" answered yes) of which at
        least one must be present for `node` to hold; None if it can hold without any.
        tests/test_scoring.py checks that skipping rules on it never changes a result."""
        if not isinstance(node, Mapping) or len(node) != 1:
            return None
        ((key, value),) = node.items()
        if key == "symptom":
            return frozenset({f"symptom:{value}"})
        if key == "symptoms_any":
            return frozenset(f"symptom:{v}" for v in value)
        if key == "history":
            return frozenset({f"history:{value}"})
        if key == "concept" and value in self.concepts:
            return frozenset(f"history:{f}" for f in self.concepts[value].facts)
        if key == "vital" and isinstance(value, Mapping):
            return frozenset({f"vital:{value.get('id')}"})
        if key == "spo2_at_most":
            return frozenset({"vital:spo2"})
        if key == "heart_rate_below_usual":
            return frozenset({"vital:heart_rate"})
        if key in ("systolic_low", "systolic_rise", "ad_pressure", "systolic_below_usual"):
            return frozenset({"vital:systolic_bp"})
        if key in ("for_age",) and isinstance(value, Mapping):
            return frozenset({f"vital:{value.get('id')}"})
        if key == "measured":
            return frozenset({f"vital:{value}"})
        if key == "condition" and value in self.named and value not in self._expanding:
            self._expanding.add(value)
            found = self.needs(self.named[value])
            self._expanding.discard(value)
            return found
        parts = value.get("of") if key == "at_least" and isinstance(value, Mapping) else value
        if key in ("any", "at_least", "all") and isinstance(parts, list):
            found = [self.needs(part) for part in parts]
            if key == "all":
                known = [n for n in found if n is not None]
                return min(known, key=len) if known else None
            return None if None in found else frozenset().union(*found)
        return None

    def _known(self, feature_id: Any, kind: str, node: Any, where: str) -> bool:
        feature = self.features.get(feature_id) if isinstance(feature_id, str) else None
        if feature is None or feature.kind != kind:
            self.check.problem(node, f"{where} refers to unknown {kind} id '{feature_id}'")
            return False
        return True

    def _symptom(self, value, node, where):
        self._known(value, "symptom", node, where)
        return lambda facts: value in facts.symptoms

    def _symptoms_any(self, value, node, where):
        wanted = frozenset(value if isinstance(value, list) else [value])
        for symptom in wanted:
            self._known(symptom, "symptom", node, where)
        return lambda facts: not wanted.isdisjoint(facts.symptoms)

    def _history(self, value, node, where):
        self._known(value, "history", node, where)
        return lambda facts: facts.history.get(value) is True

    def _concept(self, value, node, where):
        facts_of = self._concept_facts(value, node, where)

        def concept(facts: Facts) -> bool:
            history = facts.history
            for fact in facts_of:
                if history.get(fact) is True:
                    return True
            return False

        return concept

    def _possible(self, value, node, where):
        """True if any fact is yes, or one asked for this route is unanswered or unknown."""
        facts_of = self._concept_facts(value, node, where)

        def possible(facts: Facts) -> bool:
            for fact in facts_of:
                answer = facts.history.get(fact)
                if answer is True or (answer is None and fact in facts.asked):
                    return True
            return False

        return possible

    def _concept_facts(self, value, node, where) -> tuple[str, ...]:
        if value not in self.concepts:
            self.check.problem(node, f"{where} refers to unknown concept '{value}'")
            return ()
        return self.concepts[value].facts

    def _vital(self, value, node, where):
        vital_id = value.get("id") if isinstance(value, Mapping) else value
        if vital_id not in self.vitals:
            self.check.problem(node, f"{where} refers to unknown vital sign '{vital_id}'")
            return _never
        vital = self.vitals[value["id"]]
        bound = [(k, v) for k, v in value.items() if k in ("at_least", "at_most")]
        if len(bound) != 1 or not isinstance(bound[0][1], int | float):
            self.check.problem(node, f"{where}: a vital condition needs one of at_least/at_most")
            return _never
        ((op, threshold),) = bound
        if not vital.min <= threshold <= vital.max:
            self.check.problem(node, f"{where}: threshold {threshold} is outside the accepted "
                                     f"range of {vital.id} ({vital.min}-{vital.max})")
        vital_id = vital.id
        if op == "at_least":
            return lambda facts: facts.vitals.get(vital_id, -math.inf) >= threshold
        return lambda facts: facts.vitals.get(vital_id, math.inf) <= threshold

    def _number(self, value, node, where):
        """{id, below, or_unknown} or {id, at_least}: a number answered (or unknown)."""
        number_id = value.get("id") if isinstance(value, Mapping) else value
        if not self._known(number_id, "number", node, where):
            return _never
        unknown_counts = value.get("or_unknown") is True
        if isinstance(value.get("below"), int | float):
            below = value["below"]

            def is_below(facts: Facts) -> bool:
                number = facts.numbers.get(number_id)
                return unknown_counts if number is None else number < below

            return is_below
        if isinstance(value.get("at_least"), int | float):
            at_least = value["at_least"]

            def is_at_least(facts: Facts) -> bool:
                number = facts.numbers.get(number_id)
                return unknown_counts if number is None else number >= at_least

            return is_at_least
        self.check.problem(node, f"{where}: a number condition needs 'below' or 'at_least'")
        return _never

    def _choice(self, value, node, where):
        """{id, is: [options], or_unknown}: the answer is one of these (or not known)."""
        choice_id = value.get("id") if isinstance(value, Mapping) else None
        if not self._known(choice_id, "choice", node, where):
            return _never
        wanted = frozenset(value.get("is") or ())
        options = {o.id for o in self.features[choice_id].options}
        if not wanted or not wanted <= options:
            self.check.problem(node, f"{where}: choice '{choice_id}' needs 'is' with options "
                                     f"from {', '.join(sorted(options))}")
        unknown_counts = value.get("or_unknown") is True
        return lambda facts: (facts.choices.get(choice_id) in wanted
                              or (unknown_counts and facts.choices.get(choice_id) is None))

    def _route(self, value, node, where):
        routes = frozenset(value if isinstance(value, list) else [value])
        if not routes or not routes <= set(ROUTES):
            self.check.problem(node, f"{where}: route must list routes from {', '.join(ROUTES)}")
        return lambda facts: facts.route in routes

    def _adult(self, value, node, where):
        """The adult reading applies: aged 16 or over, or the age is not known (the
        cautious reading reads the values as an adult's too)."""
        if value is not True:
            self.check.problem(node, f"{where}: write 'adult: true'")
        return lambda facts: facts.adult_reading

    def _child(self, value, node, where):
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
        if value == "slow_pulse":  # rule sets before 2026.5, for replay
            return lambda facts: (facts.age_known and bool(facts.child_groups)
                                  and facts.vitals.get("heart_rate", math.inf)
                                  <= facts.slow_pulse_at_most)
        self.check.problem(node, f"{where}: child must be high, moderate, low, any or "
                                 "unknown_age")
        return _never

    def _for_age(self, value, node, where):
        """{id: VITAL, limit: NAME}: the value is at or beyond the named limit of the
        physiology table for the person's age (any row of the cautious reading when the age
        is not known). Hazards: H8."""
        vital_id = value.get("id") if isinstance(value, Mapping) else None
        name = f"{vital_id}.{value.get('limit')}" if isinstance(value, Mapping) else ""
        if name not in PHYSIOLOGY_LIMITS or name.startswith(("systolic_bp.ad", "weight")):
            self.check.problem(node, f"{where}: for_age needs an id and a limit from "
                                     f"{', '.join(sorted(PHYSIOLOGY_LIMITS))}")
            return _never
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

    def _ad_pressure(self, value, node, where):
        """raised: the systolic pressure is up for autonomic dysreflexia: by the age's rise
        over the person's stated usual, or, with no usual given, at or above the age's
        'raised' value; threshold: at or above the age's drug-treatment threshold.
        Hazards: H28."""
        if value not in ("raised", "threshold"):
            self.check.problem(node, f"{where}: ad_pressure must be raised or threshold")
            return _never
        self._known(USUAL_SYSTOLIC, "number", node, where)

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

    def _measured(self, value, node, where):
        """The vital sign was measured (the one test on a measurement's presence)."""
        if value not in self.vitals:
            self.check.problem(node, f"{where} refers to unknown vital sign '{value}'")
            return _never
        return lambda facts: value in facts.vitals

    def _not_measured(self, value, node, where):
        """The vital sign was not measured: for the written exception to invariant 2 (an
        autonomic dysreflexia sign without a cuff is an emergency; a measured normal
        pressure makes it urgent). Hazards: H2, H28."""
        if value not in self.vitals:
            self.check.problem(node, f"{where} refers to unknown vital sign '{value}'")
            return _never
        return lambda facts: value not in facts.vitals

    def _dose_per_kg(self, value, node, where):
        """{at_least: N, or_unknown}: the extra amount taken, per kg of the weight given (or
        the cautious weight for the age), is N mg/kg or more; or_unknown: an amount not given
        counts. Hazards: H8, H39."""
        at_least = value.get("at_least") if isinstance(value, Mapping) else None
        if not isinstance(at_least, int | float):
            self.check.problem(node, f"{where}: dose_per_kg needs at_least")
            return _never
        unknown_counts = value.get("or_unknown") is True
        for number_id in (EXTRA_TAKEN, AMOUNT_TAKEN, WEIGHT):
            self._known(number_id, "number", node, where)

        def per_kg(facts: Facts) -> bool:
            amount = facts.numbers.get(EXTRA_TAKEN)
            if amount is None:
                amount = facts.numbers.get(AMOUNT_TAKEN)
            if amount is None:
                return unknown_counts
            weight = facts.numbers.get(WEIGHT) or facts.weight_estimate
            return weight is None or amount / weight >= at_least

        return per_kg

    def _spo2_at_most(self, value, node, where):
        """SpO2 at or below the Scale 1 or Scale 2 limit, as the person's scale applies."""
        scale_1 = value.get("scale_1") if isinstance(value, Mapping) else None
        scale_2 = value.get("scale_2") if isinstance(value, Mapping) else None
        if not (isinstance(scale_1, int | float) and isinstance(scale_2, int | float)):
            self.check.problem(node, f"{where}: spo2_at_most needs scale_1 and scale_2")
            return _never
        return lambda facts: facts.vitals.get("spo2", math.inf) <= (
            scale_2 if facts.spo2_scale_2 else scale_1)

    def _systolic_low(self, value, node, where):
        """Systolic pressure at or below N, unless that is the person's usual pressure
        (within the NEWS2 usual margin of the usual value they gave). Hazards: H17."""
        if not isinstance(value, int | float):
            self.check.problem(node, f"{where}: systolic_low needs a number")
            return _never
        return lambda facts: (facts.vitals.get("systolic_bp", math.inf) <= value
                              and not facts.systolic_usual)

    def _systolic_below_usual(self, value, node, where):
        """Systolic pressure at least N mmHg below the person's stated usual (NICE: more than
        40 below normal). Hazards: H17, H19."""
        if not isinstance(value, int | float):
            self.check.problem(node, f"{where}: systolic_below_usual needs a number")
            return _never
        self._known(USUAL_SYSTOLIC, "number", node, where)

        def below_usual(facts: Facts) -> bool:
            systolic = facts.vitals.get("systolic_bp")
            usual = facts.numbers.get(USUAL_SYSTOLIC)
            return systolic is not None and usual is not None and usual - systolic >= value

        return below_usual

    def _heart_rate_below_usual(self, value, node, where):
        """A pulse at least N beats a minute below the person's stated usual pulse (a
        relative bradycardia). Hazards: H28."""
        if not isinstance(value, int | float):
            self.check.problem(node, f"{where}: heart_rate_below_usual needs a number")
            return _never
        self._known(USUAL_HEART_RATE, "number", node, where)

        def below_usual(facts: Facts) -> bool:
            pulse = facts.vitals.get("heart_rate")
            usual = facts.numbers.get(USUAL_HEART_RATE)
            return pulse is not None and usual is not None and usual - pulse >= value

        return below_usual

    def _systolic_rise(self, value, node, where):
        """Systolic pressure at least N mmHg over the usual (or the default usual) value."""
        parts = [value.get(k) if isinstance(value, Mapping) else None
                 for k in ("adult", "under_18", "usual_default")]
        if not all(isinstance(p, int | float) for p in parts):
            self.check.problem(node, f"{where}: systolic_rise needs adult, under_18 and "
                                     "usual_default")
            return _never
        adult, under_18, usual_default = parts
        for number_id in (USUAL_SYSTOLIC, AGE):
            self._known(number_id, "number", node, where)

        def rise(facts: Facts) -> bool:
            systolic = facts.vitals.get("systolic_bp")
            if systolic is None:
                return False
            usual = facts.numbers.get(USUAL_SYSTOLIC)
            age = facts.numbers.get(AGE)
            needed = under_18 if age is not None and age < 18 else adult
            return systolic - (usual if usual is not None else usual_default) >= needed

        return rise

    def _news2_total_at_least(self, value, node, where):
        return lambda facts: facts.news2_total >= value

    def _news2_single_at_least(self, value, node, where):
        return lambda facts: facts.news2_max >= value

    # Plain loops rather than any()/all() over generators: this is the scoring hot path.
    def _any(self, value, node, where):
        parts = self._parts(value, node, where)

        def any_of(facts: Facts) -> bool:
            for part in parts:
                if part(facts):
                    return True
            return False

        return any_of

    def _all(self, value, node, where):
        parts = self._parts(value, node, where)

        def all_of(facts: Facts) -> bool:
            for part in parts:
                if not part(facts):
                    return False
            return True

        return all_of

    def _at_least(self, value, node, where):
        count = value.get("count") if isinstance(value, Mapping) else None
        parts = self._parts(value.get("of") if isinstance(value, Mapping) else None, node, where)
        if not isinstance(count, int) or not 1 <= count <= len(parts):
            self.check.problem(node, f"{where}: at_least needs a count between 1 and the "
                                     "number of conditions")
            return _never
        return lambda facts: sum(1 for part in parts if part(facts)) >= count

    def _parts(self, value, node, where) -> tuple[Predicate, ...]:
        if not isinstance(value, list) or not value:
            self.check.problem(node, f"{where}: expected a list of conditions")
            return ()
        return tuple(self.compile(part, where) for part in value)


def _never(facts: Facts) -> bool:
    return False
