"""One alert sent: an email over SMTP or a signed webhook. What it says is the level, when
the check arrived, which step this is and a link to the staff queue; never an answer, a
reference, a name or a phone number (the link opens the sign-in page for anyone else).

A resend of the same alert carries the same Message-ID or Idempotency-Key, so a receiver
can drop a copy: a worker killed between sending and recording may send once more.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import parse_qs, unquote, urlsplit

from ..models import utc_now

TIMEOUT = 10  # seconds for an SMTP server or a webhook to answer


class SendFailed(Exception):
    """Sending did not succeed; `kind` names the failure without any content."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(kind)


@dataclass(frozen=True)
class Message:
    alert_id: int
    level: str
    step: int
    arrived: str  # when the check arrived, in the service's time ("3 December 2026, 2:05pm GMT")
    arrived_iso: str
    queue_url: str

    @property
    def subject(self) -> str:
        what = "unclaimed" if self.step else "new"
        return f"{self.level.capitalize()} check {what}: open the queue"

    @property
    def text(self) -> str:
        a = "An" if self.level[0] in "aeiou" else "A"
        if self.step:
            first = (f"{a} {self.level} check that arrived at {self.arrived} has not been "
                     f"claimed. You are step {self.step + 1} of the rota.")
        else:
            first = f"{a} {self.level} check arrived at {self.arrived}."
        return (f"{first}\n\nOpen the queue and claim it: {self.queue_url}\n\n"
                f"This message holds no answers or contact details: sign in to see them.\n")

    def payload(self) -> bytes:
        return json.dumps({"event": "check.unclaimed" if self.step else "check.arrived",
                           "alert": self.alert_id, "level": self.level, "step": self.step,
                           "arrived_at": self.arrived_iso, "queue": self.queue_url},
                          sort_keys=True).encode()


def send_email(message: Message, to: str, smtp_url: str, sender: str) -> None:
    """Send by SMTP (smtp://user:password@host:port, smtps://...; ?starttls=1 to upgrade)."""
    url = urlsplit(smtp_url)
    if url.scheme not in ("smtp", "smtps") or not url.hostname:
        raise SendFailed("smtp_url")
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, to, message.subject
    email["Message-ID"] = f"<alert-{message.alert_id}-{_digest(to)}@{sender.split('@')[-1]}>"
    email["Date"] = format_datetime(utc_now())
    email.set_content(message.text)
    connect = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    try:
        with connect(url.hostname, url.port or (465 if url.scheme == "smtps" else 25),
                     timeout=TIMEOUT) as smtp:
            if parse_qs(url.query).get("starttls") == ["1"]:
                smtp.starttls()
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as error:
        raise SendFailed(f"smtp: {type(error).__name__}") from None


def send_webhook(message: Message, url: str, secret: str) -> None:
    """POST the JSON payload, signed: X-Screener-Signature is sha256=HMAC(secret, body)."""
    body = message.payload()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if urlsplit(url).scheme not in ("http", "https"):  # the profile allows no other
        raise SendFailed("webhook: not http(s)")
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "X-Screener-Signature": f"sha256={signature}",
        "Idempotency-Key": f"alert-{message.alert_id}", "User-Agent": "screener-alerts"})
    try:
        # An http(s) URL only: checked at start-up (rota.py) and above.
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 # nosec
            if not 200 <= response.status < 300:
                raise SendFailed(f"webhook: HTTP {response.status}")
    except OSError as error:  # URLError and HTTPError are OSErrors
        raise SendFailed(f"webhook: {type(error).__name__}") from None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]
