"""The receipt (biên lai thu phí, lệ phí) of a payment confirmed by the gateway, as a PDF printed
with the platform's print engine (tinhso.printing: WeasyPrint, shipped Liberation Serif). It is
rendered from the intent each time (the output depends only on the data), so nothing is stored."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.template.loader import render_to_string

from tinhso.lib.errors import Conflict
from tinhso.payments.models import PaymentIntent
from tinhso.payments.words import amount_in_words
from tinhso.printing.rendering import html_to_pdf

GATEWAY_NAMES = {"vnpay": "Cổng thanh toán VNPay"}


def _fee_lines(intent: PaymentIntent) -> list[dict[str, Any]]:
    """The procedure's fee lines when they add up to what was paid; otherwise (the officer asked
    for another amount: a reduction, several sets...) one line for the whole amount."""
    dossier = intent.dossier
    lines: list[tuple[str, int]] = [
        (fee.description, fee.amount)
        for fee in dossier.procedure_version.fees.all().order_by("position")
    ]
    if not lines or sum(amount for _, amount in lines) != intent.amount:
        lines = [(f"Phí, lệ phí giải quyết hồ sơ {dossier.code}", intent.amount)]
    return [
        {"description": description, "amount": amount, "amount_text": money(amount)}
        for description, amount in lines
    ]


def receipt_data(intent: PaymentIntent) -> dict[str, Any]:
    if intent.state not in (PaymentIntent.State.PAID, PaymentIntent.State.REFUNDED):
        raise Conflict(
            f"Giao dịch {intent.order_ref} chưa được cổng thanh toán xác nhận; chưa có biên lai.",
            code="not_paid",
        )
    assert intent.paid_at is not None
    dossier = intent.dossier
    agency = dossier.agency
    return {
        "number": intent.order_ref,
        "agency_name": agency.name,
        "parent_agency_name": agency.parent.name if agency.parent else "",
        "payer_name": dossier.applicant_name,
        "payer_address": dossier.applicant_address,
        "payer_id_number": dossier.applicant_id_number,
        "dossier_code": dossier.code,
        "procedure_name": dossier.procedure_version.name,
        "lines": _fee_lines(intent),
        "amount": intent.amount,
        "amount_text": money(intent.amount),
        "amount_in_words": amount_in_words(intent.amount),
        "gateway": GATEWAY_NAMES.get(intent.provider, intent.provider),
        "transaction_no": intent.provider_transaction_no,
        "bank_code": str((intent.last_callback or {}).get("vnp_BankCode", "")),
        "paid_at": intent.paid_at,
        "refunded_at": intent.refunded_at,
    }


def receipt_pdf(intent: PaymentIntent) -> bytes:
    html = render_to_string("payments/receipt_pdf.html", {"receipt": receipt_data(intent)})
    return html_to_pdf(unicodedata.normalize("NFC", html))


def money(amount: int) -> str:
    """``200000`` → ``200.000`` (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")
