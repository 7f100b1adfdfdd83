"""The presenter: a decision put into words for an audience (caregiver or staff) in a
language. Scoring decides (scoring.decide, and which advice applies, by id); this module is
the one place that writes the sentences: a vital sign's reading, the advice, the handover
summary, the direction, and the plain-text form of an assessment. It reads the result types
(results.py) and never the engine; assessing.py puts the two together.

Its own sentences go through a gettext catalogue (`words`, English by default); the rule
set's wording comes already translated (clinical/translation.py). Only English exists: a
second language goes live after a clinician's review (README, "Adding a language").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from gettext import NullTranslations
from typing import TYPE_CHECKING, Any

from .results import Advice, Assessment, Contribution, Decision, FiredRule
from .rules import AGE, RuleSet, Vital

if TYPE_CHECKING:
    from .answers import Answers
    from .translation import Catalogue

ENGLISH: Catalogue = NullTranslations()


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated where it is shown."""
    return message


COULD_NOT_COMPLETE = N_(
    "We could not complete the check. If you are worried, call the emergency number now "
    "(999 in the UK, 911 in the US, 112 in Europe)."
)
DISCLAIMER = N_("This check supports, and never replaces, clinical judgement.")
# Which way the signs point, as a phrase: the result page's "why" and the handover say it.
DIRECTION_PHRASES = {
    "withdrawal": N_("baclofen withdrawal (too little baclofen)"),
    "overdose": N_("too much baclofen (overdose)"),
    "unclear": N_("either withdrawal or too much baclofen; it is not clear which"),
}
ROUTE_WORDS = {
    "intrathecal": N_("They have baclofen through an intrathecal pump."),
    "oral": N_("They take baclofen by mouth (tablets or liquid)."),
    "both": N_("They have an intrathecal baclofen pump and also take baclofen tablets."),
    "unknown": N_("They take baclofen. Tell them whether it is through a pump, tablets or "
                  "both."),
}
# A cause other than baclofen that the crew must hear first (Hazards: H16 misdirected
# advice: autonomic dysreflexia called withdrawal, so a crew lays the person flat).
AUTONOMIC_DYSREFLEXIA = frozenset({"autonomic_dysreflexia", "autonomic_dysreflexia_picture"})
AD_WORDS = N_("The signs point to possible autonomic dysreflexia: a sudden, dangerous rise in "
              "blood pressure after a spinal cord injury. It needs first aid now (below).")
AD_STAFF = N_("Suspected cause: autonomic dysreflexia (consider baclofen withdrawal as well).")


def direction_sentence(direction: str, words: Catalogue = ENGLISH) -> str:
    phrase = words.gettext(DIRECTION_PHRASES[direction])
    if direction == "unclear":
        return words.gettext("The signs point to %(direction)s.") % {"direction": phrase}
    return words.gettext("The signs point to possible %(direction)s.") % {"direction": phrase}


def vital_reading(vital: Vital, value: float) -> str:
    """A measurement for caregivers: "Temperature: 38.5 °C" (the rule set's words)."""
    return f"{vital.label}: {number(value)} {vital.unit}"


def vital_reading_term(vital: Vital, value: float, points: int) -> str:
    """A measurement for staff, with its NEWS2 points."""
    return f"{vital.label} {number(value)} {vital.unit} (NEWS2 {points})"


def worded_contributions(contributions: tuple[Contribution, ...], ruleset: RuleSet
                         ) -> tuple[Contribution, ...]:
    """The contributions with their words: each vital sign's label and term made from its
    value (the rule set's own words for a symptom or history finding are already there)."""
    vitals = ruleset.vitals
    return tuple([c if c.kind != "vital" else _worded_vital(c, vitals[c.feature])
                  for c in contributions])


@lru_cache(maxsize=4096)  # measurements repeat (whole numbers): reuse the frozen result
def _worded_vital(contribution: Contribution, vital: Vital) -> Contribution:
    value = contribution.value
    return replace(contribution, label=vital_reading(vital, value),
                   term=vital_reading_term(vital, value, contribution.points))


def advice(audience: str, decision: Decision, answers: Answers, ruleset: RuleSet,
           addition_ids: tuple[str, ...], words: Catalogue = ENGLISH,
           contributions: tuple[Contribution, ...] | None = None) -> Advice:
    """The advice for one audience: the level's fixed wording, the handover summary, and
    the additions the decision called for, each in its section. `ruleset` is worded in the
    same language as `words`; `contributions` are the decision's, already worded (made
    here if not given)."""
    base = ruleset.advice[decision.level][audience]
    sections: dict[str, list[str]] = {
        "do_now": list(base.do_now),
        "tell": summary(audience, decision, answers, ruleset, words, contributions)
        + list(base.tell),
        "watch_for": list(base.watch_for),
    }
    for addition_id in addition_ids:
        extra = ruleset.addition[addition_id]
        sections[extra.section].append(extra.text)
    return Advice(base.headline, tuple(sections["do_now"]), tuple(sections["tell"]),
                  tuple(sections["watch_for"]))


def summary(audience: str, decision: Decision, answers: Answers, ruleset: RuleSet,
            words: Catalogue = ENGLISH,
            contributions: tuple[Contribution, ...] | None = None) -> list[str]:
    """What to tell the clinician or the emergency team, made from the answers (and the
    decision's `contributions`, worded: made here if not given)."""
    _ = words.gettext
    staff = audience == "staff"
    facts, direction = decision.facts, decision.direction
    symptoms, history, vitals = [], [], []
    if contributions is None:
        contributions = worded_contributions(decision.contributions, ruleset)
    for c in contributions:
        if c.kind == "vital" and not staff and ruleset.vitals[c.feature].statement:
            # a sentence to read out, not "Label: value" (rule sets before 2026.6: the label)
            text = ruleset.vitals[c.feature].statement % {"value": number(c.value)}
        else:
            text = c.term if staff else c.label
        (symptoms if c.kind == "symptom" else history if c.kind == "history" else vitals).append(
            text)
    listed = _("; ").join
    if staff:
        lines = [_("Route: %(route)s.") % {"route": answers.route}]
        if symptoms:
            lines.append(_("Features: %(list)s.") % {"list": listed(symptoms)})
        if history:
            lines.append(_("History: %(list)s.") % {"list": listed(history)})
        if vitals:
            news2 = (_("NEWS2 total %(total)s.") % {"total": facts.news2_total}
                     if facts.child is None else
                     _("Under 16: NICE age band %(band)s, not NEWS2.") % {"band": facts.child.id})
            lines.append(_("Observations: %(list)s.") % {"list": listed(vitals)} + " " + news2)
        if not AUTONOMIC_DYSREFLEXIA.isdisjoint(facts.fired):
            lines.append(_(AD_STAFF))
        if direction:
            lines.append(_("Direction: %(direction)s.") % {"direction": direction})
    else:
        lines = [_(ROUTE_WORDS[answers.route])]
        if not AUTONOMIC_DYSREFLEXIA.isdisjoint(facts.fired):
            lines.append(_(AD_WORDS))
        elif direction:
            lines.append(direction_sentence(direction, words))
        if symptoms:
            lines.append(_("The new signs they have now are: %(list)s.") % {
                "list": listed(symptoms)})
        lines.extend(history)
        lines.extend(vitals)
    for number_id, value in answers.numbers.items():
        if value is not None and number_id != AGE:
            feature = ruleset.features[number_id]
            lines.append(feature.statement % {"value": number(value)}
                         if feature.statement and not staff
                         else f"{feature.term}: {number(value)} {feature.unit}.")
    for choice_id, value in answers.choices.items():
        if value is not None:
            lines.append(ruleset.features[choice_id].option(value).statement)
    return lines


def fired_in_words(decision: Decision, ruleset: RuleSet) -> tuple[FiredRule, ...]:
    """The rules that fired, each saying what the caregiver told us where an early warning
    score came from their answers alone: with no measurement scoring a point, "one of their
    measurements" would contradict them (UX walk 2, finding 10)."""
    fired = decision.discriminators
    if any(v.points for v in decision.vital_scores):
        return fired
    unmeasured = {r.id: r.says_unmeasured for r in ruleset.discriminators if r.says_unmeasured}
    if unmeasured.keys().isdisjoint(r.id for r in fired):
        return fired
    told = "; ".join(_told_the_score(decision, ruleset))
    return tuple([replace(r, says=unmeasured[r.id] % {"told": told}) if r.id in unmeasured
                  else r for r in fired])


def _told_the_score(decision: Decision, ruleset: RuleSet) -> list[str]:
    """The answers the early warning score read, in the caregiver's words."""
    facts, news2 = decision.facts, ruleset.news2
    said = [ruleset.features[s].question for s in ruleset.features
            if s in news2.consciousness_symptoms and s in facts.symptoms]
    if facts.history.get(news2.oxygen_fact) is True:
        said.append(ruleset.features[news2.oxygen_fact].statement.rstrip("."))
    return [text[:1].lower() + text[1:] for text in said]


def number(value: float) -> str:
    """A number as people write it: 38.5, 120 (never 120.0)."""
    return f"{value:g}"


def as_text(result: Assessment, audience: str = "staff", words: Catalogue = ENGLISH) -> str:
    """The assessment as plain text: level, advice, and the working (`screener assess
    --text`)."""
    _ = words.gettext
    advice_for: Mapping[str, Any] = result.advice
    said = advice_for[audience]
    news2 = (_("not used (under 16)") if result.news2_total is None else result.news2_total)
    lines = [f"{result.level.upper()}: {said.headline}",
             _("Score %(score)s (reaches %(level)s by points); direction: %(direction)s; "
               "NEWS2 %(news2)s") % {"score": result.score, "level": result.score_level,
                                     "direction": result.direction or _("none"),
                                     "news2": news2},
             ""]
    for title, items in ((_("Discriminators that fired (most urgent first)"),
                          [f"{r.label} [{r.level}]" for r in result.discriminators]),
                         (_("What to do now"), said.do_now), (_("What to tell them"), said.tell),
                         (_("Watch for"), said.watch_for)):
        if items:
            lines += [f"{title}:", *(f"  - {item}" for item in items), ""]
    lines.append(_("Why (each answer that counted):"))
    for c in result.contributions:
        label = c.term if audience == "staff" else c.label
        lines.append(f"  +{c.points:<2} {label}  [{', '.join(c.sources)}]")
    lines += ["", _("Rule set %(version)s (sha256 %(hash)s).") % {
        "version": result.ruleset_version, "hash": result.ruleset_hash} + " " + _(DISCLAIMER)]
    return "\n".join(lines)
