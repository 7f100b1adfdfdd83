"""The audit trail."""

from __future__ import annotations

import csv
import io
import re

import pytest

from screener.db import db
from screener.models import AuditEvent, AuditIsAppendOnly
from tests.pages import text_of
from tests.staff.factories import CAREGIVER_URGENT, audit_rows, submit

# --- Audit trail -----------------------------------------------------------------------------

def test_the_audit_trail_is_append_only(app, staff):
    staff()
    with app.app_context():
        event = db.session.execute(db.select(AuditEvent)).scalars().first()
        event.action = "nothing_happened"
        with pytest.raises(AuditIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        event = db.session.execute(db.select(AuditEvent)).scalars().first()
        db.session.delete(event)
        with pytest.raises(AuditIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        assert db.session.execute(db.select(AuditEvent)).scalars().first().action == "sign_in"


def test_admins_filter_and_export_the_audit_trail(app, client, staff):
    journey = staff("admin", "ada")
    urgent = submit(client, CAREGIVER_URGENT)
    journey.get(f"/staff/screenings/{urgent}")
    _, tree = journey.get("/staff/audit?action=view&record_type=screening")
    rows = [[text_of(td) for td in tr.findall("td")] for tr in tree.findall(".//tbody/tr")]
    assert len(rows) == 1 and rows[0][1:4] == ["ada", "view", f"screening {urgent}"]
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}, (\d{1,2}(:\d\d)?[ap]m|midnight) (GMT|BST)",
                        rows[0][0])
    response = journey.client.get("/staff/audit.csv?username=ada")
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == ["id", "at_utc", "username", "action", "record_type", "record_id",
                        "details"]
    assert {r[3] for r in table[1:]} >= {"sign_in", "view", "view_audit"}
    assert [e.action for e in audit_rows(app)][-1] == "export"


def test_the_audit_csv_with_a_bad_filter_answers_400(staff):
    """Red team L10: it answered the HTML page with 200."""
    response = staff().client.get("/staff/audit.csv?action=" + "x" * 41)
    assert response.status_code == 400 and response.mimetype == "text/html"
