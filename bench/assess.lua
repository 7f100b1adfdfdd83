-- wrk script: POST a realistic answer set to /api/v1/assess.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"route": "intrathecal", "symptoms": ["pruritus", "rebound_spasticity", "sweating"],
 "history": {"pump_alarm": true, "refill_overdue": "unknown", "hours_since_problem": 14,
             "long_term_use": true, "spinal_cord_injury": true},
 "vitals": {"temperature_c": 37.8, "heart_rate": 104, "systolic_bp": 102},
 "respondent": "caregiver"}]]
