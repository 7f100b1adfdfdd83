"""Loopback receivers for the alerts tests: an SMTP server (aiosmtpd) and a webhook server
(http.server), each on 127.0.0.1 in a thread, keeping what they receive."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from tests.live import free_port


class Inbox:
    """The messages an SMTP server accepted: (recipients, parsed message). With
    `hold_before_data` set, the server keeps a client waiting after its recipients, before
    any message is sent (`waiting` then True): a client killed there has sent nothing."""

    def __init__(self) -> None:
        self.messages: list = []
        self.hold_before_data = threading.Event()
        self.waiting = False

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        while self.hold_before_data.is_set():
            self.waiting = True
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[str, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}", inbox
    finally:
        controller.stop()


@contextmanager
def webhook_server() -> Iterator[tuple[str, list]]:
    """(its URL, the requests received: (headers, body bytes, parsed JSON))."""
    received: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body, json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", received
    finally:
        server.shutdown()
        server.server_close()
