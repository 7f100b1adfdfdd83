"""The presenter: a decision put into words for an audience (caregiver or staff) and a
locale. Scoring decides (scoring.decide, and which advice applies, by id); this module is the
one place that writes the sentences: the advice, the handover summary, the direction, and
the plain-text form of an assessment.

Only en-GB exists. A second language comes as a catalogue keyed by the same ids (levels,
features, rules, advice additions), reviewed by a clinician before it goes live (README).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .ruleset import AGE, RuleSet

if TYPE_CHECKING:
    from .answers import Answers
    from .scoring import Assessment, Decision

LOCALE = "en-GB"
COULD_NOT_COMPLETE = (
    "We could not complete the check. If you are worried, call the emergency number now "
    "(999 in the UK, 911 in the US, 112 in Europe)."
)
DISCLAIMER = "This check supports, and never replaces, clinical judgement."
# Which way the signs point, as a phrase: the result page's "why" and the handover say it.
DIRECTION_PHRASES = {
    "withdrawal": "baclofen withdrawal (too little baclofen)",
    "overdose": "too much baclofen (overdose)",
    "unclear": "either withdrawal or too much baclofen; it is not clear which",
}
ROUTE_WORDS = {
    "intrathecal": "They have baclofen through an intrathecal pump.",
    "oral": "They take baclofen by mouth (tablets or liquid).",
    "both": "They have an intrathecal baclofen pump and also take baclofen tablets.",
    "unknown": "They take baclofen; it is not known whether by pump or by tablets.",
}
# A cause other than baclofen that the crew must hear first (Hazards: H16 misdirected
# advice: autonomic dysreflexia called withdrawal, so a crew lays the person flat).
AUTONOMIC_DYSREFLEXIA = frozenset({"autonomic_dysreflexia", "autonomic_dysreflexia_picture"})
AD_WORDS = ("The signs point to possible autonomic dysreflexia: a sudden, dangerous rise in "
            "blood pressure after a spinal cord injury. It needs first aid now (below).")
AD_STAFF = "Suspected cause: autonomic dysreflexia (consider baclofen withdrawal as well)."


@dataclass(frozen=True, slots=True)
class Advice:
    headline: str
    do_now: tuple[str, ...]
    tell: tuple[str, ...]
    watch_for: tuple[str, ...]


def _check(locale: str) -> None:
    if locale != LOCALE:
        raise ValueError(f"no wording for locale {locale!r}: only {LOCALE} has been reviewed")


def direction_sentence(direction: str) -> str:
    if direction == "unclear":
        return f"The signs point to {DIRECTION_PHRASES[direction]}."
    return f"The signs point to possible {DIRECTION_PHRASES[direction]}."


def advice(audience: str, decision: Decision, answers: Answers, ruleset: RuleSet,
           addition_ids: tuple[str, ...], locale: str = LOCALE) -> Advice:
    """The advice for one audience: the level's fixed wording, the handover summary, and
    the additions the decision called for, each in its section."""
    _check(locale)
    base = ruleset.advice[decision.level][audience]
    sections: dict[str, list[str]] = {
        "do_now": list(base.do_now),
        "tell": summary(audience, decision, answers, ruleset) + list(base.tell),
        "watch_for": list(base.watch_for),
    }
    for addition_id in addition_ids:
        extra = ruleset.addition[addition_id]
        sections[extra.section].append(extra.text)
    return Advice(base.headline, tuple(sections["do_now"]), tuple(sections["tell"]),
                  tuple(sections["watch_for"]))


def summary(audience: str, decision: Decision, answers: Answers, ruleset: RuleSet) -> list[str]:
    """What to tell the clinician or the emergency team, made from the answers."""
    staff = audience == "staff"
    facts, direction = decision.facts, decision.direction
    symptoms, history, vitals = [], [], []
    for c in decision.contributions:
        text = c.term if staff else c.label
        (symptoms if c.kind == "symptom" else history if c.kind == "history" else vitals).append(
            text)
    if staff:
        lines = [f"Route: {answers.route}."]
        if symptoms:
            lines.append(f"Features: {'; '.join(symptoms)}.")
        if history:
            lines.append(f"History: {'; '.join(history)}.")
        if vitals:
            news2 = (f"NEWS2 total {facts.news2_total}." if facts.child is None
                     else f"Under 16: NICE age band {facts.child.id}, not NEWS2.")
            lines.append(f"Observations: {'; '.join(vitals)}. {news2}")
        if not AUTONOMIC_DYSREFLEXIA.isdisjoint(facts.fired):
            lines.append(AD_STAFF)
        if direction:
            lines.append(f"Direction: {direction}.")
    else:
        lines = [ROUTE_WORDS[answers.route]]
        if not AUTONOMIC_DYSREFLEXIA.isdisjoint(facts.fired):
            lines.append(AD_WORDS)
        elif direction:
            lines.append(direction_sentence(direction))
        if symptoms:
            lines.append(f"Signs now: {'; '.join(symptoms)}.")
        lines.extend(history)
        if vitals:
            lines.append(f"Measured: {'; '.join(vitals)}.")
    for number_id, value in answers.numbers.items():
        if value is not None and number_id != AGE:
            feature = ruleset.features[number_id]
            lines.append(f"{feature.term}: {number(value)} {feature.unit}.")
    for choice_id, value in answers.choices.items():
        if value is not None:
            lines.append(ruleset.features[choice_id].option(value).statement)
    return lines


def number(value: float) -> str:
    """A number as people write it: 38.5, 120 (never 120.0)."""
    return f"{value:g}"


def as_text(result: Assessment, audience: str = "staff", locale: str = LOCALE) -> str:
    """The assessment as plain text: level, advice, and the working (`screener assess
    --text`)."""
    _check(locale)
    advice_for: Mapping[str, Any] = result.advice
    said = advice_for[audience]
    lines = [f"{result.level.upper()}: {said.headline}",
             f"Score {result.score} (reaches {result.score_level} by points); "
             f"direction: {result.direction or 'none'}; NEWS2 "
             f"{'not used (under 16)' if result.news2_total is None else result.news2_total}",
             ""]
    for title, items in (("Discriminators that fired (most urgent first)",
                          [f"{r.label} [{r.level}]" for r in result.discriminators]),
                         ("What to do now", said.do_now), ("What to tell them", said.tell),
                         ("Watch for", said.watch_for)):
        if items:
            lines += [f"{title}:", *(f"  - {item}" for item in items), ""]
    lines.append("Why (each answer that counted):")
    for c in result.contributions:
        label = c.term if audience == "staff" else c.label
        lines.append(f"  +{c.points:<2} {label}  [{', '.join(c.sources)}]")
    lines += ["", f"Rule set {result.ruleset_version} (sha256 {result.ruleset_hash}). "
              f"{DISCLAIMER}"]
    return "\n".join(lines)
