"""The pump clinic (issue 25): the arithmetic of refills, alarms, batteries and residual
volumes (projection.py), the pumps it knows (catalogue.py), each with its source."""
