""""Why this result" in the caregiver's own terms (issue 23; UX walk 2, finding 10): an
early warning score read from what they told us (new confusion, extra oxygen) is not "one of
their measurements"."""

from __future__ import annotations

from tests.packaged import assess

CONFUSED_AFTER_THE_TABLETS_RAN_OUT = {
    "route": "oral", "symptoms": ["confusion"],
    "history": {"ran_out_of_medication": True, "hours_since_problem": 48}}


def says(answers) -> dict[str, str]:
    return {rule.id: rule.says for rule in assess(answers).discriminators}


def test_with_no_measurement_the_score_is_worded_as_what_they_told_us():
    said = says(CONFUSED_AFTER_THE_TABLETS_RAN_OUT)
    assert said["news2_low"] == ("What you told us is a warning sign: newly confused, muddled, "
                                 "or not knowing where they are.")
    assert "newly confused" in said["news2_single_three"]
    assert not any("measurement" in text for rule, text in said.items()
                   if rule.startswith("news2"))


def test_normal_measurements_do_not_make_the_confusion_a_measurement():
    said = says({**CONFUSED_AFTER_THE_TABLETS_RAN_OUT, "vitals": {"heart_rate": 70}})
    assert "newly confused" in said["news2_low"] and "measurement" not in said["news2_low"]


def test_extra_oxygen_alone_is_named():
    said = says({"route": "intrathecal", "history": {"on_oxygen": True}})
    assert said["news2_low"] == "What you told us is a warning sign: they are on extra oxygen now."


def test_a_measurement_that_scored_keeps_the_measurement_words():
    said = says({**CONFUSED_AFTER_THE_TABLETS_RAN_OUT, "vitals": {"heart_rate": 120}})
    assert said["news2_low"] == "One of their measurements is a little outside the normal range."


def test_the_staff_label_is_unchanged():
    fired = {r.id: r.label for r in assess(CONFUSED_AFTER_THE_TABLETS_RAN_OUT).discriminators}
    assert "NEWS2" in fired["news2_low"]
