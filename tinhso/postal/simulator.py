"""A VNPost-like carrier on loopback, for tests and demonstrations: a JSON API to create a
shipment (→ tracking number) and query its events, and status webhooks pushed to the platform,
signed with HMAC-SHA256 over ``<timestamp>.<body>``.

    with CarrierSimulator(token="t", webhook_secret="k", webhook_url=...) as post:
        monkeypatch env with post.env()
        post.advance("EB000000001VN", "accepted")   # pushes a signed webhook, returns the answer

The webhook leaves from the caller's thread through ``transport`` (plain HTTP by default; tests
use Django's test client so that it sees the test's transaction)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from tinhso.postal.carriers import webhook_signature

VN = ZoneInfo("Asia/Ho_Chi_Minh")
Transport = Callable[[str, bytes, dict[str, str]], tuple[int, bytes]]


def http_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class CarrierSimulator:
    def __init__(
        self,
        *,
        token: str,
        webhook_secret: str,
        webhook_url: str,
        customer_code: str = "BCCI-H99",
        transport: Transport = http_post,
    ) -> None:
        self.token = token
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.customer_code = customer_code
        self.transport = transport
        self.available = True  # False: every API call answers 503
        self.shipments: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        self.answers: list[dict[str, Any]] = []  # the platform's webhook answers, in order
        self._numbers = itertools.count(1)
        self._events = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/v1"

    def env(self) -> dict[str, str]:
        return {
            "TINHSO_VNPOST_URL": self.url,
            "TINHSO_VNPOST_TOKEN": self.token,
            "TINHSO_VNPOST_CUSTOMER_CODE": self.customer_code,
            "TINHSO_VNPOST_WEBHOOK_SECRET": self.webhook_secret,
        }

    def start(self) -> CarrierSimulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> CarrierSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the carrier's side -------------------------------------------------------------------

    def event(self, tracking_number: str, status: str, location: str = "") -> dict[str, Any]:
        """A new event of a shipment (recorded in the carrier's books, not yet pushed)."""
        item = {
            "id": f"EV{next(self._events):08d}",
            "tracking_number": tracking_number,
            "status": status,
            "occurred_at": dt.datetime.now(VN).replace(microsecond=0).isoformat(),
            "location": location,
        }
        self.shipments.setdefault(tracking_number, {"events": []})["events"].append(item)
        return item

    def advance(self, tracking_number: str, status: str, location: str = "") -> dict[str, Any]:
        """The shipment moves: record the event and push the signed webhook."""
        return self.push(self.event(tracking_number, status, location))

    def signed(
        self, item: dict[str, Any], *, secret: str | None = None, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(item, ensure_ascii=False).encode()
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        signature = webhook_signature(secret or self.webhook_secret, stamp, body)
        return body, {
            "Content-Type": "application/json",
            "X-VNPost-Timestamp": stamp,
            "X-VNPost-Signature": signature,
        }

    def push(
        self, item: dict[str, Any], *, secret: str | None = None, timestamp: int | None = None
    ) -> dict[str, Any]:
        """Send one webhook (again, to replay it) and return the platform's answer."""
        body, headers = self.signed(item, secret=secret, timestamp=timestamp)
        return self.deliver(body, headers)

    def deliver(self, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        status, raw = self.transport(self.webhook_url, body, headers)
        try:
            answer: dict[str, Any] = json.loads(raw) if raw else {}
        except ValueError:
            answer = {}
        answer["http_status"] = status
        self.answers.append(answer)
        return answer

    def _create(self, payload: Any) -> tuple[int, dict[str, Any]]:
        receiver = payload.get("receiver") if isinstance(payload, dict) else None
        if not isinstance(receiver, dict) or not receiver.get("address"):
            return 422, {"error": "receiver.address is required"}
        if payload.get("customer_code") != self.customer_code:
            return 403, {"error": "unknown customer"}
        number = f"EB{next(self._numbers):09d}VN"
        self.shipments[number] = {"request": payload, "events": []}
        self.requests.append(payload)
        return 201, {"tracking_number": number, "status": "created"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if not simulator.available:
                    self._send(503, {"error": "maintenance"})
                    return False
                if self.headers.get("Authorization") != f"Bearer {simulator.token}":
                    self._send(401, {"error": "invalid token"})
                    return False
                return True

            def do_POST(self) -> None:
                if not self._authorised():
                    return
                if urlsplit(self.path).path != "/api/v1/shipments":
                    self._send(404, {"error": "not found"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    payload = json.loads(self.rfile.read(length))
                except ValueError:
                    self._send(400, {"error": "not JSON"})
                    return
                self._send(*simulator._create(payload))

            def do_GET(self) -> None:
                if not self._authorised():
                    return
                path = urlsplit(self.path).path
                prefix = "/api/v1/shipments/"
                number = unquote(path[len(prefix) :]) if path.startswith(prefix) else ""
                shipment = simulator.shipments.get(number)
                if shipment is None:
                    self._send(404, {"error": "not found"})
                    return
                self._send(200, {"tracking_number": number, "events": shipment["events"]})

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
