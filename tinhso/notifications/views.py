"""Pages: the province's notification templates (provincial administrators) and each signed-in
person's channels. Thin: forms in, service calls, ``DomainError`` out as form errors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.identity.access import is_provincial_administrator
from tinhso.identity.models import User
from tinhso.lib.errors import DomainError
from tinhso.notifications import queries, services
from tinhso.notifications.forms import PreferencesForm, TemplateForm


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required has run; this narrows the type
        raise PermissionDenied
    return user


def _administrator(request: HttpRequest) -> User:
    user = _user(request)
    if not is_provincial_administrator(user):
        raise PermissionDenied
    return user


def _apply_errors(form: Any, error: DomainError) -> None:
    errors = error.extra.get("errors") or {}
    placed = False
    for field, message in errors.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.detail)


def _outcomes() -> dict[str, str]:
    """Confirmations shown after a redirect, chosen by a query parameter (not the session's
    messages: what the page says depends only on its address)."""
    return {"da-luu": _("Đã lưu mẫu thông báo."), "mac-dinh": _("Đã đặt lại mẫu mặc định.")}


def _back_to_editor(event: str, channel: str, outcome: str) -> HttpResponse:
    url = reverse("notifications:template_edit", kwargs={"event": event, "channel": channel})
    return redirect(f"{url}?ket-qua={outcome}")


@login_required
def templates(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    return render(request, "notifications/templates.html", {"rows": queries.template_table()})


def _detail_or_404(event: str, channel: str) -> dict[str, Any]:
    detail = queries.template_detail(event, channel)
    if detail is None:
        raise Http404
    return detail


def _preview(detail: dict[str, Any], subject: str, body: str) -> dict[str, str]:
    """The text rendered on the sample data, or the problem that prevents it."""
    errors = services.check_template(detail["event"], detail["channel"], subject=subject, body=body)
    if errors:
        return {"error": " ".join(errors.values()), "subject": "", "body": ""}
    text = services.render_text(subject if detail["has_subject"] else "", body, detail["sample"])
    return {"error": "", "subject": text.subject, "body": text.body}


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, event: str, channel: str) -> HttpResponse:
    user = _administrator(request)
    detail = _detail_or_404(event, channel)
    if request.method == "POST":
        form = TemplateForm(request.POST, has_subject=detail["has_subject"])
        preview = {"error": "", "subject": "", "body": ""}
        if form.is_valid():
            subject = form.cleaned_data.get("subject", "")
            body = form.cleaned_data["body"]
            if request.POST.get("action") == "preview":
                problems = services.check_template(event, channel, subject=subject, body=body)
                for field, message in problems.items():
                    form.add_error(field if field in form.fields else None, message)
                if not problems:
                    preview = _preview(detail, subject, body)
            else:
                try:
                    services.save_template(
                        actor=user,
                        event_code=event,
                        channel=channel,
                        subject=subject,
                        body=body,
                        is_active=form.cleaned_data["is_active"],
                        expected_version=form.cleaned_data["version"],
                    )
                except DomainError as error:
                    _apply_errors(form, error)
                else:
                    return _back_to_editor(event, channel, "da-luu")
        status = 422 if form.errors else 200
        if form.errors:
            preview["error"] = _("Sửa lỗi trong mẫu để xem trước.")
    else:
        form = TemplateForm(
            initial={
                "subject": detail["subject"],
                "body": detail["body"],
                "is_active": detail["is_active"],
                "version": detail["version"],
            },
            has_subject=detail["has_subject"],
        )
        preview = _preview(detail, detail["subject"], detail["body"])
        status = 200
    context = {
        "detail": detail,
        "form": form,
        "preview": preview,
        "outcome": _outcomes().get(request.GET.get("ket-qua", "")) if not form.is_bound else None,
        "preview_url": reverse(
            "notifications:template_preview", kwargs={"event": event, "channel": channel}
        ),
    }
    return render(request, "notifications/template_edit.html", context, status=status)


@login_required
@require_POST
def template_preview(request: HttpRequest, event: str, channel: str) -> JsonResponse:
    """The live preview of the editor (site JS); the page works without it."""
    _administrator(request)
    detail = _detail_or_404(event, channel)
    subject = request.POST.get("subject", "")[:255] if detail["has_subject"] else ""
    body = request.POST.get("body", "")[:5000]
    return JsonResponse(_preview(detail, subject, body))


@login_required
@require_POST
def template_reset(request: HttpRequest, event: str, channel: str) -> HttpResponse:
    user = _administrator(request)
    _detail_or_404(event, channel)
    services.reset_template(actor=user, event_code=event, channel=channel)
    return _back_to_editor(event, channel, "mac-dinh")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            chosen = set(form.cleaned_data["channels"])
            try:
                services.update_preferences(
                    actor=user,
                    email="email" in chosen,
                    sms="sms" in chosen,
                    sms_phone=form.cleaned_data["sms_phone"],
                    zalo="zalo" in chosen,
                    zalo_recipient=form.cleaned_data["zalo_recipient"],
                )
            except DomainError as error:
                _apply_errors(form, error)
            else:
                return redirect(reverse("notifications:preferences") + "?da-luu=1")
        status = 422
    else:
        current = services.preferences_for(user)
        form = PreferencesForm(
            initial={
                "channels": [
                    name
                    for name, chosen in (
                        ("email", current.email),
                        ("sms", current.sms),
                        ("zalo", current.zalo),
                    )
                    if chosen
                ],
                "sms_phone": current.sms_phone,
                "zalo_recipient": current.zalo_recipient,
            }
        )
        status = 200
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "account_email": user.email,
            "saved": services.preferences_for(user).saved,
            "just_saved": request.method == "GET" and request.GET.get("da-luu") == "1",
        },
        status=status,
    )
