"""A pump clinic's follow-up call, worded for the clinic (issue 25, item 4; UX walk 2, finding
7): the number to dial and how soon the pump may run empty on every call page, what the call
covers (the pump-clinic brief's checklist, from published protocols), and, with the call's
level, what the clinic itself does now, rather than telling the pump clinic to "speak to the
pump clinic".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from ..models import Patient
from ..web.formatting import uk_date
from ..web.language import gettext as _
from ..web.language import ngettext
from .clinic import flags_of

PUMP_ROUTES = ("intrathecal", "both")
EMPTY_SOON_DAYS = 2  # the worklist and the call show this close in bold


@dataclass(frozen=True)
class PumpFacts:
    empty_in_days: int | None  # the earliest the reservoir may run dry, from today
    alarm_in_days: int | None
    first_empty: date | None
    first_alarm: date | None

    @property
    def empty_soon(self) -> bool:
        return self.empty_in_days is not None and self.empty_in_days <= EMPTY_SOON_DAYS


def facts(patient: Patient, today: date) -> PumpFacts:
    dates = patient.reservoir
    if dates is None or dates.first_empty is None or dates.first_empty == date.max:
        return PumpFacts(None, None, None, None)
    first_alarm = dates.first_alarm if dates.first_alarm != date.max else None
    return PumpFacts((dates.first_empty - today).days,
                     (first_alarm - today).days if first_alarm else None,
                     dates.first_empty, first_alarm)


def empty_words(shown: PumpFacts) -> str | None:
    """ "Runs empty in 3 days", as the worklist says it."""
    days = shown.empty_in_days
    if days is None:
        return None
    if days < 0:
        return ngettext("The reservoir may have been empty for %(num)d day",
                        "The reservoir may have been empty for %(num)d days", -days)
    if days == 0:
        return _("The reservoir may run empty today")
    return ngettext("Runs empty in %(num)d day", "Runs empty in %(num)d days", days)


def checklist() -> list[str]:
    """What a pump-clinic follow-up call covers (the pump-clinic brief, c.1: Gillette's
    refill and discharge pages, Saulino's troubleshooting, Medtronic's 2021 letter)."""
    return [
        _("The settings as last printed: dose, concentration, the alarm date and the refill-by "
          "date."),
        _("Any pump alarm heard, and which sound."),
        _("Tone, spasms, pain and function, against their usual."),
        _("Early signs of withdrawal (itching, tingling, more spasms) or of overdose "
          "(drowsiness, slow breathing)."),
        _("The wound: leaking, redness, swelling, opening, fever. In the first 2 months: "
          "headache, stiff neck, light hurting the eyes."),
        _("A headache that comes on sitting or standing (a spinal fluid leak)."),
        _("Medicines: oral baclofen, sedatives; bowel and bladder changes."),
        _("A recent refill, concentration change, MRI scan or operation, with its date."),
        _("The battery and the replacement plan."),
        _("The next refill: booked before the refill-by date, and the 24-hour number and ID "
          "card to hand."),
    ]


def for_the_clinic(patient: Patient, level: str, today: date) -> list[str]:
    """What the clinic does now after a follow-up call at `level`, for a pump patient."""
    if patient.route not in PUMP_ROUTES:
        return []
    shown = facts(patient, today)
    said: list[str] = []
    if shown.first_empty is not None and shown.empty_soon:
        said.append(_("Refill or check the pump today: the record says the reservoir may run "
                      "empty on %(day)s.", day=uk_date(shown.first_empty)))
    elif shown.alarm_in_days is not None and shown.alarm_in_days <= 0:
        said.append(_("Refill the pump today: its low-reservoir alarm may have sounded since "
                      "%(day)s.", day=uk_date(shown.first_alarm)))
    said.append({
        "emergency": _("Hand over to the emergency department now: an intrathecal baclofen "
                       "pump, its dose and concentration, and this clinic's number. An "
                       "emergency department cannot refill or reprogram the pump: the pump "
                       "team must reach them."),
        "urgent": _("See them in the pump clinic today: read the pump (reservoir volume, "
                    "alarms, programme, battery) and, if it is working, image the catheter."),
        "soon": _("Book a pump clinic review within days, and call them back sooner if "
                  "anything gets worse."),
        "routine": _("Nothing more now than the next refill."),
    }[level])
    flags = flags_of([patient.id], today).get(patient.id, set())  # as the worklist has them
    if flags & {"missed", "unbooked"}:
        said.append(_("Book the next refill by %(by)s (%(lead)s days before the earliest "
                      "alarm): none is booked in time.",
                      by=uk_date(patient.refill_by) if patient.refill_by else _("the alarm"),
                      lead=current_app.config["PUMP_LEAD_DAYS"]))
    if "battery" in flags:
        said.append(_("Book the battery replacement by %(day)s.",
                      day=uk_date(patient.battery_book_by)))
    if "check" in flags:
        said.append(_("Check the pump is running: an MRI scan or programming has had no pump "
                      "check since."))
    if "residual" in flags:
        said.append(_("The last residual differed from the expected: find out why (a pump "
                      "or catheter problem)."))
    return said
