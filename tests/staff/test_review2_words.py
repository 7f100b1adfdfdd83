"""Clinical review 2, section 3: the wrong or unsafe sentences (W1-W14), each checked on the
rendered caregiver result page and the staff screening page (rule set 2026.5)."""

from __future__ import annotations

from tests.pages import Journey, text_of
from tests.staff.factories import submit

AD = {"route": "intrathecal", "symptoms": ["headache", "sweating"],
      "history": {"spinal_cord_injury": True, "injury_level_T6_or_above": True},
      "vitals": {"systolic_bp": 186, "heart_rate": 52}, "respondent": "caregiver"}
AD_DROWSY = {"route": "intrathecal", "symptoms": ["headache", "excessive_drowsiness"],
             "history": {"spinal_cord_injury": True, "injury_level_T6_or_above": True},
             "vitals": {"systolic_bp": 200}, "respondent": "caregiver"}
PUMP_OVERDOSE = {"route": "intrathecal", "symptoms": ["excessive_drowsiness", "weakness"],
                 "history": {"recent_refill_or_programming_change": True},
                 "vitals": {"respiratory_rate": 10}, "respondent": "caregiver"}
WITHDRAWAL = {"route": "intrathecal", "symptoms": ["muscle_rigidity", "fever", "confusion"],
              "history": {"pump_alarm": True, "alarm_type": "two_tone",
                          "hours_since_problem": 36},
              "vitals": {"temperature_c": 39.6, "heart_rate": 128}, "respondent": "caregiver"}


def pages(client, staff, answers) -> tuple[str, str]:
    """(caregiver's result page, staff screening page) as text."""
    public_id = submit(client, answers)
    caregiver = text_of(Journey(client).get(f"/result/{public_id}")[1].find(".//main"))
    journey = staff("clinic")
    desk = text_of(journey.get(f"/staff/screenings/{public_id}")[1].find(".//main"))
    return caregiver, desk


def test_w1_an_ad_page_never_says_withdrawal(client, staff):
    caregiver, desk = pages(client, staff, AD)
    assert "autonomic dysreflexia" in caregiver and "autonomic dysreflexia" in desk
    assert "baclofen withdrawal" not in caregiver.lower()
    assert "The answers point to" not in caregiver and "The answers point to" not in desk
    assert "Direction:" not in desk
    # No pump lines beside AD's first aid (safety case review, H47).
    assert "does not replace the pump" not in caregiver
    assert "intrathecal delivery restored" not in desk


def test_w2_one_position_ordered_by_the_airway(client, staff):
    caregiver, _ = pages(client, staff, AD_DROWSY)
    assert caregiver.count("recovery position") == 1
    assert caregiver.index("if they are fully awake, sit them up") < caregiver.index(
        "if they are drowsy, hard to wake or have just had a seizure")


def test_w3_a_pump_overdose_gets_no_withdrawal_or_tablet_lines(client, staff):
    caregiver, desk = pages(client, staff, PUMP_OVERDOSE)
    assert "does not replace the pump" not in caregiver
    assert "tablet box" not in caregiver
    assert "intrathecal delivery restored" not in desk
    assert "Possible intrathecal overdose" in desk


def test_w4_struggling_to_breathe_is_an_emergency_not_a_wait(client, staff):
    caregiver, _ = pages(client, staff, {"route": "oral", "symptoms": ["breathing_difficulty"],
                                         "respondent": "caregiver"})
    assert "Call the emergency number now" in caregiver


def test_w5_a_stop_6_hours_ago_is_not_labelled_more_than_7_days_ago(client, staff):
    _, desk = pages(client, staff, {"route": "oral", "history": {
        "abrupt_stop": True, "long_term_use": True, "hours_since_problem": 6},
        "respondent": "caregiver"})
    assert "more than 7 days ago" not in desk
    assert "in the last 7 days" in desk


def test_w9_an_ingestion_has_one_first_call_and_hours_to_watch(client, staff):
    caregiver, _ = pages(client, staff, {"route": "oral", "history": {
        "age_years": 40, "took_more_than_prescribed": True, "extra_taken_mg": 100,
        "deliberate_overdose": False, "other_sedatives_or_alcohol": False,
        "kidney_disease": False}, "respondent": "caregiver"})
    assert "this is the first call to make" in caregiver
    assert "next 6 hours" in caregiver


def test_w14_a_withdrawal_emergency_says_how_to_use_the_emergency_tablets(client, staff):
    caregiver, desk = pages(client, staff, {**WITHDRAWAL, "symptoms": ["muscle_rigidity",
                                                                       "fever"]})
    assert "baclofen tablets for emergencies" in caregiver
    assert "intrathecal delivery restored" in desk


def test_w6_the_crew_is_told_to_ask_how_baclofen_is_taken(client, staff):
    caregiver, _ = pages(client, staff, {"route": "unknown", "symptoms": ["seizure"],
                                         "respondent": "caregiver"})
    assert "it is not known whether by pump or by tablets" not in caregiver
    assert "Tell them whether it is through a pump, tablets or both." in caregiver


def test_w10_the_call_script_reads_out_the_first_aid_that_applies(client, staff):
    _, desk = pages(client, staff, AD)
    assert "Read out: First aid for autonomic dysreflexia" in desk


def test_w13_an_emergency_page_shows_no_points_and_no_feeling_well_now(client, staff):
    caregiver, desk = pages(client, staff, WITHDRAWAL)
    assert "feeling well now does not mean it is over" not in caregiver
    assert "Points" not in caregiver and "Points" in desk


def test_a_childs_outcome_is_worded_for_a_child_and_staff_see_the_band(client, staff):
    """UX walk 2, finding 1: the 9-year-old with a pump, 38.6 °C and a pulse of 125."""
    caregiver, desk = pages(client, staff, {
        "route": "intrathecal", "symptoms": ["fever"], "respondent": "caregiver",
        "history": {"age_years": 9, "communication_difficulty": True, "long_term_use": True},
        "vitals": {"temperature_c": 38.6, "heart_rate": 125}})
    assert "Call the emergency number now" in caregiver
    assert "Say that this is a child, and give their age and weight" in caregiver
    assert "Age band: Child, 8 to 11 years" in desk


def test_an_age_not_given_is_said_on_both_pages(client, staff):
    caregiver, desk = pages(client, staff, {"route": "oral", "respondent": "caregiver",
                                            "vitals": {"heart_rate": 55}})
    assert "Their age was not given" in caregiver
    assert "Age band: Age not given" in desk
