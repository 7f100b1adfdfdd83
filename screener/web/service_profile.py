"""The service profile: who runs this deployment, how to reach them, and whether anyone
reads the checks people send. Set per deployment in `instance/config.py` (`SERVICE = {...}`)
or the environment (`SCREENER_SERVICE='{"clinic_name": ...}'`); checked at start-up.

Every outcome says what happens next from it, so nobody waits for a call that cannot come.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..alerts.rota import Rota, RotaError, parse_rota
from ..settings import ConfigurationError
from .opening_hours import OpeningHours, OpeningHoursError, parse_opening_hours

# The check is written in British English for NHS-style services, and its times were read
# as UTC before there was a setting: a UK clock (GMT, BST in summer) is what its readers
# expect when a deployment does not say. Elsewhere, set time_zone.
DEFAULT_TIME_ZONE = "Europe/London"


class ServiceProfileError(ConfigurationError, ValueError):
    """The SERVICE setting is not usable; the message says what to fix."""


@dataclass(frozen=True)
class EmergencyNumber:
    number: str
    where: str = ""  # "the UK", shown when there is more than one number

    @property
    def tel(self) -> str:
        return tel_href(self.number)


def tel_href(number: str) -> str:
    """A tap-to-call link for a number as people write it ("0161 496 0000" -> tel:01614960000)."""
    return "tel:" + "".join(c for c in number if c.isdigit() or c == "+")


# Shown only when a deployment sets none.
INTERNATIONAL = (EmergencyNumber("999", "the UK"), EmergencyNumber("911", "the US"),
                 EmergencyNumber("112", "Europe"))


@dataclass(frozen=True)
class ServiceProfile:
    service_name: str = "Baclofen withdrawal check"
    clinic_name: str | None = None  # "the Royal Example pump clinic"
    clinic_phone: str | None = None
    clinic_hours: str | None = None  # "Monday to Friday, 8am to 6pm", shown as written
    # {"monday": "08:00-18:00", ...}: when the clinic answers, read in time_zone.
    opening_hours: OpeningHours | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    # The service to call when the clinic is closed ("NHS 111", "111" in the UK).
    out_of_hours_name: str | None = None
    out_of_hours_phone: str | None = None
    emergency_numbers: tuple[EmergencyNumber, ...] = ()
    # Whether a clinician reads the checks sent here, and when ("within 2 working hours,
    # Monday to Friday, 8am to 6pm"). Only then may a caregiver leave a number to be called.
    reads_checks: bool = False
    reads_when: str | None = None
    # Who is told of a new check, and of one nobody claims (screener/alerts/rota.py).
    notify_email: Any = field(default=None, compare=False)
    notify_webhook: str | None = None
    escalate_to: Any = field(default=None, compare=False)
    notify_from_level: str = "urgent"
    escalate_after_minutes: Any = field(default=None, compare=False)
    zone: ZoneInfo = field(init=False, repr=False, compare=False)
    rota: Rota = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zone", ZoneInfo(self.time_zone))
        try:
            object.__setattr__(self, "rota", parse_rota({
                "notify_email": self.notify_email, "notify_webhook": self.notify_webhook,
                "escalate_to": self.escalate_to, "notify_from_level": self.notify_from_level,
                "escalate_after_minutes": self.escalate_after_minutes}))
        except RotaError as error:
            raise ServiceProfileError(str(error)) from None

    def clinic_open_at(self, moment: datetime) -> bool | None:
        """Whether the clinic is open at `moment`; None when its hours are not given."""
        return None if self.opening_hours is None else self.opening_hours.open_at(moment)

    @property
    def out_of_hours_tel(self) -> str | None:
        return tel_href(self.out_of_hours_phone) if self.out_of_hours_phone else None

    @property
    def numbers(self) -> tuple[EmergencyNumber, ...]:
        return self.emergency_numbers or INTERNATIONAL

    @property
    def emergency_phrase(self) -> str:
        """The emergency number(s) in words: "999", or "999 in the UK, 911 in the US, ..."."""
        if len(self.numbers) == 1:
            return self.numbers[0].number
        return ", ".join(f"{n.number} in {n.where}" if n.where else n.number
                         for n in self.numbers)

    @property
    def clinic_tel(self) -> str | None:
        return tel_href(self.clinic_phone) if self.clinic_phone else None

    @property
    def clinic(self) -> str:
        return self.clinic_name or "the pump clinic or the doctor who prescribes baclofen"


# How the rule set's caregiver wording names the emergency numbers; a deployment's own
# replace it on every page (journey.for_service).
INTERNATIONAL_PHRASE = ServiceProfile().emergency_phrase

TEXT_FIELDS = ("service_name", "clinic_name", "clinic_phone", "clinic_hours", "reads_when",
               "time_zone", "out_of_hours_name", "out_of_hours_phone")
PHONE_FIELDS = ("clinic_phone", "out_of_hours_phone")


def load_profile(raw: Mapping[str, Any] | None) -> ServiceProfile:
    """The profile from the SERVICE setting; ServiceProfileError names the first problem."""
    if raw is None:
        return ServiceProfile()
    if not isinstance(raw, Mapping):
        raise ServiceProfileError("SERVICE must be a mapping (a dict, or a JSON object)")
    known = {f.name for f in fields(ServiceProfile) if f.init}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ServiceProfileError(f"SERVICE has unknown keys: {', '.join(unknown)} "
                                  f"(known: {', '.join(sorted(known))})")
    for key in TEXT_FIELDS:
        if raw.get(key) is not None and not (isinstance(raw[key], str) and raw[key].strip()):
            raise ServiceProfileError(f"SERVICE {key} must be text")
    for key in PHONE_FIELDS:
        if raw.get(key) is not None and not any(c.isdigit() for c in raw[key]):
            raise ServiceProfileError(f"SERVICE {key} must be a phone number, like "
                                      f"\"0161 496 0000\" or \"111\"")
    if bool(raw.get("out_of_hours_name")) != bool(raw.get("out_of_hours_phone")):
        raise ServiceProfileError("SERVICE out_of_hours_name and out_of_hours_phone go "
                                  "together (for example \"NHS 111\" and \"111\")")
    zone = _zone(raw.get("time_zone", DEFAULT_TIME_ZONE).strip())
    hours = None
    if raw.get("opening_hours") is not None:
        try:
            hours = parse_opening_hours(raw["opening_hours"], zone)
        except OpeningHoursError as error:
            raise ServiceProfileError(str(error)) from None
    if not isinstance(raw.get("reads_checks", False), bool):
        raise ServiceProfileError("SERVICE reads_checks must be true or false")
    if raw.get("reads_checks") and not raw.get("reads_when"):
        raise ServiceProfileError("SERVICE reads_checks is true: say when in reads_when "
                                  "(for example \"within 2 working hours, Monday to Friday\")")
    numbers = []
    for item in raw.get("emergency_numbers") or ():
        item = {"number": item} if isinstance(item, str) else item
        if not (isinstance(item, Mapping) and isinstance(item.get("number"), str)
                and any(c.isdigit() for c in item["number"])):
            raise ServiceProfileError("SERVICE emergency_numbers must be numbers like \"999\" "
                                      "or {\"number\": \"999\", \"where\": \"the UK\"}")
        numbers.append(EmergencyNumber(item["number"].strip(), str(item.get("where", ""))))
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    return ServiceProfile(**{**values, "emergency_numbers": tuple(numbers),
                             "opening_hours": hours})


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ServiceProfileError(f"SERVICE time_zone {name!r} is not a time zone: use an IANA "
                                  f"name such as \"Europe/London\"") from None
