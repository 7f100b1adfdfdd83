"""The app as the README deploys it: gunicorn's sync workers behind nginx, configured by the
recipe's own file (docs/nginx/screener-proxy.conf).

- Slow clients (red team 2, M12): four connections that sent a request slowly stopped the
  whole service. nginx reads each request whole before gunicorn sees it, so twelve slow
  clients leave the health check answering.
- The client's address (H3): behind the proxy every request came from the proxy's address,
  so one client used up every caregiver's rate limit. With SCREENER_TRUSTED_PROXIES=1 each
  client is counted as itself, and an address a client writes itself is not believed.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.live import answering, free_port, gunicorn, migrate, server_env
from tests.services import NGINX, REDIS_URL, require

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "docs" / "nginx" / "screener-proxy.conf"
ANSWERS = b'{"route": "oral"}'


@contextmanager
def nginx(upstream: str, folder: Path) -> Iterator[str]:
    """nginx on a free loopback port in front of `upstream`, with the recipe's directives."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o777)  # nginx's workers (nobody) write request bodies here
    config = folder / "nginx.conf"
    config.write_text(f"""
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream screener {{ server {upstream.removeprefix("http://")}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port};
        include {RECIPE};
    }}
}}
""")
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        if not answering(base, tries=100):
            raise RuntimeError(f"nginx did not start: {(folder / 'error.log').read_text()}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Iterator[str]:
    require("nginx")
    require("redis")
    folder = tmp_path_factory.mktemp("deployed")
    database = f"sqlite:///{folder / 'screener.sqlite'}"
    migrate(database)
    env = server_env(database, SCREENER_TRUSTED_PROXIES="1", RATELIMIT_STORAGE_URI=REDIS_URL,
                     SCREENER_RATELIMIT_PER_WORKER="false",
                     SCREENER_RATELIMIT_KEY_PREFIX=f"nginx-test-{time.time_ns()}")
    with gunicorn(env, folder / "gunicorn.log") as app, nginx(app, folder / "nginx") as proxy:
        yield proxy


def _slow_client(port: int, stop: threading.Event, headers_only: bool) -> None:
    """The red team's slow client: a body promised and sent a byte at a time, or the
    headers themselves a line at a time."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        if headers_only:
            sock.sendall(b"POST /api/v1/assess HTTP/1.1\r\n")
            while not stop.wait(1):
                sock.sendall(b"X-Slow: 1\r\n")
        else:
            sock.sendall(b"POST /api/v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         b"application/json\r\nContent-Length: 60000\r\n\r\n{")
            while not stop.wait(1):
                sock.sendall(b" ")


def test_twelve_slow_clients_leave_the_health_check_answering(deployed):
    port = int(deployed.rsplit(":", 1)[1])
    stop = threading.Event()
    slow = [threading.Thread(target=_slow_client, args=(port, stop, n % 2 == 0), daemon=True)
            for n in range(12)]
    for thread in slow:
        thread.start()
    time.sleep(2)  # every slow client connected and sending
    try:
        answered = []
        for _ in range(8):
            started = time.monotonic()
            with urllib.request.urlopen(f"{deployed}/healthz", timeout=5) as response:
                answered.append((response.status, time.monotonic() - started))
            time.sleep(0.5)
    finally:
        stop.set()
    assert [status for status, _ in answered] == [200] * 8
    assert max(seconds for _, seconds in answered) < 1


def _post_from(base: str, address: str, forwarded_for: str | None = None) -> int:
    """POST the answers from a loopback `address` of our own (Linux routes 127.0.0.0/8)."""
    port = int(base.rsplit(":", 1)[1])
    headers = [b"POST /api/v1/assess HTTP/1.1", b"Host: 127.0.0.1",
               b"Content-Type: application/json", b"Connection: close",
               f"Content-Length: {len(ANSWERS)}".encode()]
    if forwarded_for:
        headers.append(f"X-Forwarded-For: {forwarded_for}".encode())
    with socket.create_connection(("127.0.0.1", port), source_address=(address, 0)) as sock:
        sock.sendall(b"\r\n".join(headers) + b"\r\n\r\n" + ANSWERS)
        status_line = sock.recv(64).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


def test_behind_the_proxy_each_client_is_counted_as_itself(deployed):
    statuses = [_post_from(deployed, "127.0.9.2") for _ in range(121)]
    assert statuses[:120] == [200] * 120 and statuses[120] == 429
    # Another caregiver behind the same proxy is not refused...
    assert _post_from(deployed, "127.0.9.3") == 200
    # ...and the refused client cannot pass for someone else by writing the header itself.
    assert _post_from(deployed, "127.0.9.2", forwarded_for="127.0.9.4") == 429
