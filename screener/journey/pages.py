"""The question pages of the web journey, made from the rule set's groups.

Each page shows one topic. Which features appear on it comes from the catalogue, so a
feature added to a group in the rule file appears on that group's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..clinical.rules import Feature, RuleSet
from ..web.language import gettext


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "translate this later"
    """Marks a string for the catalogue (make messages) where it is defined; it is
    translated where it is shown."""
    return text


EVERY_AGE = object()  # Page.features without an age: every question, whatever the age
# The symptom groups a caregiver chooses among on the "What has changed?" page, and its two
# answers that are not a group: nothing new (no symptom page), and not sure (every one).
SYMPTOM_GROUPS = ("muscles", "mind", "temperature_heart", "breathing_alertness", "body",
                  "pump_site")
NOTHING_NEW, ALL_CHANGES = "none", "all"
NEW_OR_WORSE = N_("Tick each that is new or worse.")
# The history pages' hint: a blank is "I don't know" there (issue 23; UX walk 2, finding 6).
ANSWER_WHAT_YOU_KNOW = N_("Leave blank what you do not know.")


@dataclass(frozen=True)
class Page:
    id: str
    title: str  # the question, shown as the <h1> (English: the catalogue's key)
    kind: str  # signs, age, route, history, changes, symptoms, vitals, about
    groups: tuple[str, ...] = ()
    hint: str = ""
    only_with: str = ""  # asked only where this other page is asked (the pump site: a pump)
    # The rest of the history: a caregiver is asked only its questions whose answer could
    # still change the level (clinical/settled.py); a page with none is left out.
    only_what_matters: bool = False

    @property
    def heading(self) -> str:
        """The title in the request's language."""
        return gettext(self.title)

    @property
    def guidance(self) -> str:
        """The hint in the request's language ("" for none)."""
        return gettext(self.hint) if self.hint else ""

    def features(self, ruleset: RuleSet, route: str | None = None,
                 age: float | None | object = EVERY_AGE) -> tuple[Feature, ...]:
        """The page's features in catalogue order (history ones only if asked for the route;
        with an age, only those asked at that age, None meaning not known)."""
        return _features(self, ruleset, route, age)

    def applies(self, ruleset: RuleSet, route: str | None,
                changes: tuple[str, ...] | None = None) -> bool:
        """Whether this person is asked the page: history pages for their route, a page of
        symptoms only for a kind of change they chose on the "What has changed?" page
        (`changes`; None, not answered yet: every kind)."""
        if self.only_with and not page(self.only_with).applies(ruleset, route):
            return False
        if self.kind == "symptoms":
            return changes is None or ALL_CHANGES in changes or self.groups[0] in changes
        return self.kind != "history" or any(
            f.kind == "history" for f in self.features(ruleset, route or "unknown"))


PAGES = (
    Page("emergency-signs", N_("Is any of these happening now?"), "signs", ("emergency_signs",),
         N_("Any of these ends the check: call the emergency number.")),
    # The age, straight after the emergency signs: it decides which physiology every value
    # is read against (issue 20; UX walk 2, finding 1). Required; "I don't know" allowed.
    Page("age", N_("How old are they?"), "age", ("age",),
         N_("It changes what a normal pulse is.")),
    Page("route", N_("How do they take baclofen?"), "route"),
    Page("pump", N_("About the pump"), "history", ("pump",),
         ANSWER_WHAT_YOU_KNOW),
    Page("tablets", N_("About the tablets"), "history", ("tablets",),
         ANSWER_WHAT_YOU_KNOW),
    # A filter before the symptoms (issue 23; UX walk 2, finding 6): the kinds of change,
    # then a short page for each kind chosen. "Not sure" asks them all.
    Page("changes", N_("What has changed?"), "changes", SYMPTOM_GROUPS,
         N_("Tick each that is new or worse.")),
    Page("muscles", N_("What has changed in their muscles or movement?"), "symptoms",
         ("muscles",), NEW_OR_WORSE),
    Page("mind", N_("What has changed in how they think or behave?"), "symptoms", ("mind",),
         NEW_OR_WORSE),
    Page("temperature-heart", N_("What has changed in their temperature, sweating or heart?"),
         "symptoms", ("temperature_heart",), NEW_OR_WORSE),
    Page("breathing-alertness", N_("What has changed in their breathing or alertness?"),
         "symptoms", ("breathing_alertness",), NEW_OR_WORSE),
    Page("body", N_("What has changed in their skin, head, stomach or elsewhere?"), "symptoms",
         ("body",), NEW_OR_WORSE),
    Page("pump-site", N_("What has changed around the pump or its scar?"), "symptoms",
         ("pump_site",), NEW_OR_WORSE, only_with="pump"),
    Page("vitals", N_("Do you have any measurements?"), "vitals", (),
         N_("Only readings taken in the last hour.")),
    # The rest of the history after the symptoms and measurements (issue 23): an emergency
    # found there ends the check without it, and it can only add findings (a blank is "I
    # don't know", which never lowers a level). Short pages, none taller than two screens.
    Page("pump-more", N_("More about the pump"), "history", ("pump_more",),
         ANSWER_WHAT_YOU_KNOW, only_what_matters=True),
    Page("tablets-more", N_("More about the tablets"), "history", ("tablets_more",),
         ANSWER_WHAT_YOU_KNOW, only_what_matters=True),
    Page("background", N_("When it started, and their condition"), "history",
         ("timing", "condition"), ANSWER_WHAT_YOU_KNOW, only_what_matters=True),
    Page("health", N_("Their usual readings and breathing"), "history", ("risks",),
         ANSWER_WHAT_YOU_KNOW, only_what_matters=True),
    Page("other-health", N_("Other health conditions"), "history", ("other_health",),
         ANSWER_WHAT_YOU_KNOW, only_what_matters=True),
    Page("medicines", N_("Other medicines and causes"), "history", ("medicines",),
         ANSWER_WHAT_YOU_KNOW, only_what_matters=True),
    Page("about", N_("About you"), "about"),
)
PAGE_IDS = tuple(page.id for page in PAGES)
# What the start page promises, in whole minutes: the longest reference journey measured by
# scripts/journeys.py, rounded up (tests/web/test_journey.py keeps the two in step).
MEASURED_MINUTES = 4


LATE_PAGES = tuple(p for p in PAGES if p.only_what_matters)


def page(page_id: str) -> Page:
    return PAGES[PAGE_IDS.index(page_id)]


@lru_cache(maxsize=256)
def pages_for(ruleset: RuleSet, route: str | None,
              changes: tuple[str, ...] | None = None) -> tuple[Page, ...]:
    """The pages this person is asked, in order, for the route and the kinds of change
    given so far (None: not answered yet)."""
    return tuple(p for p in PAGES if p.applies(ruleset, route, changes))


def changes_chosen(values: dict | None) -> tuple[str, ...] | None:
    """The "What has changed?" page's answer as pages_for takes it (None: not answered)."""
    chosen = (values or {}).get("changes")
    return None if chosen is None else tuple(sorted(chosen))


# Every page and every saved screening's words ask which features a page holds: the answer
# depends only on the rule set (immutable, compared by identity), the route and the age, so
# it is worked out once for each (a sixth of the time to save a screening otherwise).
@lru_cache(maxsize=1024)
def _features(page: Page, ruleset: RuleSet, route: str | None,
              age: float | None | object) -> tuple[Feature, ...]:
    unknown_from = ruleset.children.unknown_age_child_from or 0
    return tuple(
        f for f in ruleset.features.values()
        if f.group in page.groups
        and (f.kind == "symptom" or route is None or route in f.routes)
        and (age is EVERY_AGE or f.asked_at(age, unknown_from))
    )
