"""What the payment services need from a gateway, and the registry of gateways. A provider is
pure: it signs and verifies, and never touches the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PaymentRequest:
    """What the gateway must be told to take one payment."""

    order_ref: str
    amount: int  # VND
    description: str  # ASCII without diacritics: gateways reject the rest
    return_url: str
    client_ip: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Callback:
    """A callback (IPN or return) whose signature has been checked."""

    order_ref: str
    amount: int  # VND, already divided back from the gateway's unit
    succeeded: bool
    response_code: str
    transaction_no: str
    params: dict[str, str]


@dataclass(frozen=True)
class RefundRequest:
    """Give back the whole amount of a confirmed payment."""

    request_id: str  # one per intent: a retried refund is recognised by the gateway
    order_ref: str
    amount: int  # VND
    transaction_no: str  # the gateway's number of the payment
    paid_at: dt.datetime
    created_by: str  # the officer's user name, as the gateway records it
    client_ip: str
    created_at: dt.datetime


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    response_code: str
    message: str
    transaction_no: str
    params: dict[str, str]


@dataclass(frozen=True)
class ReportRow:
    """One line of the gateway's transaction report for a day."""

    order_ref: str
    transaction_no: str
    amount: int  # VND
    kind: str  # "pay" | "refund"
    succeeded: bool
    at: dt.datetime


class GatewayUnavailable(Exception):
    """The gateway did not answer, or answered something we cannot read or trust."""


class InvalidSignature(Exception):
    """The callback was not signed with our merchant secret (forged or corrupted)."""


class PaymentProvider(Protocol):
    @property
    def name(self) -> str: ...

    def build_redirect_url(self, request: PaymentRequest) -> str: ...

    def parse_callback(self, params: Mapping[str, str]) -> Callback:
        """Verify the signature (raise :class:`InvalidSignature`) and read the fields."""
        ...

    def refund(self, request: RefundRequest) -> RefundResult:
        """Ask the gateway to give the money back (raise :class:`GatewayUnavailable`)."""
        ...

    def transaction_report(self, day: dt.date) -> list[ReportRow]:
        """The gateway's transactions of ``day`` (local date; raise :class:`GatewayUnavailable`)."""
        ...


def get_provider(name: str) -> PaymentProvider:
    """The configured provider; configuration is read at call time, so a secret rotated in the
    environment takes effect without a code change."""
    if name == "vnpay":
        from tinhso.payments.vnpay import VnpayProvider

        return VnpayProvider.from_env()
    raise KeyError(f"unknown payment provider {name!r}")
