"""The job queue: Huey, on a SQLite file in the instance folder by default (no server: `make
run` starts a worker beside the app), or on Redis in production (SCREENER_QUEUE_URL=
redis://host:6379/0), so app servers and workers can run on several machines.

The app enqueues an alert's delivery after the transaction that wrote it commits, at the
time it is due (Huey's schedule); a sweep every minute enqueues anything due and not sent
(a crash between commit and enqueue, a worker killed mid-job), so the outbox table, not the
queue, is what is relied on. `flask --app screener worker` runs a worker.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, url_for
from flask.cli import with_appcontext
from huey import Huey, RedisHuey, SqliteHuey, crontab

from ..models import Alert, utc_now
from ..settings import ConfigurationError, is_development
from . import delivery
from .rechecks import open_missed
from .rota import Rota
from .sending import Message, send_email, send_webhook


def make_queue(app: Flask) -> Huey:
    """The app's queue, its tasks bound to this app."""
    url = app.config.get("QUEUE_URL") or f"sqlite:///{Path(app.instance_path) / 'queue.sqlite3'}"
    immediate = url == "immediate"  # tests of the app alone: a task runs as it is enqueued
    if url.startswith("redis://") or url.startswith("rediss://"):
        huey: Huey = RedisHuey("screener", url=url)
    elif url.startswith("sqlite:///") or immediate:
        huey = SqliteHuey("screener", filename=url.removeprefix("sqlite:///")
                          if not immediate else ":memory:", immediate=immediate)
    else:
        raise ValueError("SCREENER_QUEUE_URL must be redis://..., sqlite:///path or immediate")

    lease = timedelta(seconds=app.config.get("ALERT_LEASE_SECONDS", 60))

    @huey.task(name="deliver_alert")
    def deliver_alert(alert_id: int) -> str:
        with app.app_context():
            return delivery.deliver(alert_id, _send, _message, lease)

    @huey.periodic_task(crontab(minute="*"), name="sweep_alerts")
    def sweep_alerts() -> int:
        with app.app_context():
            due = delivery.due_alerts()
            for alert_id in due:
                deliver_alert(alert_id)
            # Re-checks not done by their deadline open a call (screener/alerts/rechecks.py).
            open_missed(app.extensions["service"].reads_checks)
            return len(due)

    @huey.on_startup()
    def sweep_at_start() -> None:  # a worker started again picks up what is due at once
        sweep_alerts.call_local()

    huey.deliver_alert = deliver_alert  # type: ignore[attr-defined]
    huey.sweep_alerts = sweep_alerts  # type: ignore[attr-defined]
    return huey


def check_delivery_settings(app: Flask, rota: Rota) -> None:
    """Refuse to start a service whose rota cannot be sent: emails with no SMTP server
    (they would go to this machine's port 25 and fail eight times, unseen, for hours), or a
    webhook with no secret to sign it (a receiver could not tell it from a forgery).
    Development may leave them out: nothing is promised to anyone there."""
    if is_development(app):
        return
    targets = {channel for step in rota.steps for channel, _ in step.targets}
    if "email" in targets and not app.config.get("SMTP_URL"):
        raise ConfigurationError(
            "Refusing to start: the service profile's rota sends email (notify_email or "
            "escalate_to) but no SMTP server is set. Set SCREENER_SMTP_URL, e.g. "
            "smtp://mail.clinic.example:587, and SCREENER_MAIL_FROM.")
    if "webhook" in targets and not app.config.get("WEBHOOK_SECRET"):
        raise ConfigurationError(
            "Refusing to start: the service profile's rota calls a webhook but nothing "
            "signs it. Set SCREENER_WEBHOOK_SECRET to the secret the receiver checks.")


def enqueue(alerts: list[Alert]) -> None:
    """After the commit that wrote them: each alert's delivery, at the time it is due."""
    huey = current_app.extensions["queue"]
    now = utc_now()
    for alert in alerts:
        if alert.due_at <= now:
            huey.deliver_alert(alert.id)
        else:
            huey.deliver_alert.schedule((alert.id,), eta=alert.due_at)


def _send(alert: Alert, message: Message) -> None:
    config: dict[str, Any] = current_app.config
    if alert.channel == "email":
        send_email(message, alert.target, config.get("SMTP_URL") or "smtp://127.0.0.1:25",
                   config.get("MAIL_FROM") or "screener@localhost")
    else:
        send_webhook(message, alert.target, config.get("WEBHOOK_SECRET") or "")


def _message(alert: Alert) -> Message:
    from ..web.formatting import as_utc, local_time  # the service's clock, as staff pages

    screening = alert.screening
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base):
        return Message(alert_id=alert.id, level=screening.level, step=alert.step,
                       arrived=local_time(screening.created_at),
                       arrived_iso=as_utc(screening.created_at).replace(microsecond=0).isoformat(),
                       queue_url=url_for("staff.queue", _external=True))


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at once.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run a worker: send the alerts, at the times they are due, until stopped."""
    huey = current_app.extensions["queue"]
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                    check_worker_health=True)
    consumer.run()
