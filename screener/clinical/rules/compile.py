"""Each section of the rule file checked and compiled: the rule set as a whole, its levels,
questions, rules, advice and call script (the vital signs and age bands: compile_vitals.py;
the conditions: conditions.py). Every problem is collected with its line.

Hazards: H7 a corrupted or inconsistent rule set scores patients wrongly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .checker import Checker, Node, line_of, listed
from .compile_vitals import compile_children, compile_news2, compile_vitals
from .conditions import ConditionCompiler
from .model import (
    Advice,
    AdviceAddition,
    CallScript,
    Concept,
    Feature,
    FollowUp,
    Level,
    Option,
    Rechecks,
    Rule,
    RuleSet,
)
from .vocabulary import (
    ADVICE_SECTIONS,
    AUDIENCES,
    DIRECTIONS,
    FEATURE_KINDS,
    LEVELS,
    ROUTES,
    UNKNOWN,
)


def compile_ruleset(check: Checker, data: Mapping[str, Any], content_hash: str,
             decisions_only: bool = False) -> RuleSet | None:
    version = check.require(data, "version", str, "the rule set")
    sources = check.require(data, "sources", Mapping, "the rule set") or {}
    for name, text in sources.items():
        if not isinstance(text, str) or not text.strip():
            check.problem(sources, f"source '{name}' has no description")

    levels = _compile_levels(check, listed(data, "levels"))
    groups = listed(data, "groups")
    check.unique(groups, "group")
    group_kinds = {g.get("id"): g.get("kind") for g in groups if isinstance(g, Mapping)}
    for route_list, what in ((listed(data, "routes"), "route"),
                             (listed(data, "respondents"), "respondent")):
        check.unique(route_list, what)
    route_ids = tuple(r.get("id") for r in listed(data, "routes"))
    if route_ids != ROUTES:
        check.problem(data, f"routes must be exactly {', '.join(ROUTES)} (found {route_ids})")

    # A group whose questions may all be left unanswered ("answer what you can").
    group_optional = {g.get("id"): g.get("optional") for g in groups if isinstance(g, Mapping)}
    features = _compile_features(check, listed(data, "features"), group_kinds, group_optional)
    vitals = compile_vitals(check, listed(data, "vitals"), features)

    concepts: dict[str, Concept] = {}
    check.unique(listed(data, "concepts"), "concept")
    for node in listed(data, "concepts"):
        concept_id = node.get("id", "?")
        for fact in listed(node, "facts"):
            if features.get(fact) is None or features[fact].kind != "history":
                check.problem(node, f"concept '{concept_id}' refers to unknown history id '{fact}'")
        concepts[concept_id] = Concept(
            concept_id, str(node.get("label", "")), tuple(listed(node, "facts")),
            check.sources(node, f"concept '{concept_id}'"),
        )

    check.unique(listed(data, "conditions"), "named condition")
    for node in listed(data, "conditions"):
        check.sources(node, f"named condition '{node.get('id')}'")
        if "when" not in node:
            check.problem(node, f"named condition '{node.get('id')}' has no 'when'")
    named = {node.get("id"): node.get("when") for node in listed(data, "conditions")}
    compiler = ConditionCompiler(check, features, vitals, concepts, named)
    news2 = compile_news2(check, data.get("news2") or Node(), features)
    children = compile_children(check, data.get("children") or Node(), compiler)
    if news2.adult_from_age != children.below_age:  # one age splits NEWS2 from NICE's bands
        check.problem(data.get("children"), f"children.below_age ({children.below_age}) must "
                                            f"equal news2.adult_from_age ({news2.adult_from_age})")
    discriminators = _compile_rules(check, compiler, listed(data, "discriminators"),
                                    "discriminator")
    notes = _compile_rules(check, compiler, listed(data, "notes"), "note", note=True)
    advice, additions = _compile_advice(check, data.get("advice"), compiler, discriminators,
                                        decisions_only)
    call_script = (CallScript((), {}) if decisions_only and "call_script" not in data
                   else _compile_call_script(check, data.get("call_script")))

    rechecks = _compile_rechecks(check, data.get("rechecks"), concepts)
    known_additions = {a.id for a in additions}
    for addition_id in call_script.read_out:
        if addition_id not in known_additions:
            check.problem(data.get("call_script"),
                          f"call_script.read_out: unknown advice addition '{addition_id}'")
    if check.problems:
        return None
    return RuleSet(
        version=version, title=str(data.get("title", "")), sources=dict(sources),
        levels=levels, routes=tuple(dict(r) for r in listed(data, "routes")),
        respondents=tuple(dict(r) for r in listed(data, "respondents")),
        groups=tuple(dict(g) for g in groups), features=features, vitals=vitals,
        news2=news2, children=children, concepts=concepts, discriminators=discriminators,
        notes=notes, advice=advice, advice_additions=additions, call_script=call_script,
        content_hash=content_hash, raw=data, rechecks=rechecks,
    )


def _compile_rechecks(check: Checker, node: Any, concepts: Mapping[str, Concept]) -> Rechecks:
    """When to ask for a re-check (issue 24, item 4); none in files before 2026.7."""
    if node is None:
        return Rechecks()
    if not isinstance(node, Mapping):
        check.problem(check.data, "rechecks must be a mapping: levels, after, hours, "
                                  "answer_within_hours, rationale, sources")
        return Rechecks()
    levels = tuple(listed(node, "levels"))
    if not levels or any(level not in LEVELS for level in levels):
        check.problem(node, f"rechecks.levels must name levels from {', '.join(LEVELS)}")
    after = concepts.get(node.get("after"))
    if after is None:
        check.problem(node, f"rechecks.after: unknown concept '{node.get('after')}'")
    hours = tuple(listed(node, "hours"))
    if not hours or not all(isinstance(h, int) and not isinstance(h, bool) and 1 <= h <= 168
                            for h in hours) or list(hours) != sorted(set(hours)):
        check.problem(node, "rechecks.hours must be whole hours from 1 to 168, rising")
    within = node.get("answer_within_hours")
    if not (isinstance(within, int) and not isinstance(within, bool) and 1 <= within <= 24):
        check.problem(node, "rechecks.answer_within_hours must be whole hours from 1 to 24")
        within = 4
    if not str(node.get("rationale") or "").strip():
        check.problem(node, "rechecks needs a rationale")
    return Rechecks(levels, after, hours, within, str(node.get("rationale") or ""),
                    check.sources(node, "rechecks"))


def _compile_call_script(check: Checker, node: Any) -> CallScript:
    """What staff confirm on every call, and what they say at each level (staff wording)."""
    if not isinstance(node, Mapping):
        check.problem(node or check.data, "call_script needs 'confirm' and 'say' per level")
        return CallScript((), {})
    confirm = tuple(listed(node, "confirm"))
    say = node.get("say") if isinstance(node.get("say"), Mapping) else {}
    for lines, where in ((confirm, "call_script.confirm"),
                         *((say.get(level), f"call_script.say.{level}") for level in LEVELS)):
        if not lines or not all(isinstance(line, str) and line.strip() for line in lines):
            check.problem(node, f"{where} must be a list of lines of text")
    read_out = tuple(listed(node, "read_out"))
    return CallScript(confirm, {level: tuple(say.get(level) or ()) for level in LEVELS},
                      read_out)


def _compile_levels(check: Checker, nodes: list) -> tuple[Level, ...]:
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


def _compile_features(check: Checker, nodes: list, group_kinds: Mapping,
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
        if kind == "number" and "statement" in node:  # said aloud, with the answer (2026.6)
            _placeholder(check, node, "statement", "%(value)s", where)
        options = []
        if kind == "choice":
            check.unique(listed(node, "options"), f"option of {where}")
            for option in listed(node, "options"):
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


def _follow_up(check: Checker, node: Mapping, where: str,
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
    answers = tuple(listed(spec, "answers"))
    siblings = {f.follows.answers for f in earlier.values()
                if f.follows and f.follows.parent == parent.id}
    if siblings and siblings != {answers}:
        check.problem(spec, f"{where}: follow-ups of '{parent.id}' follow the same answers")
    if not answers or any(a not in _answers_of(parent) for a in answers):
        check.problem(spec, f"{where}: follows.answers must be answers to '{parent.id}'")
    own = Feature(id="", kind=str(node.get("kind")), group="", question="", term="",
                  direction="", weights={}, sources=(),
                  options=tuple(Option(str(o.get("id")), "", "")
                                for o in listed(node, "options")))
    otherwise = spec.get("otherwise", UNKNOWN)
    if otherwise not in _answers_of(own):
        check.problem(spec, f"{where}: follows.otherwise must be one of its own answers")
    return FollowUp(parent.id, answers, otherwise)


def _weights(check: Checker, node: Mapping, where: str) -> dict[str, int]:
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



def _compile_rules(check: Checker, compiler: ConditionCompiler, nodes: list, what: str,
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
            if "says_unmeasured" in node:
                _placeholder(check, node, "says_unmeasured", "%(told)s", where)
        rules.append(Rule(rule_id, str(label), level, check.sources(node, where),
                          compiler.compile(node["when"], where), audience, str(says or ""),
                          str(rationale or ""), compiler.needs(node["when"]),
                          names_cause=node.get("names_cause") is True,
                          says_unmeasured=str(node.get("says_unmeasured") or "")))
    if not note:
        ranks = [LEVELS.index(r.level) for r in rules if r.level in LEVELS]
        if ranks != sorted(ranks):
            check.problem(nodes[0] if nodes else None,
                          f"{what}s must be listed from emergency down")
    return tuple(rules)


def _compile_advice(check: Checker, node: Any, compiler: ConditionCompiler,
                    discriminators: tuple[Rule, ...], decisions_only: bool = False):
    advice: dict[str, dict[str, Advice]] = {}
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
                if not listed(text, section):
                    check.problem(text, f"{where} has no '{section}' lines")
            advice.setdefault(level, {})[audience] = Advice(
                str(text.get("headline")), *(tuple(listed(text, s)) for s in ADVICE_SECTIONS[1:])
            )
    additions = []
    if not decisions_only:  # files before 2026.4 had none
        check.unique(listed(node, "additions"), "advice addition")
    for number, item in enumerate(listed(node, "additions"), 1):
        if item.get("audience") not in AUDIENCES or item.get("section") not in ADVICE_SECTIONS[1:]:
            check.problem(item, "advice addition needs an audience (caregiver or staff) and a "
                                "section (do_now, tell or watch_for)")
        for key, allowed in (("routes", ROUTES), ("levels", LEVELS),
                             ("directions", ("withdrawal", "overdose", "unclear", "none"))):
            for value in listed(item, key):
                if value not in allowed:
                    check.problem(item, f"advice addition: unknown {key[:-1]} '{value}'")
        known = {r.id for r in discriminators}
        for rule_id in [*listed(item, "fired"), *listed(item, "unless_fired")]:
            if rule_id not in known:
                check.problem(item, f"advice addition: unknown discriminator '{rule_id}'")
        where = f"advice addition on line {line_of(item)}"
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



def _placeholder(check: Checker, node: Mapping, key: str, placeholder: str, where: str) -> None:
    """A sentence the presenter fills in must hold its one placeholder, and no other `%`
    (optional: rule sets before 2026.6 have none, and must still load for a replay)."""
    text = node.get(key)
    if not isinstance(text, str) or text.replace(placeholder, "", 1).count("%") or (
            placeholder not in text):
        check.problem(node, f"{where}: '{key}' must hold {placeholder} once, and no other %")
