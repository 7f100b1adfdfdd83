"""gunicorn settings read from the project root (gunicorn's default config file).

It tells the app how many workers share the rate limits: counts kept in memory are per
worker, so with several workers the documented limits would be multiplied. The app refuses
to start that way outside development (screener/web/security.py).
"""

import os


def on_starting(server):
    os.environ["SCREENER_WORKERS"] = str(server.cfg.workers)


# Sync workers (gunicorn's default), not threads: measured with bench/load.py on 2 cores,
# 4 threads a worker made every request that waits on the database wait again for the GIL
# behind the threads that compute (GET /healthz fell from about 2,000 to 400-1,300 requests
# a second, saving a screening from about 570 to 380). Slow clients are the buffering
# proxy's to absorb (README, "Running it for real").
