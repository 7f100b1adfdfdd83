"""The vital-sign sections of the rule file checked and compiled: NEWS2 bands and settings,
the children's NICE age bands and the age-aware physiology table.

Hazards: H1, H17 (chronic baselines), H8 a child judged on adult bands.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .checker import Checker, Node, listed
from .model import PHYSIOLOGY_LIMITS, Band, ChildGroup, Children, LimitRow, News2, Vital
from .vocabulary import DIRECTIONS

if TYPE_CHECKING:
    from .conditions import ConditionCompiler


def compile_vitals(check: Checker, nodes: list, features: Mapping) -> dict[str, Vital]:
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
        statement = node.get("statement")  # since 2026.6
        if statement is not None and (not isinstance(statement, str)
                                      or statement.replace("%(value)s", "", 1).count("%")
                                      or "%(value)s" not in statement):
            check.problem(node, f"{where}: 'statement' must hold %(value)s once, and no other %")
        for key in ("low_direction", "high_direction"):
            if node.get(key) not in DIRECTIONS:
                check.problem(node, f"{where}: {key} must be one of {', '.join(DIRECTIONS)}")
        implies = []
        for item in listed(node, "implies"):
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
            statement=str(statement or ""),
        )
    return vitals


def _compile_bands(check: Checker, parent: Mapping, key: str, where: str) -> tuple[Band, ...]:
    """Bands with rising limits; points must not fall moving away from one 0-point band."""
    nodes = listed(parent, key)
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


def compile_news2(check: Checker, node: Mapping, features: Mapping) -> News2:
    """ACVPU, the oxygen parameter and SpO2 Scale 2. Hazards: H1, H17 (chronic baselines)."""
    consciousness = node.get("consciousness") or Node()
    symptoms = frozenset(listed(consciousness, "symptoms"))
    for symptom in symptoms:
        if features.get(symptom) is None or features[symptom].kind != "symptom":
            check.problem(consciousness, f"news2 consciousness: unknown symptom '{symptom}'")
    oxygen = node.get("oxygen") or Node()
    scale_2 = node.get("spo2_scale_2") or Node()
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


def compile_children(check: Checker, node: Mapping, compiler: ConditionCompiler) -> Children:
    """NICE age bands for under-16s: each group's high and moderate findings, plus the
    findings that count at every age. Hazards: H8 a child judged on adult bands."""
    below_age = node.get("below_age")
    if not isinstance(below_age, int | float):
        check.problem(node, "children needs below_age")
        below_age = 16
    every_high = tuple(listed(node, "high"))
    every_moderate = tuple(listed(node, "moderate"))
    every_low = tuple(listed(node, "low"))
    groups = []
    previous = 0.0
    check.unique(listed(node, "groups"), "child age group")
    for group in listed(node, "groups"):
        where = f"child age group '{group.get('id')}'"
        below = group.get("below")
        if not isinstance(below, int | float) or below <= previous:
            check.problem(group, f"{where}: 'below' must rise from group to group")
            below = previous
        previous = below
        high = compiler.compile({"any": [*listed(group, "high"), *every_high]}, where)
        moderate = compiler.compile({"any": [*listed(group, "moderate"), *every_moderate]},
                                    where)
        low = compiler.compile({"any": [*listed(group, "low"), *every_low]}, where)
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



def _compile_physiology(check: Checker, node: Mapping) -> tuple[LimitRow, ...]:
    """The physiology table: age rows from birth to adult, each with every limit in
    PHYSIOLOGY_LIMITS, ages rising, the adult row last. Hazards: H8 a child judged on adult
    numbers (no rule compares a child's value with an adult number)."""
    rows: list[LimitRow] = []
    previous = 0.0
    nodes = listed(node, "physiology")
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


