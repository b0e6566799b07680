"""Postal carriers: what the services need from one, a manual carrier (the desk officer records
each state from the post office's paper slip) and a VNPost-like HTTP carrier (JSON API to create
a shipment and query its status; status webhooks signed with HMAC-SHA256). Carriers never touch
the database.

Configuration of the HTTP carrier (read at call time, ``tinhso.lib.env``):
``TINHSO_VNPOST_URL`` (API base), ``TINHSO_VNPOST_TOKEN`` / ``_FILE`` (bearer token),
``TINHSO_VNPOST_CUSTOMER_CODE`` (the agency's contract), ``TINHSO_VNPOST_WEBHOOK_SECRET`` /
``_FILE`` (key of the webhook signatures)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

from tinhso.lib.env import env_secret, env_str

MANUAL = "manual"
VNPOST = "vnpost"
#: The carrier's status codes → our states.
VNPOST_STATES = {
    "accepted": "handed_over",
    "in_transit": "in_transit",
    "out_for_delivery": "in_transit",
    "delivered": "delivered",
    "returned": "returned",
}
WEBHOOK_TOLERANCE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class ShipmentRequest:
    reference: str  # ours: dossier code and direction
    direction: str
    recipient_name: str
    recipient_phone: str
    address: str
    tracking_number: str = ""  # the manual carrier takes the number printed on the slip


@dataclass(frozen=True)
class CarrierEvent:
    external_id: str
    state: str  # one of ShipmentState
    occurred_at: dt.datetime
    location: str = ""
    note: str = ""


class CarrierError(Exception):
    """The carrier refused, did not answer, or answered what we cannot read."""


class InvalidWebhook(Exception):
    """Not signed with our key, or outside the replay window."""


class Carrier(Protocol):
    @property
    def name(self) -> str: ...

    def create_shipment(self, request: ShipmentRequest) -> str:
        """Register the shipment with the carrier; return its tracking number."""
        ...

    def query_status(self, tracking_number: str) -> list[CarrierEvent]:
        """Every event the carrier knows of the shipment, oldest first."""
        ...


@dataclass(frozen=True)
class ManualCarrier:
    """The post office at the desk: the officer types the number printed on the slip and records
    each state by hand; nothing to ask."""

    name: str = MANUAL

    def create_shipment(self, request: ShipmentRequest) -> str:
        return request.tracking_number

    def query_status(self, tracking_number: str) -> list[CarrierEvent]:
        return []


@dataclass(frozen=True)
class VnpostCarrier:
    url: str
    token: str
    customer_code: str
    webhook_secret: str
    name: str = VNPOST

    @classmethod
    def from_env(cls) -> VnpostCarrier:
        url = env_str("TINHSO_VNPOST_URL")
        token = env_secret("TINHSO_VNPOST_TOKEN")
        secret = env_secret("TINHSO_VNPOST_WEBHOOK_SECRET")
        if not url or not token or not secret:
            raise ImproperlyConfigured(
                "Bưu chính VNPost chưa được cấu hình: đặt TINHSO_VNPOST_URL, TINHSO_VNPOST_TOKEN "
                "và TINHSO_VNPOST_WEBHOOK_SECRET (hoặc các biến _FILE tương ứng)."
            )
        return cls(
            url=url.rstrip("/"),
            token=token,
            customer_code=env_str("TINHSO_VNPOST_CUSTOMER_CODE"),
            webhook_secret=secret,
        )

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (configured URL)
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise CarrierError(f"HTTP {exc.code}: {exc.read()[:200]!r}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise CarrierError(str(exc)) from None
        try:
            return json.loads(raw)
        except ValueError:
            raise CarrierError("answer is not JSON") from None

    def create_shipment(self, request: ShipmentRequest) -> str:
        answer = self._call(
            "POST",
            "/shipments",
            {
                "customer_code": self.customer_code,
                "reference": request.reference,
                "service": "BCCI",
                "direction": request.direction,
                "receiver": {
                    "name": request.recipient_name,
                    "phone": request.recipient_phone,
                    "address": request.address,
                },
            },
        )
        number = str(answer.get("tracking_number", "")) if isinstance(answer, dict) else ""
        if not number or len(number) > 40:
            raise CarrierError("no tracking number in the answer")
        return number

    def query_status(self, tracking_number: str) -> list[CarrierEvent]:
        answer = self._call("GET", f"/shipments/{quote(tracking_number, safe='')}")
        if not isinstance(answer, dict) or not isinstance(answer.get("events"), list):
            raise CarrierError("no events in the answer")
        return [event for item in answer["events"] if (event := read_event(item)) is not None]

    def verify_webhook(self, body: bytes, timestamp: str, signature: str, now: dt.datetime) -> Any:
        """The webhook's JSON if it is signed with our key (``X-VNPost-Signature`` = hex
        HMAC-SHA256 of ``<timestamp>.<body>``) and its ``X-VNPost-Timestamp`` (Unix seconds) is
        within five minutes of ``now``."""
        expected = webhook_signature(self.webhook_secret, timestamp, body)
        if not signature or not hmac.compare_digest(signature.lower(), expected):
            raise InvalidWebhook("bad signature")
        try:
            sent = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise InvalidWebhook("bad timestamp") from None
        if abs(now - sent) > WEBHOOK_TOLERANCE:
            raise InvalidWebhook("timestamp outside the replay window")
        try:
            return json.loads(body)
        except ValueError:
            raise InvalidWebhook("body is not JSON") from None


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def read_event(item: Any) -> CarrierEvent | None:
    """One carrier event (``id``, ``status``, ``occurred_at`` ISO 8601 with offset, optional
    ``location`` and ``note``); ``None`` for a status we do not map."""
    if not isinstance(item, dict):
        return None
    state = VNPOST_STATES.get(str(item.get("status", "")))
    try:
        occurred_at = dt.datetime.fromisoformat(str(item.get("occurred_at", "")))
    except ValueError:
        return None
    event_id = str(item.get("id", ""))[:90]
    if state is None or not event_id or occurred_at.tzinfo is None:
        return None
    return CarrierEvent(
        external_id=f"vnpost:{event_id}",
        state=state,
        occurred_at=occurred_at,
        location=str(item.get("location", ""))[:200],
        note=str(item.get("note", ""))[:500],
    )


def get_carrier(name: str) -> Carrier:
    if name == MANUAL:
        return ManualCarrier()
    if name == VNPOST:
        return VnpostCarrier.from_env()
    raise KeyError(f"unknown carrier {name!r}")


CARRIER_LABELS = {MANUAL: "Bưu điện tại quầy (cán bộ ghi nhận)", VNPOST: "VNPost (kết nối tự động)"}
