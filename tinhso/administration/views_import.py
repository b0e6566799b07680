"""Importing a JSON or XLSX export of the national procedure catalogue, in two steps: the file
is read and compared with the catalogue (the same dry run as ``tinhso catalog import
--dry-run``) and the differences are shown; only the confirmation applies them. The file is
kept between the two steps so it is uploaded once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tinhso.administration import idempotency
from tinhso.administration.access import provincial_administrator_required, signed_in_user
from tinhso.administration.forms import ImportForm
from tinhso.administration.models import PendingImport
from tinhso.administration.views import page
from tinhso.catalog.transfer import MAX_FILE_BYTES, import_catalog, parse_catalog
from tinhso.lib.errors import DomainError

FORMATS = {"json": "json", "xlsx": "xlsx"}
PENDING_LIFETIME = dt.timedelta(days=1)


def _options(request: HttpRequest) -> dict[str, Any]:
    text = request.POST.get("effective_from") or ""
    try:
        effective_from = dt.date.fromisoformat(text) if text else None
    except ValueError:
        effective_from = None
    return {
        "effective_from": effective_from,
        "publish": request.POST.get("publish") in ("on", "1", "true"),
        "retire_missing": request.POST.get("retire_missing") in ("on", "1", "true"),
    }


def _run(pending: PendingImport, user: Any, options: dict[str, Any], *, dry_run: bool) -> Any:
    items = parse_catalog(bytes(pending.content), pending.file_format)
    return import_catalog(items, actor=user, dry_run=dry_run, **options)


def _error_lines(error: DomainError) -> list[str]:
    errors = error.extra.get("errors")
    if isinstance(errors, list) and errors:
        return [str(line) for line in errors]
    if isinstance(errors, dict) and errors:
        return [f"{key}: {message}" for key, message in errors.items()]
    return [error.detail]


@provincial_administrator_required
@require_http_methods(["GET", "POST"])
def catalogue_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method != "POST":
        return page(request, "administration/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return page(request, "administration/import.html", {"form": form}, failed=True)
    upload = form.cleaned_data["file"]
    extension = (upload.name or "").rsplit(".", 1)[-1].lower()
    if extension not in FORMATS:
        form.add_error("file", _("Chỉ nhận tệp .json hoặc .xlsx."))
        return page(request, "administration/import.html", {"form": form}, failed=True)
    if upload.size > MAX_FILE_BYTES:
        form.add_error("file", _("Tệp quá lớn (tối đa 50 MB)."))
        return page(request, "administration/import.html", {"form": form}, failed=True)
    # Files uploaded but never confirmed are not kept beyond a day.
    PendingImport.objects.filter(created_at__lt=timezone.now() - PENDING_LIFETIME).delete()
    pending = PendingImport.objects.create(
        user=user,
        token=idempotency.new_key(),
        file_name=upload.name[:255],
        file_format=FORMATS[extension],
        content=upload.read(),
    )
    options = {
        "effective_from": form.cleaned_data["effective_from"],
        "publish": form.cleaned_data["publish"],
        "retire_missing": form.cleaned_data["retire_missing"],
    }
    try:
        report = _run(pending, user, options, dry_run=True)
    except DomainError as error:
        PendingImport.objects.filter(pk=pending.pk).delete()
        return page(
            request,
            "administration/import.html",
            {"form": form, "file_errors": _error_lines(error)},
            failed=True,
        )
    return page(
        request,
        "administration/import_report.html",
        {"pending": pending, "report": report, "options": options},
    )


@provincial_administrator_required
@require_http_methods(["POST"])
def catalogue_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    user = signed_in_user(request)
    pending = (
        PendingImport.objects.filter(user=user, token=token)
        .filter(created_at__gte=timezone.now() - PENDING_LIFETIME)
        .first()
    )
    done_url = idempotency.previous_result(user, token)
    if pending is None:
        if done_url is not None:
            return redirect(done_url)
        raise Http404
    options = _options(request)

    def apply() -> str:
        report = _run(pending, user, options, dry_run=False)
        PendingImport.objects.filter(pk=pending.pk).delete()
        messages.success(
            request,
            _(
                "Đã nhập danh mục: thêm %(added)s, thay đổi %(changed)s, giữ nguyên "
                "%(unchanged)s, ngừng tiếp nhận %(retired)s."
            )
            % report.counts(),
        )
        return reverse("administration:procedures")

    try:
        url, _done = idempotency.run_once(user, token, apply)
    except DomainError as error:
        return page(
            request,
            "administration/import.html",
            {"form": ImportForm(), "file_errors": _error_lines(error)},
            failed=True,
        )
    return redirect(url)
