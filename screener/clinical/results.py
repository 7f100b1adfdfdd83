"""The result types: what the engine decides (`Decision`, made by scoring.decide) and the
assessment a person is shown and a screening stores (`Assessment`, made by assessing.assess:
the decision put into words by wording.py). Both halves import these; neither imports the
other.

`Advice` is the rule set's class (rules/model.py): the rule set's fixed wording for a level
and audience and an assessment's worded advice are the same four fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from .rules import Advice, Facts

__all__ = ["Advice", "Assessment", "Contribution", "Decision", "FiredRule", "Note",
           "VitalScore"]


@dataclass(frozen=True, slots=True)
class Contribution:
    """One answer that counted: its points and why.

    A symptom or history finding carries the rule set's words for it. A vital sign's
    `label` and `term` are sentences made from its value ("Heart rate: 104 beats/min"): the
    presenter's (wording.worded_contributions), so in a `Decision` they are empty."""

    feature: str
    kind: str  # symptom, history or vital
    points: int
    label: str  # plain words, for caregivers
    term: str  # clinical term, for staff
    direction: str
    sources: tuple[str, ...]
    value: float | None = None  # vital signs only
    implied_by: str | None = None  # a symptom implied by a measured vital sign


@dataclass(frozen=True, slots=True)
class FiredRule:
    """A discriminator that fired: the level it sets, and what the caregiver is told."""

    id: str
    label: str
    level: str
    sources: tuple[str, ...]
    says: str = ""


@dataclass(frozen=True, slots=True)
class VitalScore:
    vital: str
    label: str
    value: float
    unit: str
    points: int
    direction: str


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    audience: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """What the rules decided, before anything is put into words: the level, the rules that
    fired, the score and its working, and the direction. `assess()` words it; a replay of
    stored screenings through another rule set needs nothing more."""

    level: str
    score: int
    score_level: str
    contributions: tuple[Contribution, ...]  # a vital sign's label and term not yet worded
    discriminators: tuple[FiredRule, ...]  # every one that fired, most urgent first
    direction: str | None
    vital_scores: tuple[VitalScore, ...]
    facts: Facts
    present: frozenset[str]  # the findings given ("symptom:x", "vital:y", "history:z")


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result: level, score, the working, the advice and the rule-set version."""

    level: str
    score: int
    score_level: str
    contributions: tuple[Contribution, ...]
    discriminators: tuple[FiredRule, ...]  # every one that fired, most urgent first
    red_flags: tuple[FiredRule, ...]  # the emergency ones among them
    combinations: tuple[FiredRule, ...]  # the urgent and soon ones
    direction: str | None
    vital_scores: tuple[VitalScore, ...]
    news2_total: int | None  # None: NEWS2 does not apply (under 16)
    age_band: str  # "adult" (16 or over), the NICE child band, or "unknown" (age not given)
    advice: Mapping[str, Advice]  # "caregiver" and "staff"
    notes: tuple[Note, ...]
    ruleset_version: str
    ruleset_hash: str  # the first 16 hex digits of the rule file's sha256
    answers: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (lists and dicts), in the shape the OpenAPI document gives.

        orjson reads the frozen dataclasses natively; the round trip is several times faster
        than walking them in Python."""
        return orjson.loads(orjson.dumps(self))

    @classmethod
    def from_dict(cls, document: Mapping[str, Any],
                  answers: Mapping[str, Any] | None = None) -> Assessment:
        """The typed assessment again, from its stored JSON (`to_dict`'s shape): what the
        result page, the staff pages, the exports, the timeline and FHIR read. Older rows
        lack some keys; they get the value that means "not recorded"."""
        red_flags = _each(FiredRule, document.get("red_flags"))
        combinations = _each(FiredRule, document.get("combinations"))
        fired = _each(FiredRule, document.get("discriminators")) or red_flags + combinations
        return cls(
            level=document["level"],
            score=document.get("score", 0),
            score_level=document.get("score_level", document["level"]),
            contributions=_each(Contribution, document.get("contributions")),
            discriminators=fired,
            red_flags=red_flags,
            combinations=combinations,
            direction=document.get("direction"),
            vital_scores=_each(VitalScore, document.get("vital_scores")),
            news2_total=document.get("news2_total"),
            age_band=document.get("age_band", "adult"),
            advice={audience: Advice(text["headline"], *(tuple(text.get(part) or ())
                                     for part in ("do_now", "tell", "watch_for")))
                    for audience, text in (document.get("advice") or {}).items()},
            notes=_each(Note, document.get("notes")),
            ruleset_version=document.get("ruleset_version", ""),
            ruleset_hash=document.get("ruleset_hash") or "",
            answers=answers if answers is not None else document.get("answers") or {},
        )


def _each(kind: type, items: Any) -> tuple:
    """Stored dicts back into `kind`, keeping only the fields it has (lists become tuples)."""
    names = kind.__dataclass_fields__
    return tuple(kind(**{k: tuple(v) if isinstance(v, list) else v
                         for k, v in item.items() if k in names}) for item in items or ())
