"""gunicorn settings read from the project root (gunicorn's default config file).

It tells the app how many workers share the rate limits: counts kept in memory are per
worker, so with several workers the documented limits would be multiplied. The app refuses
to start that way outside development (screener/web/security.py).
"""

import os


def on_starting(server):
    os.environ["SCREENER_WORKERS"] = str(server.cfg.workers)


# Threads: while one request waits on the database (on PostgreSQL a commit waits for the
# disk) another is served, so a worker is not idle through every save (bench/load.py).
worker_class = "gthread"
threads = 4
