"""Fixtures of the notification tests: the dossiers' test procedure, a citizen with a dossier
in hand, and a tiny loopback HTTP gateway (SMS or Zalo) that records what arrives and answers
what the test tells it to."""

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tinhso.dossiers.tests.conftest import procedure  # noqa: F401  (a fixture)

CODE = "2.001417.000.00.04.H99"


def submit(citizen: Any, key: str = "k-1") -> Any:
    from tinhso.dossiers import services
    from tinhso.dossiers.tests.conftest import declaration

    dossier, _ = services.submit_dossier(
        actor=citizen,
        procedure_code=CODE,
        agency_code="000.00.02.H99",
        form_data={"purpose": "Xin việc"},
        components=declaration(citizen),
        idempotency_key=key,
    )
    return dossier


@dataclass
class Arrival:
    path: str
    headers: dict[str, str]  # names in lower case
    body: Any


@dataclass
class Gateway:
    server: ThreadingHTTPServer
    arrivals: list[Arrival] = field(default_factory=list)
    answers: list[tuple[int, Any]] = field(default_factory=list)  # then 200 {"error": 0}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/send"


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    recorder: Gateway

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            headers = {name.lower(): value for name, value in self.headers.items()}
            recorder.arrivals.append(Arrival(self.path, headers, body))
            status, answer = recorder.answers.pop(0) if recorder.answers else (200, {"error": 0})
            content = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args: Any) -> None:
            pass

    recorder = Gateway(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
    thread = threading.Thread(target=recorder.server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    recorder.server.shutdown()
    recorder.server.server_close()


def closed_port_url() -> str:
    """A loopback URL nobody listens on: the provider is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/send"
