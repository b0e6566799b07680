"""Pages of the payments app: where the browser lands back from the gateway, and the receipt.

The result page only reads: the gateway's signed return parameters say which order it was, the
intent's state (set by the IPN) says what happened. It never confirms a payment itself."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from tinhso.core.http import pdf_response
from tinhso.lib.errors import DomainError
from tinhso.payments import services
from tinhso.payments.access import get_intent_for
from tinhso.payments.receipts import money, receipt_pdf

#: What the applicant reads, by outcome (the intent's state, refined by the gateway's answer).
OUTCOMES = {
    "paid": "success",
    "pending": "info",
    "failed": "danger",
    "cancelled": "warning",
    "expired": "warning",
    "refunded": "neutral",
}
CUSTOMER_CANCELLED = "24"  # VNPay: the customer cancelled on the gateway's page


def _outcome(status: services.ReturnStatus) -> str:
    if status.state in ("paid", "failed", "expired", "refunded"):
        return status.state
    if status.state == "cancelled" or status.gateway_response_code == CUSTOMER_CANCELLED:
        return "cancelled"
    if status.gateway_response_code != "00":
        return "failed"
    return "pending"  # the gateway says paid, its IPN has not reached us yet


def _dossier_url(code: str) -> str | None:
    try:
        return reverse("portal:my_dossier", args=[code])
    except NoReverseMatch:
        return None


@require_GET
def result(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"error": None, "outcome": None}
    if not request.GET.get("vnp_SecureHash"):
        context["error"] = "Không có thông tin giao dịch từ cổng thanh toán."
        return render(request, "payments/result.html", context, status=400)
    try:
        status = services.handle_return(request.GET.dict())
    except DomainError as exc:
        context["error"] = exc.detail
        return render(request, "payments/result.html", context, status=exc.status)
    outcome = _outcome(status)
    context.update(
        outcome=outcome,
        tag=OUTCOMES[outcome],
        status=status,
        amount=money(status.amount),
        dossier_url=_dossier_url(status.dossier_code),
        receipt_url=reverse("payments:receipt", args=[status.order_ref])
        if outcome in ("paid", "refunded")
        else None,
    )
    return render(request, "payments/result.html", context)


@login_required
@require_GET
def receipt(request: HttpRequest, ref: str) -> HttpResponse:
    try:
        intent = get_intent_for(request.user, ref)
        content = receipt_pdf(intent)
    except DomainError as exc:
        return render(
            request,
            "payments/result.html",
            {"error": exc.detail, "outcome": None},
            status=exc.status,
        )
    return pdf_response(content, f"bien-lai-{intent.order_ref}.pdf")
