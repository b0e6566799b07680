"""Reconciliation of one day: the platform's intents against the gateway's transaction report.

Rules (docs/payments.md): the day is a Vietnamese calendar day. The platform expects a successful
``pay`` line for every intent it recorded as paid that day (``paid`` or later ``refunded``) and a
successful ``refund`` line for every refund it recorded that day. Each difference is one
:class:`Mismatch`:

- ``missing_at_provider``: the platform recorded it, the report does not show it;
- ``missing_on_platform``: the report shows a successful transaction for an order we do not know;
- ``state``: the report and the platform disagree on what happened (the gateway took money for an
  intent we hold as failed, expired, cancelled...; or it reports a failure for an intent we hold
  as paid; or a refund we did not record);
- ``amount``: both sides know it, with different amounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tinhso.payments.models import PaymentIntent
from tinhso.payments.providers import ReportRow
from tinhso.payments.vnpay import VN

SETTLED = (PaymentIntent.State.PAID, PaymentIntent.State.REFUNDED)


@dataclass(frozen=True)
class Mismatch:
    kind: str  # missing_at_provider | missing_on_platform | state | amount
    order_ref: str
    transaction: str  # pay | refund
    detail: str

    def line(self) -> str:
        return f"{self.kind}\t{self.transaction}\t{self.order_ref}\t{self.detail}"


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=VN)
    return start, start + dt.timedelta(days=1)


def reconcile(day: dt.date, rows: list[ReportRow], *, provider: str = "vnpay") -> list[Mismatch]:
    start, end = _bounds(day)
    intents = PaymentIntent.objects.filter(provider=provider)
    paid = {i.order_ref: i for i in intents.filter(paid_at__gte=start, paid_at__lt=end)}
    refunded = {i.order_ref: i for i in intents.filter(refunded_at__gte=start, refunded_at__lt=end)}
    mentioned = {row.order_ref for row in rows}
    known = {i.order_ref: i for i in intents.filter(order_ref__in=mentioned)}
    mismatches: list[Mismatch] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        intent = known.get(row.order_ref)
        seen.add((row.kind, row.order_ref))
        if not row.succeeded:
            if row.kind == "pay" and intent is not None and intent.state in SETTLED:
                mismatches.append(
                    Mismatch("state", row.order_ref, "pay", "cổng báo thất bại, nền tảng: đã thu")
                )
            continue
        if intent is None:
            mismatches.append(
                Mismatch(
                    "missing_on_platform",
                    row.order_ref,
                    row.kind,
                    f"cổng: {row.amount} đồng, giao dịch {row.transaction_no}",
                )
            )
            continue
        expected = SETTLED if row.kind == "pay" else (PaymentIntent.State.REFUNDED,)
        if intent.state not in expected:
            mismatches.append(
                Mismatch(
                    "state",
                    row.order_ref,
                    row.kind,
                    f"cổng: thành công, nền tảng: {intent.state}",
                )
            )
        elif row.amount != intent.amount:
            mismatches.append(
                Mismatch(
                    "amount",
                    row.order_ref,
                    row.kind,
                    f"cổng: {row.amount} đồng, nền tảng: {intent.amount} đồng",
                )
            )
    for kind, recorded in (("pay", paid), ("refund", refunded)):
        for order_ref, intent in sorted(recorded.items()):
            if (kind, order_ref) not in seen:
                mismatches.append(
                    Mismatch(
                        "missing_at_provider",
                        order_ref,
                        kind,
                        f"nền tảng: {intent.amount} đồng, trạng thái {intent.state}",
                    )
                )
    return mismatches
