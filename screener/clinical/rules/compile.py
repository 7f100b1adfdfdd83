"""Load, validate and compile the rule set (`screener/clinical/rules/ruleset.yaml`).

The rule file is data; this module turns it into frozen objects the scoring engine
uses, after checking it. A bad file raises `RuleSetError` listing every problem with
the line it is on, so the app refuses to start rather than score with broken rules.

Hazards: H7 a corrupted or inconsistent rule set scores patients wrongly.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).parent / "ruleset.yaml"
# Each released version and the sha256 of its content: a version names one content only.
LOCK_PATH = Path(__file__).parent / "ruleset.lock"

LEVELS = ("emergency", "urgent", "soon", "routine")  # fixed order, most urgent first
LEVEL_RANK = {level: rank for rank, level in enumerate(reversed(LEVELS))}  # routine=0
ROUTES = ("intrathecal", "oral", "both", "unknown")
UNKNOWN = "unknown"  # the answer "I don't know"; missing and null mean the same
DIRECTIONS = ("withdrawal", "overdose", "both", "neither")
FEATURE_KINDS = ("symptom", "history", "number", "choice")
AGE = "age_years"  # the number features the engine itself reads
WEIGHT = "weight_kg"
EXTRA_TAKEN = "extra_taken_mg"
AMOUNT_TAKEN = "amount_taken_mg"
USUAL_SYSTOLIC = "usual_systolic_bp"
USUAL_HEART_RATE = "usual_heart_rate"
AUDIENCES = ("caregiver", "staff")
ADVICE_SECTIONS = ("headline", "do_now", "tell", "watch_for")


class RuleSetError(Exception):
    """The rule file is invalid; `problems` holds one message per problem, with its line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Invalid rule set:\n  " + "\n  ".join(problems))


# --- YAML with line numbers -------------------------------------------------------


class _Node(dict):
    """A mapping from the rule file that remembers the line it started on."""

    line: int = 0


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: 10x faster
    """A safe loader (libyaml's where installed) that records line numbers and refuses
    duplicate keys."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise RuleSetError(
                    [f"line {key_node.start_mark.line + 1}: duplicate key '{key}' "
                     f"(first on line {seen[key]})"]
                )
            seen[key] = key_node.start_mark.line + 1
        mapping = _Node(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)


def _line(obj: Any) -> int:
    return getattr(obj, "line", 0)


# --- Compiled objects -------------------------------------------------------------


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
    statement: str | None = None  # history only: the fact in plain words, as a "yes"
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


@dataclass(frozen=True)
class Level:
    id: str
    min_score: int | None  # None: the score alone never reaches this level
    title: str
    meaning: str
    analogue: str


@dataclass(frozen=True)
class AdviceText:
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
    advice: Mapping[str, Mapping[str, AdviceText]]
    advice_additions: tuple[AdviceAddition, ...]
    call_script: CallScript
    content_hash: str  # sha256 of the rule file's text
    raw: Mapping[str, Any] = field(repr=False, compare=False)

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


# --- Validation and compilation ----------------------------------------------------


class _Checker:
    """Collects problems (with line numbers) while compiling the rule file."""

    def __init__(self, data: Mapping[str, Any], filename: str):
        self.data = data
        self.filename = filename
        self.problems: list[str] = []

    def problem(self, where: Any, message: str) -> None:
        self.problems.append(f"{self.filename} line {_line(where)}: {message}")

    def require(self, node: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
        if not isinstance(node, Mapping) or key not in node:
            self.problem(node, f"{where} has no '{key}'")
            return None
        value = node[key]
        if not isinstance(value, kind) or isinstance(value, bool) and bool not in _tuple(kind):
            self.problem(node, f"{where}: '{key}' has the wrong type ({type(value).__name__})")
            return None
        return value

    def sources(self, node: Any, where: str) -> tuple[str, ...]:
        cited = node.get("sources") if isinstance(node, Mapping) else None
        if not cited:
            self.problem(node, f"{where} has no source")
            return ()
        if not isinstance(cited, list):
            self.problem(node, f"{where}: 'sources' must be a list")
            return ()
        known = self.data.get("sources") or {}
        for name in cited:
            if name not in known:
                self.problem(node, f"{where} cites unknown source '{name}'")
        return tuple(cited)

    def unique(self, items: Iterable[Any], what: str) -> None:
        seen: dict[str, int] = {}
        for item in items:
            item_id = item.get("id") if isinstance(item, Mapping) else None
            if not isinstance(item_id, str):
                self.problem(item, f"{'an' if what[0] in 'aeiou' else 'a'} {what} has no id")
                continue
            if item_id in seen:
                self.problem(item, f"duplicate {what} id '{item_id}' "
                                   f"(first on line {seen[item_id]})")
            seen[item_id] = _line(item)


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _list(node: Any, key: str) -> list:
    value = node.get(key) if isinstance(node, Mapping) else None
    return value if isinstance(value, list) else []


def load_ruleset(path: str | Path | None = None) -> RuleSet:
    """Read, validate and compile a rule file; raise `RuleSetError` naming each bad line."""
    path = Path(path) if path else DEFAULT_PATH
    return parse_ruleset(path.read_text(encoding="utf-8"), path.name)


def read_lock() -> dict[str, str]:
    """{version: sha256} of every locked rule-set version."""
    return json.loads(LOCK_PATH.read_text(encoding="utf-8")) if LOCK_PATH.exists() else {}


def version_problem(ruleset: RuleSet) -> str | None:
    """Why this rule set's version does not match its content, or None.

    Hazards: H25 a result that cannot be traced to the logic that produced it.
    """
    locked = read_lock().get(ruleset.version)
    if locked is None:
        return (f"rule set {ruleset.version} is not in {LOCK_PATH.name}: run `screener rules "
                "lock` once its content is final")
    if locked != ruleset.content_hash:
        return (f"the rule set's content changed but its version ({ruleset.version}) did not: "
                f"{LOCK_PATH.name} has sha256 {locked[:16]}, the file has "
                f"{ruleset.short_hash}. Give it a new version, then run `screener rules lock`.")
    return None


@cache
def default_ruleset() -> RuleSet:
    """The packaged rule set, loaded once per process."""
    return load_ruleset(DEFAULT_PATH)


# Compiled rule sets by content hash: each text is parsed and compiled once per process
# (every create_app(), test and CLI call after the first costs a file read and a hash).
_COMPILED: dict[tuple[str, bool], RuleSet] = {}


def parse_ruleset(text: str, filename: str = "ruleset.yaml", *,
                  decisions_only: bool = False) -> RuleSet:
    """Validate and compile rule-file text. Hazards: H7 (invalid rules used for scoring).

    `decisions_only` (for a replay of an older file): sections that only word things for
    staff, and that older files lack (the call script), are not required.
    """
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = (content_hash, decisions_only)
    if key in _COMPILED:
        return _COMPILED[key]
    try:
        # _LineLoader is a SafeLoader subclass: no arbitrary objects can be built.
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506  # nosec B506
    except RuleSetError as error:
        raise RuleSetError([f"{filename} {p}" for p in error.problems]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise RuleSetError([f"{filename} line {line}: not valid YAML ({error})"]) from None
    if not isinstance(data, Mapping):
        raise RuleSetError([f"{filename} line 1: the rule file must be a mapping"])
    check = _Checker(data, filename)
    ruleset = _compile(check, data, content_hash, decisions_only)
    if check.problems:
        raise RuleSetError(check.problems)
    _COMPILED[key] = ruleset
    return ruleset


def _compile(check: _Checker, data: Mapping[str, Any], content_hash: str,
             decisions_only: bool = False) -> RuleSet | None:
    version = check.require(data, "version", str, "the rule set")
    sources = check.require(data, "sources", Mapping, "the rule set") or {}
    for name, text in sources.items():
        if not isinstance(text, str) or not text.strip():
            check.problem(sources, f"source '{name}' has no description")

    levels = _compile_levels(check, _list(data, "levels"))
    groups = _list(data, "groups")
    check.unique(groups, "group")
    group_kinds = {g.get("id"): g.get("kind") for g in groups if isinstance(g, Mapping)}
    for route_list, what in ((_list(data, "routes"), "route"),
                             (_list(data, "respondents"), "respondent")):
        check.unique(route_list, what)
    route_ids = tuple(r.get("id") for r in _list(data, "routes"))
    if route_ids != ROUTES:
        check.problem(data, f"routes must be exactly {', '.join(ROUTES)} (found {route_ids})")

    # A group whose questions may all be left unanswered ("answer what you can").
    group_optional = {g.get("id"): g.get("optional") for g in groups if isinstance(g, Mapping)}
    features = _compile_features(check, _list(data, "features"), group_kinds, group_optional)
    vitals = _compile_vitals(check, _list(data, "vitals"), features)

    concepts: dict[str, Concept] = {}
    check.unique(_list(data, "concepts"), "concept")
    for node in _list(data, "concepts"):
        concept_id = node.get("id", "?")
        for fact in _list(node, "facts"):
            if features.get(fact) is None or features[fact].kind != "history":
                check.problem(node, f"concept '{concept_id}' refers to unknown history id '{fact}'")
        concepts[concept_id] = Concept(
            concept_id, str(node.get("label", "")), tuple(_list(node, "facts")),
            check.sources(node, f"concept '{concept_id}'"),
        )

    check.unique(_list(data, "conditions"), "named condition")
    for node in _list(data, "conditions"):
        check.sources(node, f"named condition '{node.get('id')}'")
        if "when" not in node:
            check.problem(node, f"named condition '{node.get('id')}' has no 'when'")
    named = {node.get("id"): node.get("when") for node in _list(data, "conditions")}
    compiler = _ConditionCompiler(check, features, vitals, concepts, named)
    news2 = _compile_news2(check, data.get("news2") or _Node(), features)
    children = _compile_children(check, data.get("children") or _Node(), compiler)
    if news2.adult_from_age != children.below_age:  # one age splits NEWS2 from NICE's bands
        check.problem(data.get("children"), f"children.below_age ({children.below_age}) must "
                                            f"equal news2.adult_from_age ({news2.adult_from_age})")
    discriminators = _compile_rules(check, compiler, _list(data, "discriminators"),
                                    "discriminator")
    notes = _compile_rules(check, compiler, _list(data, "notes"), "note", note=True)
    advice, additions = _compile_advice(check, data.get("advice"), compiler, discriminators,
                                        decisions_only)
    call_script = (CallScript((), {}) if decisions_only and "call_script" not in data
                   else _compile_call_script(check, data.get("call_script")))

    known_additions = {a.id for a in additions}
    for addition_id in call_script.read_out:
        if addition_id not in known_additions:
            check.problem(data.get("call_script"),
                          f"call_script.read_out: unknown advice addition '{addition_id}'")
    if check.problems:
        return None
    return RuleSet(
        version=version, title=str(data.get("title", "")), sources=dict(sources),
        levels=levels, routes=tuple(dict(r) for r in _list(data, "routes")),
        respondents=tuple(dict(r) for r in _list(data, "respondents")),
        groups=tuple(dict(g) for g in groups), features=features, vitals=vitals,
        news2=news2, children=children, concepts=concepts, discriminators=discriminators,
        notes=notes, advice=advice, advice_additions=additions, call_script=call_script,
        content_hash=content_hash, raw=data,
    )


def _compile_call_script(check: _Checker, node: Any) -> CallScript:
    """What staff confirm on every call, and what they say at each level (staff wording)."""
    if not isinstance(node, Mapping):
        check.problem(node or check.data, "call_script needs 'confirm' and 'say' per level")
        return CallScript((), {})
    confirm = tuple(_list(node, "confirm"))
    say = node.get("say") if isinstance(node.get("say"), Mapping) else {}
    for lines, where in ((confirm, "call_script.confirm"),
                         *((say.get(level), f"call_script.say.{level}") for level in LEVELS)):
        if not lines or not all(isinstance(line, str) and line.strip() for line in lines):
            check.problem(node, f"{where} must be a list of lines of text")
    read_out = tuple(_list(node, "read_out"))
    return CallScript(confirm, {level: tuple(say.get(level) or ()) for level in LEVELS},
                      read_out)


def _compile_levels(check: _Checker, nodes: list) -> tuple[Level, ...]:
    """Levels must be the four fixed ids in order, with strictly falling thresholds."""
    ids = tuple(n.get("id") for n in nodes if isinstance(n, Mapping))
    if ids != LEVELS:
        check.problem(nodes[0] if nodes else None,
                      f"levels must be exactly {', '.join(LEVELS)} in that order (found {ids})")
        return ()
    levels = []
    previous = math.inf
    for node in nodes:
        if node["id"] == "emergency":
            if "min_score" in node:
                check.problem(node, "level 'emergency' must have no min_score: only a "
                                    "discriminator may set emergency, never a pile of points")
            levels.append(Level("emergency", None, str(node.get("title", "")),
                                str(node.get("meaning", "")), str(node.get("analogue", ""))))
            continue
        min_score = check.require(node, "min_score", int, f"level '{node['id']}'")
        if min_score is None:
            continue
        if min_score >= previous:
            check.problem(node, f"level '{node['id']}': min_score {min_score} must be lower "
                                f"than the level above it ({previous})")
        previous = min_score
        levels.append(Level(node["id"], min_score, str(node.get("title", "")),
                            str(node.get("meaning", "")), str(node.get("analogue", ""))))
    if levels and levels[-1].min_score != 0:
        check.problem(nodes[-1], "level 'routine' must have min_score 0")
    return tuple(levels)


def _compile_features(check: _Checker, nodes: list, group_kinds: Mapping,
                      group_optional: Mapping) -> dict[str, Feature]:
    check.unique(nodes, "feature")
    features: dict[str, Feature] = {}
    for node in nodes:
        feature_id = node.get("id")
        if not isinstance(feature_id, str) or feature_id in features:
            continue
        where = f"feature '{feature_id}'"
        kind = node.get("kind")
        if kind not in FEATURE_KINDS:
            check.problem(node, f"{where}: kind must be one of {', '.join(FEATURE_KINDS)}")
        group = node.get("group")
        if group not in group_kinds:
            check.problem(node, f"{where}: unknown group '{group}'")
        elif (group_kinds[group] == "symptom") != (kind == "symptom"):
            check.problem(node, f"{where}: a {kind} cannot be in the {group_kinds[group]} "
                                f"group '{group}'")
        direction = node.get("direction")
        if direction not in DIRECTIONS:
            check.problem(node, f"{where}: direction must be one of {', '.join(DIRECTIONS)}")
        routes = tuple(node.get("routes", ROUTES))
        for route in routes:
            if route not in ROUTES:
                check.problem(node, f"{where}: unknown route '{route}'")
        weights = _weights(check, node, where)
        low = high = None
        if kind == "number":
            low, high = node.get("min"), node.get("max")
            if not (isinstance(low, int | float) and isinstance(high, int | float) and low < high):
                check.problem(node, f"{where}: a number needs min < max")
        for text_key in ("question", "term") + (("statement",) if kind == "history" else ()):
            check.require(node, text_key, str, where)
        options = []
        if kind == "choice":
            check.unique(_list(node, "options"), f"option of {where}")
            for option in _list(node, "options"):
                if not all(isinstance(option.get(k), str) for k in ("id", "label", "statement")):
                    check.problem(option, f"{where}: an option needs an id, a label and a "
                                          "statement")
                elif option["id"] == "unknown":
                    check.problem(option, f"{where}: 'unknown' is always an answer; it is "
                                          "not an option")
                options.append(Option(str(option.get("id")), str(option.get("label")),
                                      str(option.get("statement"))))
            if not options:
                check.problem(node, f"{where}: a choice needs options")
        ages = node.get("ages")
        if ages is not None and not (isinstance(ages, Mapping)
                                     and isinstance(ages.get("from", 0), int | float)
                                     and isinstance(ages.get("below", 200), int | float)
                                     and ages.get("from", 0) < ages.get("below", 200)):
            check.problem(node, f"{where}: ages needs from < below (years)")
            ages = None
        features[feature_id] = Feature(
            id=feature_id, kind=str(kind), group=str(group), question=str(node.get("question")),
            term=str(node.get("term")), direction=str(direction), weights=weights,
            sources=check.sources(node, where), routes=routes, unit=node.get("unit"),
            min=low, max=high, statement=node.get("statement"),
            modifier=node.get("modifier") is True, options=tuple(options),
            optional=(kind in ("number", "choice") or node.get("optional") is True
                      or group_optional.get(group) is True or "follows" in node),
            follows=_follow_up(check, node, where, features),
            ages=(float(ages.get("from", 0)), float(ages.get("below", 200))) if ages else None,
        )
    return features


def _answers_of(feature: Feature) -> tuple[Any, ...]:
    if feature.kind == "choice":
        return (*(o.id for o in feature.options), UNKNOWN)
    return (True, False, UNKNOWN) if feature.kind == "history" else (UNKNOWN,)


def _follow_up(check: _Checker, node: Mapping, where: str,
               earlier: Mapping[str, Feature]) -> FollowUp | None:
    """`follows: {id, answers, otherwise}`: the parent is an earlier yes/no or choice question
    in the same group (so on the same page), and both lists hold answers it can have."""
    spec = node.get("follows")
    if spec is None:
        return None
    parent = earlier.get(spec.get("id")) if isinstance(spec, Mapping) else None
    if parent is None or parent.kind not in ("history", "choice") or parent.follows:
        check.problem(spec if isinstance(spec, Mapping) else node,
                      f"{where}: follows must name an earlier history or choice question "
                      "that is not itself a follow-up")
        return None
    if parent.group != node.get("group"):
        check.problem(spec, f"{where}: a follow-up is in the same group as '{parent.id}'")
    answers = tuple(_list(spec, "answers"))
    siblings = {f.follows.answers for f in earlier.values()
                if f.follows and f.follows.parent == parent.id}
    if siblings and siblings != {answers}:
        check.problem(spec, f"{where}: follow-ups of '{parent.id}' follow the same answers")
    if not answers or any(a not in _answers_of(parent) for a in answers):
        check.problem(spec, f"{where}: follows.answers must be answers to '{parent.id}'")
    own = Feature(id="", kind=str(node.get("kind")), group="", question="", term="",
                  direction="", weights={}, sources=(),
                  options=tuple(Option(str(o.get("id")), "", "")
                                for o in _list(node, "options")))
    otherwise = spec.get("otherwise", UNKNOWN)
    if otherwise not in _answers_of(own):
        check.problem(spec, f"{where}: follows.otherwise must be one of its own answers")
    return FollowUp(parent.id, answers, otherwise)


def _weights(check: _Checker, node: Mapping, where: str) -> dict[str, int]:
    """Per-route weights for intrathecal and oral; the others are derived."""
    raw = node.get("weight")
    if isinstance(raw, int) and not isinstance(raw, bool):
        per_route = {"intrathecal": raw, "oral": raw}
    elif isinstance(raw, Mapping) and set(raw) == {"intrathecal", "oral"}:
        per_route = dict(raw)
    else:
        check.problem(node, f"{where}: weight must be a whole number or "
                            "{intrathecal: N, oral: N}")
        return dict.fromkeys(ROUTES, 0)
    for route, points in list(per_route.items()):
        if not isinstance(points, int) or isinstance(points, bool) or points < 0:
            check.problem(node, f"{where}: the {route} weight must be a whole number >= 0 "
                                "(a negative weight could lower the level)")
            per_route[route] = 0
    # "both" and "unknown" take the larger weight, so not knowing never under-scores.
    per_route["both"] = per_route["unknown"] = max(per_route["intrathecal"], per_route["oral"])
    return per_route


def _compile_vitals(check: _Checker, nodes: list, features: Mapping) -> dict[str, Vital]:
    """NEWS2 bands must rise (or stay) moving away from a single 0-point band."""
    check.unique(nodes, "vital sign")
    vitals: dict[str, Vital] = {}
    for node in nodes:
        vital_id = node.get("id")
        where = f"vital sign '{vital_id}'"
        low, high = node.get("min"), node.get("max")
        if not (isinstance(low, int | float) and isinstance(high, int | float) and low < high):
            check.problem(node, f"{where}: needs min < max")
            continue
        bands = _compile_bands(check, node, "bands", where)
        for key in ("low_direction", "high_direction"):
            if node.get(key) not in DIRECTIONS:
                check.problem(node, f"{where}: {key} must be one of {', '.join(DIRECTIONS)}")
        implies = []
        for item in _list(node, "implies"):
            symptom = item.get("symptom")
            bound = [(k, v) for k, v in item.items() if k in ("at_least", "at_most")]
            if features.get(symptom) is None or features[symptom].kind != "symptom":
                check.problem(item, f"{where}: implies unknown symptom '{symptom}'")
            if (len(bound) != 1 or not isinstance(bound[0][1], int | float)
                    or not low <= bound[0][1] <= high):
                check.problem(item, f"{where}: implies needs at_least or at_most within "
                                    f"{low}-{high}")
                continue
            implies.append((symptom, *bound[0]))
        vitals[vital_id] = Vital(
            id=vital_id, label=str(node.get("label", "")), unit=str(node.get("unit", "")),
            min=low, max=high, low_direction=str(node.get("low_direction")),
            high_direction=str(node.get("high_direction")), bands=tuple(bands),
            sources=check.sources(node, where), implies=tuple(implies),
        )
    return vitals


def _compile_bands(check: _Checker, parent: Mapping, key: str, where: str) -> tuple[Band, ...]:
    """Bands with rising limits; points must not fall moving away from one 0-point band."""
    nodes = _list(parent, key)
    bands: list[Band] = []
    for index, band in enumerate(nodes):
        last = index == len(nodes) - 1
        if ("upto" in band) == last:
            check.problem(band, f"{where}: every band but the last needs 'upto'; "
                                "the last must not have one")
        upto = math.inf if last else band.get("upto", math.inf)
        if bands and upto <= bands[-1].upto:
            check.problem(band, f"{where}: band limits must increase ({upto} after "
                                f"{bands[-1].upto})")
        points = band.get("points")
        if not isinstance(points, int) or points < 0:
            check.problem(band, f"{where}: band points must be a whole number >= 0")
            points = 0
        bands.append(Band(upto, points))
    normal = [i for i, b in enumerate(bands) if b.points == 0]
    if len(normal) != 1:
        check.problem(parent, f"{where}: needs exactly one 0-point (normal) band")
    else:
        i = normal[0]
        falling = [b.points for b in bands[: i + 1]]
        rising = [b.points for b in bands[i:]]
        if falling != sorted(falling, reverse=True) or rising != sorted(rising):
            check.problem(parent, f"{where}: points must not fall as values move away from "
                                 "normal (a worse value would lower the level)")
    return tuple(bands)


def _compile_news2(check: _Checker, node: Mapping, features: Mapping) -> News2:
    """ACVPU, the oxygen parameter and SpO2 Scale 2. Hazards: H1, H17 (chronic baselines)."""
    consciousness = node.get("consciousness") or _Node()
    symptoms = frozenset(_list(consciousness, "symptoms"))
    for symptom in symptoms:
        if features.get(symptom) is None or features[symptom].kind != "symptom":
            check.problem(consciousness, f"news2 consciousness: unknown symptom '{symptom}'")
    oxygen = node.get("oxygen") or _Node()
    scale_2 = node.get("spo2_scale_2") or _Node()
    for part, what in ((oxygen, "oxygen"), (scale_2, "spo2_scale_2")):
        fact = part.get("fact")
        if features.get(fact) is None or features[fact].kind != "history":
            check.problem(part, f"news2 {what}: unknown history id '{fact}'")
    age = node.get("adult_from_age")
    if not isinstance(age, int | float):
        check.problem(node, "news2 needs adult_from_age")
    margin = node.get("usual_systolic_margin")
    if not isinstance(margin, int | float) or margin < 0:
        check.problem(node, "news2 needs usual_systolic_margin >= 0")
        margin = 0
    return News2(
        adult_from_age=age if isinstance(age, int | float) else 16,
        usual_systolic_margin=margin,
        consciousness_points=check.require(consciousness, "points", int,
                                           "news2 consciousness") or 0,
        consciousness_symptoms=symptoms,
        oxygen_fact=str(oxygen.get("fact")),
        oxygen_points=check.require(oxygen, "points", int, "news2 oxygen") or 0,
        scale_2_fact=str(scale_2.get("fact")),
        scale_2_on_air=_compile_bands(check, scale_2, "on_air", "spo2 Scale 2 on air"),
        scale_2_on_oxygen=_compile_bands(check, scale_2, "on_oxygen", "spo2 Scale 2 on oxygen"),
        sources=check.sources(node, "news2"),
    )


def _compile_children(check: _Checker, node: Mapping, compiler: _ConditionCompiler) -> Children:
    """NICE age bands for under-16s: each group's high and moderate findings, plus the
    findings that count at every age. Hazards: H8 a child judged on adult bands."""
    below_age = node.get("below_age")
    if not isinstance(below_age, int | float):
        check.problem(node, "children needs below_age")
        below_age = 16
    every_high = tuple(_list(node, "high"))
    every_moderate = tuple(_list(node, "moderate"))
    every_low = tuple(_list(node, "low"))
    groups = []
    previous = 0.0
    check.unique(_list(node, "groups"), "child age group")
    for group in _list(node, "groups"):
        where = f"child age group '{group.get('id')}'"
        below = group.get("below")
        if not isinstance(below, int | float) or below <= previous:
            check.problem(group, f"{where}: 'below' must rise from group to group")
            below = previous
        previous = below
        high = compiler.compile({"any": [*_list(group, "high"), *every_high]}, where)
        moderate = compiler.compile({"any": [*_list(group, "moderate"), *every_moderate]},
                                    where)
        low = compiler.compile({"any": [*_list(group, "low"), *every_low]}, where)
        groups.append(ChildGroup(str(group.get("id")), below, high, moderate, low))
    if previous != below_age:
        check.problem(node, f"children: the last age group must end at {below_age}")
    start = node.get("unknown_age_child_from")
    if start is not None and (not isinstance(start, int | float) or not 0 <= start < below_age):
        check.problem(node, f"children.unknown_age_child_from must be from 0 to {below_age}")
        start = None
    slow = node.get("slow_pulse_at_most", 0)
    physiology = _compile_physiology(check, node) if "physiology" in node else ()
    if start is not None and not physiology:
        check.problem(node, "children: the cautious reading of an unknown age needs the "
                            "physiology table")
    return Children(below_age, tuple(groups), check.sources(node, "children"),
                    physiology, start, slow if isinstance(slow, int | float) else 0)


PHYSIOLOGY_LIMITS = {  # each limit's name, and whether a value at or BELOW it counts
    "heart_rate.slow": True, "heart_rate.very_slow": True, "heart_rate.fast": False,
    "respiratory_rate.slow": True, "respiratory_rate.very_slow": True,
    "systolic_bp.low": True, "systolic_bp.ad_raised": False, "systolic_bp.ad_threshold": False,
    "systolic_bp.ad_rise": False, "weight.cautious": True,
}


def _compile_physiology(check: _Checker, node: Mapping) -> tuple[LimitRow, ...]:
    """The physiology table: age rows from birth to adult, each with every limit in
    PHYSIOLOGY_LIMITS, ages rising, the adult row last. Hazards: H8 a child judged on adult
    numbers (no rule compares a child's value with an adult number)."""
    rows: list[LimitRow] = []
    previous = 0.0
    nodes = _list(node, "physiology")
    for index, row in enumerate(nodes):
        below = row.get("below")
        last = index == len(nodes) - 1
        where = f"physiology row {index + 1}"
        if last and below is not None:
            check.problem(row, f"{where}: the last (adult) row has no 'below'")
        if not last and (not isinstance(below, int | float) or below <= previous):
            check.problem(row, f"{where}: 'below' must rise from row to row")
            below = previous
        previous = below if below is not None else previous
        limits = {}
        for name in PHYSIOLOGY_LIMITS:
            vital, _, limit = name.partition(".")
            if last and vital == "weight":
                continue  # an adult's weight is never estimated
            part = row.get(vital)
            value = part.get(limit) if isinstance(part, Mapping) else None
            if not isinstance(value, int | float):
                check.problem(row, f"{where}: needs {vital}: {{{limit}: N}}")
                value = 0
            limits[name] = value
        for vital in ("heart_rate", "respiratory_rate"):
            if limits[f"{vital}.very_slow"] > limits[f"{vital}.slow"]:
                check.problem(row, f"{where}: {vital} 'very_slow' must be at or below 'slow'")
        if limits["systolic_bp.ad_raised"] > limits["systolic_bp.ad_threshold"]:
            check.problem(row, f"{where}: 'ad_raised' must be at or below 'ad_threshold'")
        rows.append(LimitRow(below, limits, check.sources(row, where)))
    if not rows:
        check.problem(node, "children needs a physiology table")
    return tuple(rows)


def _compile_rules(check: _Checker, compiler: _ConditionCompiler, nodes: list, what: str,
                   note: bool = False) -> tuple[Rule, ...]:
    check.unique(nodes, what)
    rules = []
    for node in nodes:
        rule_id = node.get("id", "?")
        where = f"{what} '{rule_id}'"
        level = None if note else node.get("level")
        if not note and level not in LEVELS:
            check.problem(node, f"{where}: level must be one of {', '.join(LEVELS)}")
        audience = node.get("audience") if note else None
        if note and audience not in (*AUDIENCES, "both"):
            check.problem(node, f"{where}: audience must be caregiver, staff or both")
        label = node.get("text" if note else "label")
        if not isinstance(label, str) or not label.strip():
            check.problem(node, f"{where} has no {'text' if note else 'label'}")
        if "when" not in node:
            check.problem(node, f"{where} has no 'when' condition")
            continue
        says = rationale = ""
        if not note:
            says, rationale = node.get("says"), node.get("rationale")
            for key, text in (("says", says), ("rationale", rationale)):
                if not isinstance(text, str) or not text.strip():
                    check.problem(node, f"{where} has no '{key}'")
        rules.append(Rule(rule_id, str(label), level, check.sources(node, where),
                          compiler.compile(node["when"], where), audience, str(says or ""),
                          str(rationale or ""), compiler.needs(node["when"]),
                          names_cause=node.get("names_cause") is True))
    if not note:
        ranks = [LEVELS.index(r.level) for r in rules if r.level in LEVELS]
        if ranks != sorted(ranks):
            check.problem(nodes[0] if nodes else None,
                          f"{what}s must be listed from emergency down")
    return tuple(rules)


def _compile_advice(check: _Checker, node: Any, compiler: _ConditionCompiler,
                    discriminators: tuple[Rule, ...], decisions_only: bool = False):
    advice: dict[str, dict[str, AdviceText]] = {}
    if not isinstance(node, Mapping):
        check.problem(node, "the rule set has no 'advice'")
        return advice, ()
    for level in LEVELS:
        per_audience = node.get(level)
        if not isinstance(per_audience, Mapping):
            check.problem(node, f"advice has no wording for level '{level}'")
            continue
        for audience in AUDIENCES:
            text = per_audience.get(audience)
            where = f"advice '{level}' for {audience}"
            if not isinstance(text, Mapping):
                check.problem(per_audience, f"{where} is missing")
                continue
            if not isinstance(text.get("headline"), str):
                check.problem(text, f"{where} has no headline")
            for section in ADVICE_SECTIONS[1:]:
                if not _list(text, section):
                    check.problem(text, f"{where} has no '{section}' lines")
            advice.setdefault(level, {})[audience] = AdviceText(
                str(text.get("headline")), *(tuple(_list(text, s)) for s in ADVICE_SECTIONS[1:])
            )
    additions = []
    if not decisions_only:  # files before 2026.4 had none
        check.unique(_list(node, "additions"), "advice addition")
    for number, item in enumerate(_list(node, "additions"), 1):
        if item.get("audience") not in AUDIENCES or item.get("section") not in ADVICE_SECTIONS[1:]:
            check.problem(item, "advice addition needs an audience (caregiver or staff) and a "
                                "section (do_now, tell or watch_for)")
        for key, allowed in (("routes", ROUTES), ("levels", LEVELS),
                             ("directions", ("withdrawal", "overdose", "unclear", "none"))):
            for value in _list(item, key):
                if value not in allowed:
                    check.problem(item, f"advice addition: unknown {key[:-1]} '{value}'")
        known = {r.id for r in discriminators}
        for rule_id in [*_list(item, "fired"), *_list(item, "unless_fired")]:
            if rule_id not in known:
                check.problem(item, f"advice addition: unknown discriminator '{rule_id}'")
        where = f"advice addition on line {_line(item)}"
        additions.append(AdviceAddition(
            str(item.get("id", f"addition-{number}")), str(item.get("audience")),
            str(item.get("section")), str(item.get("text", "")),
            *(tuple(item[k]) if k in item else None for k in ("routes", "levels", "directions")),
            fired=frozenset(item["fired"]) if "fired" in item else None,
            when=compiler.compile(item["when"], where) if "when" in item else None,
            unless=compiler.compile(item["unless"], where) if "unless" in item else None,
            unless_fired=frozenset(item["unless_fired"]) if "unless_fired" in item else None,
        ))
    return advice, tuple(additions)


class _ConditionCompiler:
    """Turns a `when:` condition into a predicate over `Facts`, checking every id.

    Only presence tests exist (no "not"), which keeps every rule monotone.
    Hazards: H2 (a rule that adding a finding could switch off), H3 ("unknown" as "no").
    """

    def __init__(self, check: _Checker, features, vitals, concepts, named=None):
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
