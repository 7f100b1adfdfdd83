"""The last history pages ask a caregiver only what could still change the level (issue 23).

Once everything before them is answered (the signs, the symptoms, the measurements), each
of those pages shows only its questions whose answer could still change the level
(clinical/settled.py), and a page with none is left out: someone told to call the clinic
now is not kept reading questions the clinic will ask on the phone. A staff follow-up call
asks them all, for the patient's record.
"""

from __future__ import annotations

import json

from flask import g

from ..clinical.answers import InvalidAnswers
from ..clinical.rules import Feature, RuleSet
from ..clinical.settled import questions_that_matter
from ..models import Draft
from .forms import age_from, asks, to_request
from .pages import Page


def flow_for(draft: Draft, rules: RuleSet, pages: tuple[Page, ...]) -> tuple[Page, ...]:
    """`pages` without the late pages left unanswered that would show no question."""
    return tuple(p for p in pages if not p.only_what_matters or draft.answered(p.id)
                 or shown(draft, rules, pages, p) != ())


def to_ask(draft: Draft, rules: RuleSet, pages: tuple[Page, ...], this: Page) -> bool:
    """Whether `this` page is still to be answered: never answered, or a late page that now
    shows a question it does not hold (an answer before it was changed since, and the
    question could now change the level: it is asked, not left blank)."""
    held = draft.answered(this.id)
    if not held:
        return True
    questions = shown(draft, rules, pages, this)
    return questions is not None and any(
        f.id not in held and asks(f, held) for f in questions)


def shown(draft: Draft, rules: RuleSet, pages: tuple[Page, ...],
          this: Page) -> tuple[Feature, ...] | None:
    """The questions `this` page shows (None: every one of its questions): those that could
    change the level, judged on the answers before it, with what it holds already (so Back
    hides no answer given) and the earlier question a follow-up hangs on."""
    asked = this.features(rules, draft.route, age_from(draft.answered("age") or {}))
    if not this.only_what_matters or draft.patient_id is not None:
        return None
    late = [p for p in pages if p.only_what_matters]
    before = pages[:pages.index(late[0])]
    if any(not draft.answered(p.id) for p in before):
        return None  # not there yet: the pages keep their place in the journey
    after = {p.id for p in late[late.index(this):]}
    answers = {k: v for k, v in (draft.pages or {}).items() if k not in after}
    found = _that_matter(answers, rules, draft.route, late)
    if found is None:
        return None  # the page is asked in full; the scoring's refusal is shown after it
    held = draft.answered(this.id) or {}
    matter = set(found)  # a copy: the request's other pages read the same search
    matter |= {f.id for f in asked if held.get(f.id) not in (None, "")}
    matter |= {f.follows.parent for f in asked if f.follows and f.id in matter}
    return tuple(f for f in asked if f.id in matter)


def _that_matter(answers: dict, rules: RuleSet, route: str | None,
                 late: list[Page]) -> set[str] | None:
    """The late questions whose answer could change the level, given `answers`; None when
    the scoring refuses them. Searched once per request for the same answers: the journey
    asks it of every late page (flow_for, to_ask, shown), and it takes a tenth of a second."""
    key = (id(rules), route, json.dumps(answers, sort_keys=True, default=str))
    found = g.setdefault("questions_that_matter", {})
    if key not in found:
        questions = [f for p in late for f in p.features(rules, route)]
        try:
            found[key] = set(questions_that_matter(to_request(answers, rules), rules,
                                                   questions))
        except InvalidAnswers:
            found[key] = None
    return found[key]
