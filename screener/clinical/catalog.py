"""The rule set as served to people and programs: the catalogue behind the API and the docs."""

from __future__ import annotations

import math
from typing import Any

from .plain import to_plain
from .rules import Rule, RuleSet


def build_catalog(ruleset: RuleSet) -> dict[str, Any]:
    """Everything the scoring uses, with weights, conditions and sources."""
    raw = ruleset.raw
    discriminators = _worded(raw.get("discriminators", []), ruleset.discriminators)
    return {
        "version": ruleset.version,
        "ruleset_hash": ruleset.short_hash,
        "title": ruleset.title,
        "levels": [
            {"id": lv.id, "min_score": lv.min_score, "title": lv.title, "meaning": lv.meaning}
            for lv in ruleset.levels
        ],
        "routes": [dict(r) for r in ruleset.routes],
        "respondents": [dict(r) for r in ruleset.respondents],
        "groups": [dict(g) for g in ruleset.groups],
        "features": [
            {
                "id": f.id,
                "kind": f.kind,
                "group": f.group,
                "question": f.question,
                "term": f.term,
                "statement": f.statement,
                "direction": f.direction,
                "weight": dict(f.weights),
                "modifier": f.modifier,
                "routes": list(f.routes),
                "unit": f.unit,
                "min": f.min,
                "max": f.max,
                "options": [{"id": o.id, "label": o.label} for o in f.options],
                "optional": f.optional,
                "follows": None if f.follows is None else {
                    "id": f.follows.parent, "answers": list(f.follows.answers),
                    "otherwise": f.follows.otherwise},
                "sources": list(f.sources),
            }
            for f in ruleset.features.values()
        ],
        "vitals": [
            {
                "id": v.id,
                "label": v.label,
                "unit": v.unit,
                "min": v.min,
                "max": v.max,
                "bands": [
                    {"upto": None if math.isinf(b.upto) else b.upto, "points": b.points}
                    for b in v.bands
                ],
                "sources": list(v.sources),
            }
            for v in ruleset.vitals.values()
        ],
        "concepts": to_plain(raw.get("concepts", [])),
        "conditions": to_plain(raw.get("conditions", [])),
        "discriminators": discriminators,
        "red_flags": [r for r in discriminators if r["level"] == "emergency"],
        "combinations": [r for r in discriminators if r["level"] != "emergency"],
        "news2": to_plain(raw.get("news2", {})),
        "children": to_plain(raw.get("children", {})),
        "notes": _worded(raw.get("notes", []), ruleset.notes),
        "sources": dict(ruleset.sources),
    }


def _worded(nodes: list, rules: tuple[Rule, ...]) -> list[dict[str, Any]]:
    """Rules as written in the file (their conditions), in the rule set's words (which are
    translated with it: clinical/translation.py)."""
    by_id = {rule.id: rule for rule in rules}
    plain = to_plain(nodes)
    for node in plain:
        rule = by_id[node["id"]]
        node.update({key: getattr(rule, key) for key in ("label", "says", "rationale")
                     if key in node})
    return plain
