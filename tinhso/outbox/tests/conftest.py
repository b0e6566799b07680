"""Loopback servers the outbox delivers to: a real SMTP server (aiosmtpd) and a tiny HTTP server,
each recording what arrived."""

import email
import email.policy
import json
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage


class RecordingHandler:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("unknown@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class SmtpServer:
    """Not started until :meth:`start`, so tests can first find it down."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=10"

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def message_id_counts(self) -> Counter[str]:
        return Counter(str(item.message["Message-ID"]) for item in self.received)


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    server = SmtpServer()
    monkeypatch.setenv("TINHSO_SMTP_URL", server.url)
    monkeypatch.setenv("TINHSO_MAIL_FROM", "Tỉnh số <no-reply@tinhso.example.vn>")
    yield server
    server.stop()


@pytest.fixture
def running_smtp(smtp_server: SmtpServer) -> SmtpServer:
    smtp_server.start()
    return smtp_server


@dataclass
class HttpRequest:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class HttpServer:
    server: ThreadingHTTPServer
    requests: list[HttpRequest] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers to give, then 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def http_server() -> Iterator[HttpServer]:
    recorder: HttpServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            recorder.requests.append(HttpRequest(self.path, dict(self.headers.items()), body))
            status = recorder.statuses.pop(0) if recorder.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    recorder = HttpServer(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
    thread = threading.Thread(target=recorder.server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    recorder.server.shutdown()
    recorder.server.server_close()
