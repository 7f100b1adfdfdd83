"""Response times (issue 24, item 6): per level, minutes to a claim and to the first action,
against the service's target; a CSV with one row per check; clinic and admin only."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from screener import workflow
from screener.db import db
from screener.models import Screening, User, as_utc
from tests.journeys import OUTCOMES
from tests.pages import text_of
from tests.staff.factories import submit


def _claimed_after(app, public_id: str, minutes: float, acted: float | None = None) -> None:
    with app.app_context():
        screening = db.session.scalars(db.select(Screening).where(
            Screening.public_id == public_id)).one()
        user = db.session.scalars(db.select(User)).first()
        arrived = as_utc(screening.created_at)
        assert workflow.claim(screening, user, now=arrived + timedelta(minutes=minutes))
        if acted is not None:
            workflow.record_action(screening, user, "called_back",
                                   now=arrived + timedelta(minutes=acted))
        db.session.commit()


def test_minutes_to_claim_and_to_first_action_per_level_against_the_target(app, client, staff):
    journey = staff("clinic", "cath")
    quick = submit(client, OUTCOMES["urgent"])
    slow = submit(client, OUTCOMES["urgent"])
    submit(client, OUTCOMES["urgent"])  # never claimed
    _claimed_after(app, quick, 5, acted=9)
    _claimed_after(app, slow, 40)
    _, tree = journey.get("/staff/response-times")
    urgent = [text_of(c) for c in tree.find(".//tbody").findall("tr")[1]]
    assert urgent == ["Urgent", "15", "3", "2", "1", "median 22.5, 90th 36.5", "9.0"]
    response = client.get("/staff/response-times.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["level"], r["minutes_to_claim"], r["minutes_to_first_action"],
             r["claimed_within_target"]) for r in rows] == [
        ("urgent", "5.0", "9.0", "yes"), ("urgent", "40.0", "", "no"),
        ("urgent", "", "", "no")]


def test_triage_staff_cannot_see_them(client, staff):
    staff("triage", "tom")
    assert client.get("/staff/response-times").status_code == 403
    assert client.get("/staff/response-times.csv").status_code == 403
