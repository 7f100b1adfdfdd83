"""Notifications about new and unclaimed screenings (issue 24), sent by a job queue.

- `rota.py`: who is told, from the service profile (the on-call clinician, then each
  escalation step), and after how many minutes an unclaimed check goes to the next step.
- `outbox.py`: the alerts a new screening needs, written in its own transaction (the
  outbox), and whether one has gone unanswered past the last step.
- `sending.py`: one alert sent by email (SMTP) or webhook (signed); the words carry the
  level, the time and a link to the staff queue, never an answer, a reference or a number.
- `delivery.py`: a worker's job: take one due alert, send it, mark it sent; idempotent.
- `queue.py`: the Huey queue the app enqueues on and `flask --app screener worker` runs.
"""
