"""The compiled rule set: frozen objects the scoring engine reads, with lookups only (the
rule file's checks are in compile.py and conditions.py)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .vocabulary import AUDIENCES, LEVELS, ROUTES, UNKNOWN


@dataclass(frozen=True)
class Option:
    """One answer to a choice question, with the fact it states."""

    id: str
    label: str
    statement: str


@dataclass(frozen=True)
class CallScript:
    """A short script for a member of staff calling back: what to confirm, what to say."""

    confirm: tuple[str, ...]
    say: Mapping[str, tuple[str, ...]]
    # Caregiver advice additions read out on the call whenever they apply (first aid).
    read_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rechecks:
    """When a caregiver is asked to check again (issue 24, item 4): after a check at one of
    `levels` with a yes to one of `after`'s facts, at each of `hours` after it; one not done
    within `answer_within_hours` opens a call for staff."""

    levels: tuple[str, ...] = ()
    after: Concept | None = None
    hours: tuple[int, ...] = ()
    answer_within_hours: int = 4
    rationale: str = ""
    sources: tuple[str, ...] = ()

    def asked_after(self, level: str, answers: Mapping[str, Any]) -> tuple[int, ...]:
        """The hours after this check at which to check again; () for none."""
        history = answers.get("history") or {}
        if self.after is None or level not in self.levels:
            return ()
        return self.hours if any(history.get(f) is True for f in self.after.facts) else ()


@dataclass(frozen=True)
class FollowUp:
    """A question asked only after certain answers to an earlier one on the same page (the
    spinal cord injury level only after "yes" or "I don't know" to an injury). When the
    earlier answer rules it out, `otherwise` is its answer: "no" where the earlier answer
    implies it, "unknown" where it does not."""

    parent: str
    answers: tuple[Any, ...]  # the parent's answers (true, false, unknown or option ids)
    otherwise: Any

    def asked(self, parent_answer: Any) -> bool:
        return (UNKNOWN if parent_answer is None else parent_answer) in self.answers


@dataclass(frozen=True, eq=False)  # identity hash: used as a cache key
class Feature:
    """One question: a symptom, a history fact or a number, with its weight and sources."""

    id: str
    kind: str
    group: str
    question: str
    term: str
    direction: str
    weights: Mapping[str, int]  # route -> points ("both", "unknown": the larger of the two)
    sources: tuple[str, ...]
    routes: tuple[str, ...] = ROUTES
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    # History: the fact in plain words, as a "yes"; a number: a sentence holding %(value)s.
    statement: str | None = None
    modifier: bool = False  # counts only alongside a symptom or abnormal vital sign
    options: tuple[Option, ...] = ()  # choice only
    optional: bool = False  # the web form may leave it unanswered (= "I don't know")
    follows: FollowUp | None = None
    # Asked only for these ages (years, from <= age < below); None: every age. An age not
    # known is asked what an older child or an adult is asked (the cautious reading's ages).
    ages: tuple[float, float] | None = None

    def weight_for(self, route: str) -> int:
        return self.weights[route]

    def asked_at(self, age: float | None, unknown_from: float) -> bool:
        """Whether the form asks this question of someone this age (None: not known, asked
        what is asked from `unknown_from`, the cautious reading's youngest age)."""
        if self.ages is None:
            return True
        start, below = self.ages
        return below > unknown_from if age is None else start <= age < below

    def option(self, option_id: Any) -> Option | None:
        """A choice question's answer by its id (None for "I don't know" or an unknown id)."""
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Band:
    upto: float  # inclusive upper bound; math.inf for the last band
    points: int


@dataclass(frozen=True, eq=False)  # identity hash: used as a cache key
class Vital:
    """A vital sign: accepted range, NEWS2 bands, and what a low or high value points to."""

    id: str
    label: str
    unit: str
    min: float
    max: float
    low_direction: str
    high_direction: str
    bands: tuple[Band, ...]
    sources: tuple[str, ...]
    implies: tuple[tuple[str, str, float], ...] = ()  # (symptom, at_least|at_most, value)
    statement: str = ""  # the reading said aloud: "Their pulse is %(value)s beats a minute."

    def points(self, value: float) -> int:
        return self.band_points(self.bands, value)

    @staticmethod
    def band_points(bands: tuple[Band, ...], value: float) -> int:
        for band in bands:
            if value <= band.upto:
                return band.points
        raise AssertionError("the last band is unbounded")

    def below_normal(self, value: float) -> bool:
        """Below the 0-point band: on the low side of normal."""
        return value <= self._normal_above

    @cached_property
    def _normal_above(self) -> float:
        normal = next(i for i, b in enumerate(self.bands) if b.points == 0)
        return self.bands[normal - 1].upto if normal else -math.inf

    def direction(self, value: float) -> str:
        return self.high_direction if value > self._normal_upto else self.low_direction

    @cached_property
    def _normal_upto(self) -> float:
        return next(b.upto for b in self.bands if b.points == 0)


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    facts: tuple[str, ...]
    sources: tuple[str, ...]


Predicate = Callable[["Facts"], bool]


@dataclass(frozen=True, eq=False)  # identity hash: used as a cache key
class Rule:
    """A red flag (level emergency), a combination or a note: a condition with sources."""

    id: str
    label: str
    level: str | None
    sources: tuple[str, ...]
    when: Predicate = field(repr=False, compare=False)
    audience: str | None = None  # notes only
    says: str = ""  # discriminators: the caregiver's words when it fires
    rationale: str = ""  # discriminators: why this finding sets this level
    # Findings of which at least one must be present for the rule to hold, or None when
    # it can hold without any (a "possible:" or an age band): a fast pre-check only.
    needs: frozenset[str] | None = None
    # The rule names the cause itself (autonomic dysreflexia): when it fires, no baclofen
    # direction is offered beside it (clinical review 2, W1).
    names_cause: bool = False
    # A NEWS2 rule's words when no measurement scored a point: the score then reads what the
    # caregiver told us (new confusion, extra oxygen), filled in as %(told)s (UX walk 2, 10).
    says_unmeasured: str = ""


@dataclass(frozen=True)
class Level:
    id: str
    min_score: int | None  # None: the score alone never reaches this level
    title: str
    meaning: str
    analogue: str


@dataclass(frozen=True, slots=True)
class Advice:
    """What one audience is told at one level: the rule set's fixed wording for it, and the
    worded advice of an assessment (that wording with the handover and the additions)."""

    headline: str
    do_now: tuple[str, ...]
    tell: tuple[str, ...]
    watch_for: tuple[str, ...]


@dataclass(frozen=True)
class AdviceAddition:
    id: str
    audience: str
    section: str
    text: str
    routes: tuple[str, ...] | None
    levels: tuple[str, ...] | None
    directions: tuple[str, ...] | None  # "none" stands for no direction
    fired: frozenset[str] | None = None  # shown when any of these discriminators fired
    when: Predicate | None = field(default=None, repr=False, compare=False)
    unless: Predicate | None = field(default=None, repr=False, compare=False)
    unless_fired: frozenset[str] | None = None  # not shown when any of these fired


@dataclass(frozen=True, slots=True)
class Facts:
    """What the scoring engine knows, in the shape rule predicates read.

    `history` maps every boolean history id to True, False or None ("unknown").
    `asked` is the set of history ids asked for this route.
    """

    route: str
    symptoms: frozenset[str]
    history: Mapping[str, bool | None]
    numbers: Mapping[str, float | None]
    choices: Mapping[str, str | None]
    vitals: Mapping[str, float]
    news2_total: int  # 0 when NEWS2 does not apply (a child)
    news2_max: int
    asked: frozenset[str]
    spo2_scale_2: bool = False
    child: ChildGroup | None = None  # the NICE age band, for an age under 16
    # The discriminators that fired: filled in once they have run, for advice and notes.
    fired: set[str] = field(default_factory=set)
    systolic_usual: bool = False  # a low systolic pressure is the person's stated usual
    # The age-aware readings (the physiology table): the child bands whose NICE criteria
    # apply, whether the adult reading (NEWS2, adult criteria) applies, and the limit rows
    # the values are read against. A known age gives one reading; an unknown age gives the
    # cautious reading, the adult's and a school-age child's together (Hazards: H8, H38).
    child_groups: tuple[ChildGroup, ...] = ()
    adult_reading: bool = True
    limits: tuple[Mapping[str, float], ...] = ()
    age_known: bool = True
    weight_estimate: float | None = None  # the cautious weight for the age, in kg
    slow_pulse_at_most: float = 0  # rule sets before 2026.5


@dataclass(frozen=True)
class News2:
    """NEWS2 settings beyond the vital bands: ACVPU, oxygen and SpO2 Scale 2."""

    adult_from_age: float
    usual_systolic_margin: float
    consciousness_points: int
    consciousness_symptoms: frozenset[str]
    oxygen_fact: str
    oxygen_points: int
    scale_2_fact: str
    scale_2_on_air: tuple[Band, ...]
    scale_2_on_oxygen: tuple[Band, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ChildGroup:
    """A NICE age band: the findings that are high risk or moderate-to-high risk."""

    id: str
    below: float
    high: Predicate = field(repr=False, compare=False)
    moderate: Predicate = field(repr=False, compare=False)
    low: Predicate = field(repr=False, compare=False)


@dataclass(frozen=True)
class LimitRow:
    """One age band of the physiology table: its limits by name (for example
    "heart_rate.slow"), each read as "at or beyond this value"."""

    below: float | None  # None: the adult row (the last)
    limits: Mapping[str, float]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Children:
    below_age: float
    groups: tuple[ChildGroup, ...]
    sources: tuple[str, ...]
    physiology: tuple[LimitRow, ...] = ()
    # The cautious reading's youngest child age; None (rule sets before 2026.5): an unknown
    # age is read as an adult's, and the physiology table is absent.
    unknown_age_child_from: float | None = None
    slow_pulse_at_most: float = 0  # rule sets before 2026.5: `child: slow_pulse`

    def group_for(self, age: float | None) -> ChildGroup | None:
        if age is None or age >= self.below_age:
            return None
        return next(g for g in self.groups if age < g.below)

    def limits_for(self, age: float) -> LimitRow:
        return next(r for r in self.physiology if r.below is None or age < r.below)

    @cached_property
    def unknown_age(self) -> tuple[tuple[ChildGroup, ...], tuple[Mapping[str, float], ...]]:
        """The cautious reading of an unknown age: the child bands and limit rows from
        `unknown_age_child_from` up, with the adult row. A baby's or a young child's age is
        known to whoever is with them; an age not known is an older child's or an adult's."""
        start = self.unknown_age_child_from
        if start is None:
            return (), tuple(r.limits for r in self.physiology if r.below is None)
        groups = tuple(g for g in self.groups if g.below > start)
        rows = tuple(r.limits for r in self.physiology if r.below is None or r.below > start)
        return groups, rows

    @cached_property
    def unknown_age_weight(self) -> float | None:
        """The lightest cautious weight among the unknown age's rows (kg)."""
        start = self.unknown_age_child_from
        weights = [r.limits["weight.cautious"] for r in self.physiology
                   if start is not None and r.below is not None and r.below > start]
        return min(weights, default=None)

    def reading(self, age: float | None):
        """(child groups, adult reading, limit rows, cautious weight) for an age (None: not
        known)."""
        if age is None:
            groups, rows = self.unknown_age
            return groups, True, rows, self.unknown_age_weight
        group = self.group_for(age)
        if not self.physiology:
            return ((group,) if group else ()), group is None, (), None
        row = self.limits_for(age)
        weight = row.limits["weight.cautious"] if row.below is not None else None
        return ((group,) if group else ()), group is None, (row.limits,), weight


@dataclass(frozen=True, eq=False)  # identity hash: used as a cache key
class RuleSet:
    """The validated rule set: the one source of truth for questions and scoring."""

    version: str
    title: str
    sources: Mapping[str, str]
    levels: tuple[Level, ...]
    routes: tuple[Mapping[str, str], ...]
    respondents: tuple[Mapping[str, str], ...]
    groups: tuple[Mapping[str, str], ...]
    features: Mapping[str, Feature]
    vitals: Mapping[str, Vital]
    news2: News2
    children: Children
    concepts: Mapping[str, Concept]
    discriminators: tuple[Rule, ...]  # most urgent first
    notes: tuple[Rule, ...]
    advice: Mapping[str, Mapping[str, Advice]]
    advice_additions: tuple[AdviceAddition, ...]
    call_script: CallScript
    content_hash: str  # sha256 of the rule file's text
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    rechecks: Rechecks = field(default_factory=Rechecks)  # none before rule set 2026.7

    @property
    def short_hash(self) -> str:
        """The first 16 hex digits of the content hash: what responses and pages show."""
        return self.content_hash[:16]

    @cached_property
    def red_flags(self) -> tuple[Rule, ...]:
        """The emergency discriminators."""
        return tuple(r for r in self.discriminators if r.level == "emergency")

    @cached_property
    def naming_a_cause(self) -> frozenset[str]:
        """The ids of the discriminators that name the cause themselves."""
        return frozenset(r.id for r in self.discriminators if r.names_cause)

    @cached_property
    def combinations(self) -> tuple[Rule, ...]:
        """The discriminators that set urgent or soon."""
        return tuple(r for r in self.discriminators if r.level != "emergency")

    def ids(self, kind: str) -> tuple[str, ...]:
        """The ids of the features of one kind, in the file's order (on every check's path,
        so made once)."""
        return self._ids_by_kind.get(kind, ())

    @cached_property
    def _ids_by_kind(self) -> Mapping[str, tuple[str, ...]]:
        by_kind: dict[str, list[str]] = {}
        for feature in self.features.values():
            by_kind.setdefault(feature.kind, []).append(feature.id)
        return {kind: tuple(ids) for kind, ids in by_kind.items()}

    @cached_property
    def follow_ups(self) -> tuple[Feature, ...]:
        """The questions asked only after certain answers to an earlier one."""
        return tuple(f for f in self.features.values() if f.follows)

    def asked_for(self, route: str) -> frozenset[str]:
        return self._asked[route]

    @cached_property
    def _asked(self) -> dict[str, frozenset[str]]:
        return {
            route: frozenset(f.id for f in self.features.values()
                             if f.kind == "history" and route in f.routes)
            for route in ROUTES
        }

    @cached_property
    def order(self) -> dict[str, int]:
        """Each feature's position in the catalogue, for listing findings in a stable order."""
        return {feature_id: index for index, feature_id in enumerate(self.features)}

    @cached_property
    def addition(self) -> Mapping[str, AdviceAddition]:
        """Each advice addition by its id."""
        return {extra.id: extra for extra in self.advice_additions}

    def additions_for(self, audience: str, level: str, route: str) -> tuple[AdviceAddition, ...]:
        """The advice additions that can apply to this audience, level and route."""
        return self._additions[audience, level, route]

    @cached_property
    def _additions(self) -> dict[tuple[str, str, str], tuple[AdviceAddition, ...]]:
        return {
            (audience, level, route): tuple(
                a for a in self.advice_additions
                if a.audience == audience and (a.levels is None or level in a.levels)
                and (a.routes is None or route in a.routes))
            for audience in AUDIENCES for level in LEVELS for route in ROUTES
        }

    def level(self, level_id: str) -> Level:
        return next(level for level in self.levels if level.id == level_id)



PHYSIOLOGY_LIMITS = {  # each limit's name, and whether a value at or BELOW it counts
    "heart_rate.slow": True, "heart_rate.very_slow": True, "heart_rate.fast": False,
    "respiratory_rate.slow": True, "respiratory_rate.very_slow": True,
    "systolic_bp.low": True, "systolic_bp.ad_raised": False, "systolic_bp.ad_threshold": False,
    "systolic_bp.ad_rise": False, "weight.cautious": True,
}

