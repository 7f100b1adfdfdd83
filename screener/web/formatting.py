"""Dates, times and numbers as the pages, exports and FHIR write them, and the names of the
ids pages show (levels, statuses, directions): one module, and the Jinja filters made from
it (registered in app.py). Times are stored in UTC and shown to people on the service's
clock (the service profile's time_zone, GMT or BST in the UK: issue 23, UX walk 2 finding
15); exports and the API keep ISO 8601 UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import current_app
from flask_babel import format_date

from ..clinical.wording import N_
from ..models import PUMP_EVENTS, as_utc, utc_iso, utc_now
from .language import gettext, ngettext

# The words for stored ids, through the catalogue (the ids stay English in the database).
LEVEL_NAMES = {"emergency": N_("Emergency"), "urgent": N_("Urgent"), "soon": N_("Soon"),
               "routine": N_("Routine")}
STATUS_NAMES = {"open": N_("Open"), "claimed": N_("Claimed"), "closed": N_("Closed")}
AGE_BAND_NAMES = {
    "adult": N_("Adult (16 or over): NEWS2 and the adult criteria"),
    "unknown": N_("Age not given: read as an adult's and a school-age child's, whichever is "
                  "worse"),
    "under_3_months": N_("Baby under 3 months"), "under_1": N_("Baby, 3 to 11 months"),
    "age_1_to_2": N_("Child, 1 to 2 years"), "age_3_to_4": N_("Child, 3 to 4 years"),
    "age_5": N_("Child, 5 years"), "age_6_to_7": N_("Child, 6 to 7 years"),
    "age_8_to_11": N_("Child, 8 to 11 years"), "age_12_to_15": N_("Young person, 12 to 15 years"),
}
DIRECTION_NAMES = {"withdrawal": N_("withdrawal"), "overdose": N_("overdose"),
                   "unclear": N_("unclear")}




def in_utc(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(UTC)


def uk_date(day) -> str:
    """A date as people read it, in the page's language: 2 January 2027 in en-GB."""
    return format_date(day, "d MMMM y")


def on_service_clock(moment: datetime) -> datetime:
    """`moment` on the wall clock of the service's time zone."""
    return as_utc(moment).astimezone(current_app.extensions["service"].zone)


def service_today() -> date:
    """Today's date on the service's clock (a server's own clock may be on UTC)."""
    return on_service_clock(utc_now()).date()


def clock_time(moment: datetime | time) -> str:
    """A time of day as people say it: 8am, 2:05pm, midnight."""
    if moment.hour == 0 and moment.minute == 0:
        return gettext("midnight")
    hour = moment.hour % 12 or 12
    said = str(hour) if moment.minute == 0 else f"{hour}:{moment.minute:02d}"
    return (gettext("%(time)sam", time=said) if moment.hour < 12
            else gettext("%(time)spm", time=said))


def local_time(moment: datetime | None) -> str:
    """A stored time as people read it, on the service's clock: 3 December 2026, 2:05pm GMT."""
    if moment is None:
        return ""
    here = on_service_clock(moment)
    return gettext("%(date)s, %(time)s %(zone)s", date=uk_date(here), time=clock_time(here),
                   zone=here.tzname())


def short_time(moment: datetime | None, now: datetime | None = None) -> str:
    """A time where space is short (the worklist's rows): 2:35pm today, else 3 Dec 2:35pm."""
    if moment is None:
        return ""
    here = on_service_clock(moment)
    if here.date() == on_service_clock(now or utc_now()).date():
        return clock_time(here)
    return gettext("%(date)s %(time)s", date=format_date(here, "d MMM"), time=clock_time(here))


def short_date(moment: datetime) -> str:
    """A date where space is short (a chart's axis): 02 Jan 2027."""
    return on_service_clock(moment).strftime("%d %b %Y")


def age(moment: datetime, now: datetime) -> str:
    """How long ago, in words a busy clinician reads at a glance."""
    minutes = int((now - as_utc(moment)).total_seconds() // 60)
    if minutes < 60:
        return gettext("%(minutes)d min", minutes=max(minutes, 0))
    if minutes < 48 * 60:
        return gettext("%(hours)d h %(minutes)d min", hours=minutes // 60, minutes=minutes % 60)
    return ngettext("%(num)d day", "%(num)d days", minutes // 1440)


def level_name(level: str) -> str:
    return gettext(LEVEL_NAMES[level])


def status_name(status: str) -> str:
    return gettext(STATUS_NAMES[status])


def pump_event_name(kind: str) -> str:
    return str(dict(PUMP_EVENTS).get(kind, kind))


def direction_name(direction: str | None) -> str:
    return gettext(DIRECTION_NAMES[direction or "unclear"])


def age_band_name(band: str) -> str:
    """The age band the values were read against, for staff (a band this version does not
    know is shown as its id)."""
    return gettext(AGE_BAND_NAMES[band]) if band in AGE_BAND_NAMES else band


def phone_ending(phone: str) -> str:
    """A phone number's last three digits: enough for a caregiver to know which number they
    left, too little for anyone else holding the result's link (red team 2, L16)."""
    return "".join(c for c in phone if c.isdigit())[-3:]


def sentence_start(text: str) -> str:
    """Words that begin a sentence, with a capital: "the Demo pump clinic reads..." reads
    as a mistake (UX walk 2, finding 12). Only the first letter changes."""
    return text[:1].upper() + text[1:]


FILTERS = {"phone_ending": phone_ending, "sentence_start": sentence_start,
           "utc_iso": utc_iso, "in_utc": in_utc,
           "local_time": local_time, "short_time": short_time,
           "on_service_clock": on_service_clock,
           "uk_date": uk_date, "age": age,
           "level_name": level_name, "status_name": status_name,
           "direction_name": direction_name, "age_band_name": age_band_name,
           "pump_event_name": pump_event_name}
