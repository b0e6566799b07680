"""Citizen pages: the procedure search and a procedure's page (public), "Hồ sơ của tôi" and the
page of one's own dossier with the actions the citizen may take now (supplement, withdraw, rate,
pay). Views are thin: data from :mod:`tinhso.portal.citizen_queries`, changes through the
service functions, ``DomainError`` turned into form errors or messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.attachments.api import document_response
from tinhso.attachments.services import get_document_for, store_document
from tinhso.core.http import already_done, pdf_response, remember
from tinhso.dossiers import services as dossier_services
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.standard_forms import form_pdf
from tinhso.identity.models import User
from tinhso.lib.errors import DomainError, NotFound
from tinhso.payments.services import start_payment
from tinhso.portal import citizen_queries as queries
from tinhso.portal.citizen_forms import (
    MyDossiersFilterForm,
    PostalForm,
    ProcedureSearchForm,
    RateForm,
    SupplementForm,
    WithdrawForm,
    new_idempotency_key,
)
from tinhso.postal.models import PostalChoice
from tinhso.postal.queries import postal_summary
from tinhso.postal.services import CLOSED_STATUSES, choose_postal

PROCEDURES_PER_PAGE = 20
DOSSIERS_PER_PAGE = 20


# --- procedures (public) --------------------------------------------------------------------


def procedures(request: HttpRequest) -> HttpResponse:
    """Search by name (with or without diacritics) or code, filter by sector, implementing
    agency and online mode; GET only, so it works without JavaScript and can be bookmarked."""
    form = ProcedureSearchForm(
        request.GET or None,
        sectors=queries.sector_choices(),
        agencies=queries.implementing_agency_choices(),
    )
    searched = bool(request.GET)
    page = None
    rows: list[queries.ProcedureRow] = []
    if form.is_bound and not form.is_valid():
        searched = False
    else:
        data = form.cleaned_data if form.is_bound else {}
        versions = queries.find_procedures(
            data.get("q"),
            sector=data.get("linh_vuc"),
            agency=data.get("co_quan"),
            online_mode=data.get("truc_tuyen"),
        )
        page = Paginator(versions, PROCEDURES_PER_PAGE).get_page(request.GET.get("trang"))
        rows = [queries.procedure_row(version) for version in page.object_list]
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "portal/procedures/search.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "searched": searched,
            "query_string": query.urlencode(),
        },
    )


def submission_start_url(code: str) -> str | None:
    """The online submission wizard's first page, when the wizard is installed."""
    try:
        return reverse("portal:submission_start", args=[code])
    except NoReverseMatch:
        return None


def procedure(request: HttpRequest, code: str) -> HttpResponse:
    try:
        page = queries.procedure_page(code)
    except NotFound:
        raise Http404(code) from None
    if isinstance(page, queries.ClosedProcedure):
        return render(request, "portal/procedures/closed.html", {"procedure": page})
    start_url = submission_start_url(page.code) if page.accepts_online else None
    return render(
        request, "portal/procedures/detail.html", {"procedure": page, "start_url": start_url}
    )


# --- my dossiers (signed in, citizens and businesses) ---------------------------------------


def _applicant(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.kind not in (User.Kind.CITIZEN, User.Kind.BUSINESS):
        raise PermissionDenied
    return user


def _own(user: User, code: str) -> Dossier:
    try:
        return queries.own_dossier(user, code)
    except NotFound:
        raise Http404(code) from None


def _dossier_url(code: str) -> str:
    return reverse("portal:my_dossier", args=[code])


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    user = _applicant(request)
    counts = queries.my_status_counts(user)
    form = MyDossiersFilterForm(request.GET or None, counts=counts)
    status = ""
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["trang_thai"]
    page = Paginator(queries.my_dossiers(user, status=status or None), DOSSIERS_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "portal/my_dossiers/list.html",
        {
            "form": form,
            "page": page,
            "rows": queries.dossier_rows(page.object_list, timezone.now()),
            "total": sum(counts.values()),
            "status": status,
            "query_string": query.urlencode(),
        },
    )


@login_required
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    user = _applicant(request)
    dossier = _own(user, code)
    actions = set(dossier_services.allowed_actions(user, dossier))
    can_pay = dossier.status == Status.AWAITING_PAYMENT and dossier.fee_total > 0
    return render(
        request,
        "portal/my_dossiers/detail.html",
        {
            "dossier": queries.dossier_page(dossier, user, timezone.now()),
            "actions": actions,
            "can_pay": can_pay,
            "postal": postal_summary(dossier),
            "may_choose_post": dossier.status not in CLOSED_STATUSES,
        },
    )


# --- downloads ------------------------------------------------------------------------------


def _problem(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if exc.status == 404:
        raise Http404(exc.detail)
    return render(
        request, "portal/my_dossiers/problem.html", {"detail": exc.detail}, status=exc.status
    )


@login_required
def my_dossier_document(request: HttpRequest, code: str, document_id: int) -> HttpResponse:
    """A component or result of one's own dossier, verified against its checksum (the same
    rule as ``GET /api/v1/dossiers/{code}/documents/{id}``)."""
    user = _applicant(request)
    dossier = _own(user, code)
    if not any(link.document_id == document_id for link in dossier.documents.all()):
        raise Http404(document_id)
    try:
        return document_response(get_document_for(user, document_id, allow_staff=True))
    except DomainError as exc:
        return _problem(request, exc)


@login_required
def my_dossier_form(request: HttpRequest, code: str, form_id: int) -> HttpResponse:
    """A standard form issued for one's own dossier (receipt, supplement request…) as PDF."""
    user = _applicant(request)
    dossier = _own(user, code)
    form = next((f for f in dossier.forms.all() if f.pk == form_id), None)
    if form is None:
        raise Http404(form_id)
    try:
        content = form_pdf(form)
    except DomainError as exc:
        return _problem(request, exc)
    return pdf_response(content, f"{dossier.code}-{form.kind}.pdf")


# --- actions --------------------------------------------------------------------------------


def _posted_key(request: HttpRequest) -> str:
    return (request.POST.get("idempotency_key") or "").strip()[:64]


def _repeat(request: HttpRequest, code: str) -> HttpResponseRedirect:
    messages.info(request, _("Yêu cầu này đã được gửi trước đó; hồ sơ không thay đổi thêm."))
    return redirect(_dossier_url(code))


def _not_allowed(request: HttpRequest, dossier: Dossier, what: str) -> HttpResponseRedirect:
    messages.error(
        request,
        _("Hồ sơ %(code)s đang ở trạng thái «%(status)s»: không thể %(what)s lúc này.")
        % {"code": dossier.code, "status": queries.status_label(dossier.status), "what": what},
    )
    return redirect(_dossier_url(dossier.code))


def _apply_errors(form: Any, exc: DomainError, field_for: Callable[[str], str | None]) -> None:
    """Put the service's per-field errors next to the fields they name, the rest on top."""
    placed = False
    errors = exc.extra.get("errors") or {}
    for key in errors:
        name = field_for(str(key))
        if name and name in form.fields:
            form.add_error(name, exc.detail if len(errors) == 1 else str(errors[key]))
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


@login_required
def my_dossier_supplement(request: HttpRequest, code: str) -> HttpResponse:
    """Provide the requested supplement. Every file is put in the citizen's document store as
    soon as it arrives; when something else fails the stored documents are kept (their ids in
    hidden fields) so nothing is uploaded twice."""
    user = _applicant(request)
    dossier = _own(user, code)
    if request.method == "POST" and already_done(request, _posted_key(request)):
        return _repeat(request, dossier.code)
    if "supplement" not in dossier_services.allowed_actions(user, dossier):
        return _not_allowed(request, dossier, _("nộp bổ sung"))
    page = queries.dossier_page(dossier, user, timezone.now())
    form = SupplementForm(
        request.POST or None,
        request.FILES or None,
        components=page.components,
        stored=queries.stored_document_choices(user),
        initial={"idempotency_key": new_idempotency_key()},
    )
    kept: dict[str, list[Any]] = {}
    if request.method == "POST":
        kept = _kept_documents(request, user, form)
        if form.is_valid():
            _store_uploads(form, user, dossier, kept)
            chosen = _chosen_documents(form, kept)
            # A procedure without components can only be supplemented with a note.
            if not form.errors and form.component_fields and not any(chosen.values()):
                first = form.component_fields[0][0]
                form.add_error(first, _("Chọn ít nhất một tệp giấy tờ để nộp bổ sung."))
            if not form.errors:
                try:
                    dossier_services.provide_supplement(
                        actor=user,
                        dossier=dossier,
                        note=form.cleaned_data["note"],
                        components={code: ids for code, ids in chosen.items() if ids},
                    )
                except DomainError as exc:
                    _apply_errors(
                        form,
                        exc,
                        lambda key: form.field_for_component(key.removeprefix("components.")),
                    )
                else:
                    remember(request, _posted_key(request))
                    messages.success(
                        request,
                        _("Đã nộp bổ sung hồ sơ %(code)s. Cơ quan giải quyết sẽ tiếp tục xử lý.")
                        % {"code": dossier.code},
                    )
                    return redirect(_dossier_url(dossier.code))
    return render(
        request,
        "portal/my_dossiers/supplement.html",
        {
            "dossier": page,
            "form": form,
            "file_fields": [
                (
                    form[name],
                    form[reuse] if (reuse := form.reuse_field(name)) else None,
                    kept.get(code, []),
                )
                for name, code in form.component_fields
            ],
            "failed": form.is_bound and bool(form.errors),
        },
        status=422 if form.is_bound and form.errors else 200,
    )


def _kept_documents(request: HttpRequest, user: User, form: SupplementForm) -> dict[str, list[Any]]:
    """Documents stored by an earlier, failed submission of this form (``kept_<field>`` ids),
    re-checked through the document store's chokepoint; unknown ids are dropped."""
    kept: dict[str, list[Any]] = {}
    for name, code in form.component_fields:
        documents = []
        for raw in request.POST.getlist(f"kept_{name}")[:20]:
            try:
                documents.append(get_document_for(user, raw))
            except NotFound:
                continue
        kept[code] = documents
    return kept


def _chosen_documents(form: SupplementForm, kept: dict[str, list[Any]]) -> dict[str, list[int]]:
    """Per component: the documents uploaded now or earlier, and the one chosen from the store
    (checked again by the service through the document store's chokepoint)."""
    chosen: dict[str, list[int]] = {}
    for name, code in form.component_fields:
        ids = [document.pk for document in kept.get(code, [])]
        reuse = form.reuse_field(name)
        picked = form.cleaned_data.get(reuse) if reuse else None
        if picked and int(picked) not in ids:
            ids.append(int(picked))
        chosen[code] = ids
    return chosen


def _store_uploads(
    form: SupplementForm, user: User, dossier: Dossier, kept: dict[str, list[Any]]
) -> None:
    for name, code in form.component_fields:
        uploaded = form.cleaned_data.get(name)
        if not uploaded:
            continue
        try:
            document = store_document(
                actor=user,
                holder_id_number=dossier.applicant_id_number,
                uploaded=uploaded,
                title=str(form.fields[name].label or ""),
            )
        except DomainError as exc:
            form.add_error(name, exc.detail)
            continue
        documents = kept.setdefault(code, [])
        if all(d.pk != document.pk for d in documents):
            documents.append(document)


@login_required
def my_dossier_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Ask for confirmation (GET), then withdraw (POST)."""
    user = _applicant(request)
    dossier = _own(user, code)
    if request.method == "POST" and already_done(request, _posted_key(request)):
        return _repeat(request, dossier.code)
    if "withdraw" not in dossier_services.allowed_actions(user, dossier):
        return _not_allowed(request, dossier, _("rút hồ sơ"))
    form = WithdrawForm(request.POST or None, initial={"idempotency_key": new_idempotency_key()})
    if request.method == "POST" and form.is_valid():
        try:
            dossier_services.withdraw_dossier(
                actor=user, dossier=dossier, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            _apply_errors(form, exc, lambda key: "reason" if key == "reason" else None)
        else:
            remember(request, _posted_key(request))
            messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect(_dossier_url(dossier.code))
    return render(
        request,
        "portal/my_dossiers/withdraw.html",
        {"dossier": queries.dossier_page(dossier, user, timezone.now()), "form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
def my_dossier_postal(request: HttpRequest, code: str) -> HttpResponse:
    """Send the dossier and/or receive the result by public post, and where to deliver."""
    user = _applicant(request)
    dossier = _own(user, code)
    if request.method == "POST" and already_done(request, _posted_key(request)):
        return _repeat(request, dossier.code)
    if dossier.status in CLOSED_STATUSES:
        return _not_allowed(request, dossier, _("đăng ký bưu chính"))
    current = PostalChoice.objects.filter(dossier=dossier).first()
    initial: dict[str, Any] = {
        "idempotency_key": new_idempotency_key(),
        "recipient_name": current.recipient_name if current else dossier.applicant_name,
        "recipient_phone": current.recipient_phone if current else dossier.applicant_phone,
        "address": current.address if current else dossier.applicant_address,
        "submit_by_post": bool(current and current.submit_by_post),
        "receive_by_post": bool(current and current.receive_by_post),
    }
    form = PostalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            choose_postal(
                actor=user,
                dossier=dossier,
                submit_by_post=form.cleaned_data["submit_by_post"],
                receive_by_post=form.cleaned_data["receive_by_post"],
                recipient_name=form.cleaned_data["recipient_name"],
                recipient_phone=form.cleaned_data["recipient_phone"],
                address=form.cleaned_data["address"],
            )
        except DomainError as exc:
            errors = exc.extra.get("errors") or {}
            for key, message in errors.items():
                form.add_error(key if key in form.fields else None, str(message))
            if not errors:
                form.add_error(None, exc.detail)
        else:
            remember(request, _posted_key(request))
            messages.success(request, _("Đã lưu lựa chọn bưu chính của hồ sơ."))
            return redirect(_dossier_url(dossier.code))
    return render(
        request,
        "portal/my_dossiers/postal.html",
        {"dossier": queries.dossier_page(dossier, user, timezone.now()), "form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
def my_dossier_rate(request: HttpRequest, code: str) -> HttpResponse:
    user = _applicant(request)
    dossier = _own(user, code)
    if request.method == "POST" and already_done(request, _posted_key(request)):
        return _repeat(request, dossier.code)
    if "rate" not in dossier_services.allowed_actions(user, dossier):
        return _not_allowed(request, dossier, _("đánh giá"))
    form = RateForm(request.POST or None, initial={"idempotency_key": new_idempotency_key()})
    if request.method == "POST" and form.is_valid():
        try:
            dossier_services.rate_dossier(
                actor=user,
                dossier=dossier,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            _apply_errors(form, exc, lambda key: key if key in ("rating", "comment") else None)
        else:
            remember(request, _posted_key(request))
            messages.success(request, _("Cảm ơn bạn đã đánh giá. Ý kiến của bạn đã được ghi nhận."))
            return redirect(_dossier_url(dossier.code))
    return render(
        request,
        "portal/my_dossiers/rate.html",
        {"dossier": queries.dossier_page(dossier, user, timezone.now()), "form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
def my_dossier_pay(request: HttpRequest, code: str) -> HttpResponse:
    """Start the online payment of the fee asked for and send the browser to the gateway (POST).
    The payment service reuses an open payment of the same amount, so pressing twice is
    harmless. A GET (e.g. back from the sign-in page after the session expired) shows the
    dossier, where the button is."""
    user = _applicant(request)
    dossier = _own(user, code)
    if request.method != "POST":
        return redirect(_dossier_url(dossier.code))
    try:
        _intent, url = start_payment(actor=user, dossier=dossier)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(_dossier_url(dossier.code))
    return HttpResponseRedirect(url)
