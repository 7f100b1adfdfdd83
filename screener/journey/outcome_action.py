"""The one thing to do now, first on every outcome (issue 23, item 1; UX walk 2, finding 2):
whom to call, chosen from the level, the service profile and the time the page is shown,
with a tap-to-call button for it, then what to do if nobody answers.

Numbers are named only on the buttons, so every number shown can be tapped.
The rule set's advice still follows on the page; this words the choice the rule set cannot
make, because it depends on the deployment and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_date

from ..web.formatting import clock_time
from ..web.language import gettext as _
from ..web.opening_hours import OpeningHours
from ..web.service_profile import ServiceProfile, tel_href

# "Soon" means speak to someone within 24 hours: a clinic that opens later than this is
# not soon enough, and the out-of-hours service is offered instead.
SOON_HOURS = 24


@dataclass(frozen=True)
class Call:
    """A tap-to-call button: "Call 111", optionally "(the UK)"."""

    number: str
    where: str = ""
    emergency: bool = False

    @property
    def tel(self) -> str:
        return tel_href(self.number)

    @property
    def label(self) -> str:
        return _("Call %(number)s", number=self.number)


@dataclass(frozen=True)
class Step:
    """A sentence saying what to do, a line of detail (opening hours), and its buttons."""

    text: str
    calls: tuple[Call, ...] = ()
    hint: str | None = None


@dataclass(frozen=True)
class Action:
    """First the thing to do now; then what to do if it does not work."""

    now: Step
    otherwise: Step | None = None


def emergency_calls(profile: ServiceProfile) -> tuple[Call, ...]:
    many = len(profile.numbers) > 1
    return tuple(Call(n.number, n.where if many else "", emergency=True)
                 for n in profile.numbers)


def action_for(level: str, profile: ServiceProfile, now: datetime) -> Action:
    """What a caregiver should do first for an outcome at `level`, shown at `now`.

    Hazards: H2 under-triage (an urgent outcome must name a service that answers now, and
    the emergency number when nobody does)."""
    if level == "emergency":
        return Action(Step("", emergency_calls(profile)))
    return {"urgent": _urgent, "soon": _soon, "routine": _routine}[level](profile, now)


def _fallback(profile: ServiceProfile) -> Step:
    return Step(_("If you cannot speak to anyone within an hour, call the emergency number:"),
                emergency_calls(profile))


def _clinic(profile: ServiceProfile) -> Call:
    return Call(profile.clinic_phone)


def _out_of_hours(profile: ServiceProfile) -> Call:
    return Call(profile.out_of_hours_phone)


def _urgent(profile: ServiceProfile, now: datetime) -> Action:
    is_open = profile.clinic_open_at(now)
    if profile.clinic_phone and is_open is not False:
        return Action(Step(_("Call %(clinic)s now.", clinic=profile.clinic),
                           (_clinic(profile),), _when_open(profile, now)),
                      _fallback(profile))
    if profile.out_of_hours_phone:
        text = _("Call %(service)s now.", service=profile.out_of_hours_name)
        if profile.clinic_phone:
            text = _("The clinic is closed now. Call %(service)s now.",
                     service=profile.out_of_hours_name)
        return Action(Step(text, (_out_of_hours(profile),), _when_open(profile, now)),
                      _fallback(profile))
    if profile.clinic_phone:  # closed, and no out-of-hours service named
        return Action(Step(
            _("The clinic is closed now. If you cannot speak to their doctor within an hour, "
              "call the emergency number:"),
            emergency_calls(profile), _when_open(profile, now)))
    return Action(Step(
        _("Call the pump clinic or the doctor who prescribes baclofen now. If you cannot "
          "reach them within an hour, call the emergency number:"),
        emergency_calls(profile)))


def _soon(profile: ServiceProfile, now: datetime) -> Action:
    if not profile.clinic_phone:
        return Action(Step(_("Call the pump clinic or the doctor who prescribes baclofen "
                             "within 24 hours.")))
    hours = profile.opening_hours
    if hours is None:
        return Action(Step(_("Call %(clinic)s within 24 hours.", clinic=profile.clinic),
                           (_clinic(profile),), _when_open(profile, now)))
    if hours.open_at(now):
        return Action(Step(_("Call %(clinic)s today.", clinic=profile.clinic),
                           (_clinic(profile),), _when_open(profile, now)))
    opens = hours.next_opening(now)
    if opens is not None and opens - now <= timedelta(hours=SOON_HOURS):
        return Action(Step(_("Call %(clinic)s when it opens, %(when)s.",
                             clinic=profile.clinic, when=_day_and_time(opens, now)),
                           (_clinic(profile),)))
    if profile.out_of_hours_phone:
        return Action(Step(_("Call %(service)s within 24 hours: the clinic is closed until "
                             "then.", service=profile.out_of_hours_name),
                           (_out_of_hours(profile),), _when_open(profile, now)))
    return Action(Step(_("Call %(clinic)s as soon as it opens.", clinic=profile.clinic),
                       (_clinic(profile),), _when_open(profile, now)))


def _routine(profile: ServiceProfile, now: datetime) -> Action:
    if not profile.clinic_phone:
        return Action(Step(_("Keep to the plan. If anything changes or you are worried, do "
                             "this check again or call the pump clinic or their doctor.")))
    return Action(Step(_("Keep to the plan. If anything changes or you are worried, call "
                         "%(clinic)s.", clinic=profile.clinic),
                       (_clinic(profile),), _when_open(profile, now)))


def _when_open(profile: ServiceProfile, now: datetime) -> str | None:
    """"Open until 6pm today", "The clinic opens Monday at 8am", or the hours as written."""
    hours = profile.opening_hours
    if hours is None:
        return _("Open %(hours)s.", hours=profile.clinic_hours) \
            if profile.clinic_hours and profile.clinic_phone else None
    closes = hours.closes_at(now)
    if closes is not None:
        return _("Open until %(time)s today.", time=clock_time(closes)) \
            if closes.date() == hours.local(now).date() else _("Open until midnight.")
    opens = hours.next_opening(now)
    if opens is None:
        return None
    return _("The clinic opens %(when)s.", when=_day_and_time(opens, now))


def _day_and_time(moment: datetime, now: datetime) -> str:
    """"today at 8am", "tomorrow at 8am", "Monday at 8am", "Monday 14 December at 8am"."""
    here = moment  # on the service's clock already (OpeningHours)
    days = (here.date() - now.astimezone(here.tzinfo).date()).days
    at = clock_time(here)
    if days == 0:
        return _("today at %(time)s", time=at)
    if days == 1:
        return _("tomorrow at %(time)s", time=at)
    if days < 7:
        return _("%(day)s at %(time)s", day=format_date(here, "EEEE"), time=at)
    return _("%(day)s at %(time)s", day=format_date(here, "EEEE d MMMM"), time=at)


def clinic_hours(profile: ServiceProfile) -> str | None:
    """The clinic's hours to show: as the profile writes them, or else from its opening
    hours (a profile may keep its own words, such as "except bank holidays")."""
    if profile.clinic_hours or profile.opening_hours is None:
        return profile.clinic_hours
    return hours_in_words(profile.opening_hours)


def hours_in_words(hours: OpeningHours) -> str:
    """The week's hours in words, runs of days with the same hours together:
    "Monday to Friday, 8am to 6pm; Saturday, 9am to 12pm"."""
    runs: list[tuple[int, int]] = []
    for index, opening in enumerate(hours.days):
        if opening is None:
            continue
        if runs and runs[-1][1] == index - 1 and hours.days[runs[-1][0]] == opening:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    parts = []
    for first, last in runs:
        opening = hours.days[first]
        names = _day_name(first) if first == last else _(
            "%(first)s to %(last)s", first=_day_name(first), last=_day_name(last))
        parts.append(_("%(days)s, %(opens)s to %(closes)s", days=names,
                       opens=clock_time(_minutes(opening.start)),
                       closes=clock_time(_minutes(opening.end % 1440))))
    return "; ".join(parts)


def _minutes(minutes: int):
    return datetime(2000, 1, 3) + timedelta(minutes=minutes)


def _day_name(index: int) -> str:
    return format_date(datetime(2000, 1, 3) + timedelta(days=index), "EEEE")  # a Monday

