"""Who is told about a check, and when: read from the service profile (issue 24).

    notify_email: ["oncall@clinic.example"]      # step 0: the on-call clinician
    notify_webhook: "https://pager.example/hook"  # step 0 too (a pager or chat system)
    escalate_to: [{"email": ["lead@clinic.example"]}, {"webhook": "https://..."}]
    notify_from_level: "urgent"                   # the least level that notifies
    escalate_after_minutes: {"emergency": 5, "urgent": 15, "soon": 30, "routine": 60}

Step 0 goes when the check arrives; step N, N intervals later if nobody has claimed it.
One interval after the last step, the caregiver is told that nobody has picked it up yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

LEVELS = ("emergency", "urgent", "soon", "routine")  # most urgent first
DEFAULT_MINUTES = {"emergency": 5, "urgent": 15, "soon": 30, "routine": 60}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class RotaError(ValueError):
    """A profile's rota that cannot be used, named in words."""


@dataclass(frozen=True)
class Step:
    emails: tuple[str, ...] = ()
    webhook: str | None = None

    @property
    def targets(self) -> tuple[tuple[str, str], ...]:
        """(channel, target) for each place this step tells."""
        return (*(("email", e) for e in self.emails),
                *((("webhook", self.webhook),) if self.webhook else ()))


@dataclass(frozen=True)
class Rota:
    steps: tuple[Step, ...] = ()
    from_level: str = "urgent"
    minutes: Mapping[str, int] | None = None

    def notifies(self, level: str) -> bool:
        return bool(self.steps) and LEVELS.index(level) <= LEVELS.index(self.from_level)

    def interval(self, level: str) -> int:
        """Minutes an unclaimed check at this level waits before the next step."""
        return (self.minutes or DEFAULT_MINUTES)[level]


def parse_rota(raw: Mapping[str, Any]) -> Rota:
    """The rota in a SERVICE mapping (no keys: nobody is told); RotaError names a problem."""
    first = _step({"email": raw.get("notify_email") or [],
                   "webhook": raw.get("notify_webhook")}, "notify_email/notify_webhook")
    later = raw.get("escalate_to") or []
    if not isinstance(later, list):
        raise RotaError("SERVICE escalate_to must be a list of steps, each "
                        "{\"email\": [addresses], \"webhook\": \"https://...\"}")
    steps = [first] + [_step(s, f"escalate_to step {n}") for n, s in enumerate(later, 1)]
    if later and not first.targets:
        raise RotaError("SERVICE escalate_to needs notify_email or notify_webhook: the "
                        "on-call clinician is told first")
    if any(not s.targets for s in steps[1:]):
        raise RotaError("SERVICE escalate_to: each step needs an email or a webhook")
    steps = steps if first.targets else []
    level = raw.get("notify_from_level", "urgent")
    if level not in LEVELS:
        raise RotaError(f"SERVICE notify_from_level must be one of {', '.join(LEVELS)}")
    minutes = raw.get("escalate_after_minutes")
    if minutes is not None:
        if not (isinstance(minutes, Mapping) and set(minutes) <= set(LEVELS) and all(
                isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 1440
                for v in minutes.values())):
            raise RotaError("SERVICE escalate_after_minutes maps levels to whole minutes "
                            "from 1 to 1440, like {\"urgent\": 15}")
        minutes = {**DEFAULT_MINUTES, **minutes}
    return Rota(tuple(steps), level, minutes)


def _step(raw: Any, where: str) -> Step:
    if not isinstance(raw, Mapping):
        raise RotaError(f"SERVICE {where} must be {{\"email\": [...], \"webhook\": \"...\"}}")
    emails = raw.get("email") or []
    emails = [emails] if isinstance(emails, str) else emails
    if not (isinstance(emails, list) and all(isinstance(e, str) and EMAIL.fullmatch(e.strip())
                                             for e in emails)):
        raise RotaError(f"SERVICE {where}: each email must be an address like "
                        f"oncall@clinic.example")
    webhook = raw.get("webhook")
    if webhook is not None and not (isinstance(webhook, str)
                                    and urlsplit(webhook).scheme in ("http", "https")
                                    and urlsplit(webhook).netloc):
        raise RotaError(f"SERVICE {where}: the webhook must be an http(s) URL")
    return Step(tuple(e.strip() for e in emails), webhook)
