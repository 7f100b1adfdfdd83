"""Follow-up calls and the timeline."""

from __future__ import annotations

from datetime import date, timedelta

from screener import workflow
from screener.db import db
from screener.models import Patient, Screening, User
from tests.pages import csrf_token, text_of
from tests.staff.factories import (
    CAREGIVER_URGENT,
    SOON,
    SVG,
    age,
    audit_rows,
    confirm_reference,
    make_patient,
    patient_path,
    post_form,
    queue_ids,
    submit,
)

# --- Follow-up calls and the timeline -------------------------------------------------------

def test_a_follow_up_call_is_prefilled_shows_the_last_answers_and_joins_the_timeline(
        app, client, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="intrathecal",
                               next_refill_date=date.today() - timedelta(days=2)))
        db.session.commit()
    pump_all_no = dict.fromkeys(app.extensions["ruleset"].concepts["pump_problem"].facts, False)
    first = submit(client, {**SOON, "route": "intrathecal", "patient_ref": "P-1",
                            "symptoms": ["muscle_spasms"], "vitals": {"heart_rate": 88},
                            "history": pump_all_no})
    age(app, first, days=3)
    journey = staff("clinic", "cath")
    # The caregiver's reference joins the timeline once staff confirm it.
    _, tree = journey.get(patient_path(app))
    assert "not yet confirmed" in text_of(tree.find(".//main"))
    post_form(journey, f"/staff/screenings/{first}", f"/staff/screenings/{first}/patient",
              {"reference": "P-1"})
    response = post_form(journey, patient_path(app), f"{patient_path(app)}/call", {})
    assert response.location == "/check/emergency-signs"
    response, _ = journey.submit("/check/emergency-signs", {"symptoms": ["none"]})
    journey.submit("/check/age", {"age_years": "30"})
    # The route comes pre-selected from the record, with last time's answer beside it.
    _, tree = journey.get("/check/route")
    assert tree.find(".//input[@value='intrathecal']").get("checked") is not None
    assert "Pre-filled from the patient record" in text_of(tree.find(".//main"))
    assert "Last time" in text_of(tree.find(".//div[@id='route-hint']"))
    journey.submit("/check/route", {"route": "intrathecal"})
    _, tree = journey.get("/check/pump")
    overdue = tree.find(".//input[@name='refill_overdue'][@value='yes']")
    assert overdue.get("checked") is not None  # from the refill date on the record
    assert tree.find(".//input[@name='pump_alarm'][@checked]") is None  # not known: asked
    from tests.journeys import page_data
    answers = {"route": "intrathecal", "symptoms": ["pruritus", "muscle_spasms"],
               "history": {"refill_overdue": True}, "respondent": "staff",
               "patient_ref": "P-1"}
    response, _ = journey.submit("/check/pump", page_data("pump", answers))
    while response.location.startswith("/check/"):
        page_id = response.location.rsplit("/", 1)[1]
        _, tree = journey.get(response.location)
        # A staff page: staff navigation, the patient on every page, "Ask the caller".
        assert text_of(tree.find(".//h1")).startswith("Ask the caller: ")
        assert "Follow-up call for P-1" in text_of(tree.find(".//p[@class='call-banner']"))
        assert tree.find(".//nav[@class='staff-nav']") is not None
        if page_id == "symptoms":
            hint = tree.find(".//div[@id='symptoms-muscle_spasms-hint']")
            assert hint is not None and "Ticked" in text_of(hint)
        if page_id == "about":
            assert tree.find(".//input[@value='staff']").get("checked") is not None
            assert tree.find(".//input[@name='patient_ref']").get("value") == "P-1"
        response, _ = journey.submit(response.location, page_data(page_id, answers))
    assert response.location.startswith("/staff/screenings/")
    call = response.location.rsplit("/", 1)[1]
    with app.app_context():
        saved = db.session.execute(db.select(Screening).filter_by(public_id=call)).scalar_one()
        assert saved.respondent == "staff" and saved.patient.reference == "P-1"
        assert saved.level == "urgent"
        # Done by the caller as it is recorded: closed, never a new open triage item.
        assert saved.status == "closed" and saved.closed_by.username == "cath"
        assert [a.kind for a in saved.actions] == ["follow_up_call"]
    _, tree = journey.get("/staff/")
    assert call not in queue_ids(tree)
    _, tree = journey.get(f"/staff/screenings/{call}")
    main = text_of(tree.find(".//main"))
    assert "recorded as done: it is not in the triage queue" in main
    assert "What to do now" not in main  # never "call the pump clinic" to the pump clinic
    _, tree = journey.get(patient_path(app))
    svg = tree.find(f".//{SVG}svg[@class='chart']")
    assert svg is not None and svg.get("role") == "img"
    assert len([p for p in svg.findall(f"{SVG}path") if p.get("transform")]) == 2
    rows = [[text_of(td) for td in tr.findall("td")] for tr in tree.findall(".//tbody/tr")]
    assert [r[1] for r in rows] == ["Urgent", "Soon"]
    assert rows[0][4].startswith("Worse: soon to urgent")
    assert "new: " in rows[0][4] and rows[1][4] == "First screening"
    assert "start_call" in [e.action for e in audit_rows(app)]


def test_a_follow_up_call_cannot_be_continued_without_signing_in(app, client, staff):
    with app.app_context():
        db.session.add(Patient(reference="P-1", route="oral"))
        db.session.commit()
    journey = staff()
    post_form(journey, patient_path(app), f"{patient_path(app)}/call", {})
    _, tree = journey.get("/staff/")
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(tree)})
    with client.session_transaction() as session:
        assert "draft" not in session  # signing out drops the call
    response = client.get("/check/route")
    assert response.status_code == 302 and not response.location.startswith("/check/")


# --- The timeline chart -----------------------------------------------------------------------

def _texts(svg, kind: str) -> list:
    return [t for t in svg.findall(f"{SVG}text") if t.get("class") == kind]


def _box(text) -> tuple[float, float, float, float]:
    """A text's box (left, top, right, bottom), from its position, size and anchor, with a
    generous width for a sans-serif font."""
    x, y, size = float(text.get("x")), float(text.get("y")), float(text.get("font-size"))
    width = len(text_of(text)) * size * 0.62
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
    return left, y - size, left + width, y + size * 0.3


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _overlapping(svg) -> list[tuple[str, str]]:
    """Pairs of the chart's texts whose boxes overlap, and any text outside the chart."""
    boxes = [(text_of(t), _box(t)) for t in svg.findall(f"{SVG}text")]
    width = float(svg.get("width"))
    outside = [(a, "outside") for a, box in boxes if box[0] < 0 or box[2] > width]
    return outside + [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
                      if _overlap(box_a, box_b)]


def _marker_at(svg) -> list[tuple[float, float]]:
    """Each screening's marker (oldest first): where it is drawn."""
    return [tuple(float(v) for v in p.get("transform")[len("translate("):-1].split(","))
            for p in svg.findall(f"{SVG}path") if p.get("transform")]


def test_the_chart_draws_each_level_in_its_named_band_with_its_score_refills_and_calls(
        app, client, staff):
    """UX walk 2, finding 11: an urgent screening set by a rule, on a score below the urgent
    band's, is drawn in the urgent band (not below a "from here" line); each band is named;
    a refill and a follow-up call are ticks at their times; no label collides."""
    make_patient(app, "P-1")
    soon = submit(client, {**SOON, "patient_ref": "P-1"})
    urgent = submit(client, {**CAREGIVER_URGENT, "patient_ref": "P-1"})
    age(app, soon, days=4)
    age(app, urgent, days=1)
    journey = staff("clinic", "cath")
    for public_id in (soon, urgent):
        confirm_reference(app, public_id, "P-1")
    with app.app_context():
        urgent_min = next(level.min_score for level in app.extensions["ruleset"].levels
                          if level.id == "urgent")
        made = db.session.execute(db.select(Screening).filter_by(public_id=urgent)).scalar_one()
        assert made.level == "urgent" and made.score < urgent_min  # urgent by a rule
        score = made.score
        workflow.record_call(made, db.session.execute(
            db.select(User).filter_by(username="cath")).scalar_one())
        db.session.commit()
    page = f"{patient_path(app)}/refill"
    refilled = date.today() - timedelta(days=2)
    post_form(journey, page, page, {"refilled_on": refilled.isoformat(),
                                    "next_refill_date": (refilled + timedelta(90)).isoformat()})

    _, tree = journey.get(patient_path(app))
    svg = tree.find(f".//{SVG}svg[@class='chart']")
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "chart-title chart-desc"
    assert "table below" in text_of(svg.find(f"{SVG}desc"))
    bands = {text_of(t): float(t.get("y")) for t in _texts(svg, "band")}
    assert list(bands) == ["Emergency", "Urgent", "Soon", "Routine"]  # named, top down

    def band_of(y: float) -> str:
        return min(bands, key=lambda name: abs(bands[name] - y))

    (soon_x, soon_y), (urgent_x, urgent_y) = _marker_at(svg)
    assert band_of(soon_y) == "Soon" and band_of(urgent_y) == "Urgent"
    scores = [(text_of(t), float(t.get("x"))) for t in _texts(svg, "score")]
    assert scores == [("score 2", soon_x), (f"score {score}", urgent_x)]

    marks = {text_of(t): float(t.get("x")) for t in _texts(svg, "mark")}
    assert set(marks) == {"Refill", "Call"}
    assert soon_x < marks["Refill"] < urgent_x  # the refill, two days ago, between them
    assert marks["Call"] == urgent_x  # the screening made on the follow-up call
    ticks = [float(line.get("x1")) for line in svg.findall(f"{SVG}line")
             if line.get("x1") == line.get("x2")]
    assert sorted(ticks) == sorted(marks.values())

    # No text overlaps another: the axis title, band names, scores, ticks and dates.
    texts = svg.findall(f"{SVG}text")
    title = [t for t in texts if t.get("class") == "axis-title"]
    assert [text_of(t) for t in title] == ["Level"]
    assert _overlapping(svg) == []


def test_a_refill_outside_the_screenings_drawn_is_not_marked(app, client, staff):
    make_patient(app, "P-1")
    first = submit(client, {**SOON, "patient_ref": "P-1"})
    confirm_reference(app, first, "P-1")
    journey = staff("clinic")
    page = f"{patient_path(app)}/refill"
    long_ago = date.today() - timedelta(days=60)
    post_form(journey, page, page, {"refilled_on": long_ago.isoformat(),
                                    "next_refill_date": date.today().isoformat()})
    _, tree = journey.get(patient_path(app))
    svg = tree.find(f".//{SVG}svg[@class='chart']")
    assert _texts(svg, "mark") == [] and len(_marker_at(svg)) == 1


def test_scores_of_screenings_close_together_do_not_overlap(app, client, staff):
    make_patient(app, "P-1")
    for hours in (96, 95, 24):  # two an hour apart, then one three days on: all "soon"
        public_id = submit(client, {**SOON, "patient_ref": "P-1"})
        confirm_reference(app, public_id, "P-1")
        age(app, public_id, hours=hours)
    _, tree = staff("clinic").get(patient_path(app))
    svg = tree.find(f".//{SVG}svg[@class='chart']")
    assert [text_of(t) for t in _texts(svg, "score")] == ["score 2"] * 3
    assert _overlapping(svg) == []
