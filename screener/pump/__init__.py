"""The pump clinic (issue 25): the arithmetic of refills, alarms, batteries and residual
volumes (projection.py) and a patient's days from it (reservoir.py); what a refill implies
before it is saved (refill.py); the pumps it knows (catalogue.py), each with its source; the
records kept in step (records.py) and the worklist's flags (clinic.py)."""
