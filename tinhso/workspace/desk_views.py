"""The one-stop desk: in-person reception in three steps — the procedure, the applicant with the
e-form, then the components (paper ticks and scans) and the return — ending with the dossier
code and the receipt.

What the officer has entered so far is a *draft* kept in the session under a random key; the key
is also the idempotency key of the reception, so a double submission receives one dossier. Scans
go into the document store as soon as they arrive (under the applicant's ID number, which step 2
has validated), so a later error never loses a file."""

from __future__ import annotations

import secrets
from typing import Any, NoReturn

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tinhso.attachments.models import StoredDocument
from tinhso.attachments.services import store_or_find_document
from tinhso.catalog.services import validate_form_data
from tinhso.core.http import pdf_response
from tinhso.dossiers.models import ApplicantKind, Channel, ReturnMethod
from tinhso.dossiers.services import Applicant, receive_in_person
from tinhso.identity.models import User
from tinhso.lib import errors as domain
from tinhso.lib.errors import DomainError, InvalidInput
from tinhso.workspace import desk_queries as queries
from tinhso.workspace.desk_forms import (
    ApplicantForm,
    DocumentsForm,
    ProcedureSearchForm,
    StartForm,
)

SESSION_KEY = "workspace.desk_drafts"
MAX_DRAFTS = 20
KEY_PATTERN = r"[0-9a-f]{32}"


# --- who may use the desk ---------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.kind != User.Kind.STAFF:
        raise PermissionDenied
    return user


def _desk_officer(request: HttpRequest) -> tuple[User, list[queries.AgencyChoice]]:
    """The signed-in one-stop officer and the desks they serve; anyone else gets the 403 page."""
    user = _staff(request)
    agencies = queries.desk_agencies(user)
    if not agencies:
        raise PermissionDenied
    return user, agencies


# --- drafts -------------------------------------------------------------------------------------


def _drafts(request: HttpRequest) -> dict[str, dict[str, Any]]:
    drafts = request.session.get(SESSION_KEY)
    return drafts if isinstance(drafts, dict) else {}


def _save_draft(request: HttpRequest, key: str, draft: dict[str, Any]) -> None:
    drafts = _drafts(request)
    drafts[key] = draft
    if len(drafts) > MAX_DRAFTS:
        oldest = sorted(drafts, key=lambda k: drafts[k].get("started_at", ""))
        for stale in oldest[: len(drafts) - MAX_DRAFTS]:
            drafts.pop(stale, None)
    request.session[SESSION_KEY] = drafts


def _drop_draft(request: HttpRequest, key: str) -> None:
    drafts = _drafts(request)
    if drafts.pop(key, None) is not None:
        request.session[SESSION_KEY] = drafts


def _draft_or_redirect(
    request: HttpRequest, user: User, agencies: list[queries.AgencyChoice], key: str
) -> tuple[dict[str, Any] | None, HttpResponse | None]:
    """The draft, or where to go instead: the dossier it already became (a second submission),
    or back to the start when the draft has expired."""
    draft = _drafts(request).get(key)
    if draft is not None and draft.get("agency") in {a.code for a in agencies}:
        return draft, None
    code = queries.received_with_key(user, key)
    if code:
        return None, redirect("workspace:desk_received", code=code)
    messages.warning(request, _("Phiên tiếp nhận này đã hết hạn hoặc không còn; hãy bắt đầu lại."))
    return None, redirect("workspace:desk")


def _sheet_or_redirect(
    request: HttpRequest, key: str, draft: dict[str, Any]
) -> tuple[queries.ProcedureSheet | None, HttpResponse | None]:
    try:
        return queries.procedure_sheet(draft["procedure"], draft["agency"]), None
    except DomainError as exc:
        _drop_draft(request, key)
        messages.error(request, exc.detail)
        return None, redirect("workspace:desk")


def _dossier_url(code: str) -> str | None:
    try:
        return reverse("workspace:dossier", args=[code])
    except NoReverseMatch:
        return None


# --- step 1: find the procedure -------------------------------------------------------------


def _search_page(
    request: HttpRequest,
    agencies: list[queries.AgencyChoice],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    params = request.GET if "q" in request.GET or "agency" in request.GET else None
    form = ProcedureSearchForm(params, agencies=agencies, initial={"agency": agencies[0].code})
    results: list[queries.ProcedureEntry] = []
    total = 0
    searched = False
    agency = agencies[0]
    if params is not None and form.is_valid():
        chosen = form.cleaned_data.get("agency") or agencies[0].code
        agency = next(a for a in agencies if a.code == chosen)
        results, total = queries.find_procedures(form.cleaned_data.get("q") or "", agency.code)
        searched = True
    elif params is not None:
        status = 422
    return render(
        request,
        "workspace/desk/search.html",
        {
            "form": form,
            "agency": agency,
            "agencies": agencies,
            "results": results,
            "total": total,
            "shown": len(results),
            "searched": searched,
            "query": form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else "",
            "errors": errors or {},
            "failed": bool(errors) or (form.is_bound and not form.is_valid()),
            "step": 1,
        },
        status=status,
    )


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    _user, agencies = _desk_officer(request)
    return _search_page(request, agencies)


@login_required
@require_POST
def desk_start(request: HttpRequest) -> HttpResponse:
    """Open a draft for the chosen procedure at the chosen desk."""
    _user, agencies = _desk_officer(request)
    form = StartForm(request.POST, agencies=agencies)
    if not form.is_valid():
        return _search_page(
            request,
            agencies,
            errors={"q": _("Chưa chọn được thủ tục; hãy tìm và chọn lại.")},
            status=422,
        )
    try:
        sheet = queries.procedure_sheet(form.cleaned_data["procedure"], form.cleaned_data["agency"])
    except DomainError as exc:
        return _search_page(request, agencies, errors={"q": exc.detail}, status=422)
    key = secrets.token_hex(16)
    _save_draft(
        request,
        key,
        {
            "agency": sheet.agency_code,
            "procedure": sheet.code,
            "applicant": None,
            "eform_values": {},
            "form_data": {},
            "scans": {},
            "received": [],
            "return_method": ReturnMethod.DESK,
            "channel": Channel.DIRECT,
            "started_at": timezone.now().isoformat(),
        },
    )
    return redirect("workspace:desk_applicant", key=key)


# --- step 2: the applicant and the e-form ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def desk_applicant(request: HttpRequest, key: str) -> HttpResponse:
    user, agencies = _desk_officer(request)
    draft, elsewhere = _draft_or_redirect(request, user, agencies, key)
    if draft is None:
        assert elsewhere is not None
        return elsewhere
    sheet, elsewhere = _sheet_or_redirect(request, key, draft)
    if sheet is None:
        assert elsewhere is not None
        return elsewhere
    schema = {"form_schema": sheet.form_schema, "form_ui": sheet.form_ui}
    if request.method != "POST":
        initial = {**(draft.get("applicant") or {}), **(draft.get("eform_values") or {})}
        form = ApplicantForm(initial=initial or None, **schema)
        return _applicant_page(request, key, sheet, form)

    form = ApplicantForm(request.POST, **schema)
    form.is_valid()
    person: Applicant | None = None
    try:
        person = form.applicant().cleaned()
    except InvalidInput as exc:
        form.add_domain_errors(exc, keep_first=True)
    form_data = form.form_data()
    cleaned_form: dict[str, Any] | None = None
    if form_data is not None:
        try:
            cleaned_form = validate_form_data(sheet.version, form_data)
        except InvalidInput as exc:
            form.add_domain_errors(exc)
    if form.errors or person is None or cleaned_form is None:
        return _applicant_page(request, key, sheet, form, status=422)

    previous = draft.get("applicant") or {}
    if previous.get("id_number") and previous["id_number"] != person.id_number:
        if any(draft.get("scans", {}).values()):
            messages.warning(
                request,
                _(
                    "Số định danh người nộp đã đổi: các bản quét lưu cho số cũ đã được gỡ khỏi "
                    "hồ sơ này; hãy quét lại nếu cần."
                ),
            )
        draft["scans"] = {}
    draft["applicant"] = {
        "kind": person.kind,
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
    }
    draft["eform_values"] = form.typed_values()
    draft["form_data"] = cleaned_form
    _save_draft(request, key, draft)
    return redirect("workspace:desk_documents", key=key)


def _applicant_page(
    request: HttpRequest,
    key: str,
    sheet: queries.ProcedureSheet,
    form: ApplicantForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "workspace/desk/applicant.html",
        {"form": form, "sheet": sheet, "key": key, "step": 2, "failed": bool(form.errors)},
        status=status,
    )


# --- step 3: components, scans, return; receive -----------------------------------------------


def _scan_entries(draft: dict[str, Any]) -> dict[str, list[queries.ScanEntry]]:
    holder = (draft.get("applicant") or {}).get("id_number", "")
    return {
        code: queries.scans(ids, holder) for code, ids in (draft.get("scans") or {}).items() if ids
    }


def _documents_page(
    request: HttpRequest,
    key: str,
    sheet: queries.ProcedureSheet,
    draft: dict[str, Any],
    form: DocumentsForm,
    status: int = 200,
) -> HttpResponse:
    applicant = draft["applicant"]
    return render(
        request,
        "workspace/desk/documents.html",
        {
            "form": form,
            "rows": form.component_rows(),
            "sheet": sheet,
            "key": key,
            "step": 3,
            "applicant": applicant,
            "applicant_kind": queries.APPLICANT_KINDS[ApplicantKind(applicant["kind"])],
            "form_filled": bool(draft.get("form_data")),
            "failed": bool(form.errors),
        },
        status=status,
    )


def _initial_documents(draft: dict[str, Any], key: str, sheet: queries.ProcedureSheet) -> dict:
    received = set(draft.get("received") or [])
    initial: dict[str, Any] = {
        "idempotency_key": key,
        "return_method": draft.get("return_method") or ReturnMethod.DESK,
        "channel": draft.get("channel") or Channel.DIRECT,
    }
    for index, component in enumerate(sheet.components):
        initial[f"c{index}_received"] = component.code in received
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def desk_documents(request: HttpRequest, key: str) -> HttpResponse:
    user, agencies = _desk_officer(request)
    draft, elsewhere = _draft_or_redirect(request, user, agencies, key)
    if draft is None:
        assert elsewhere is not None
        return elsewhere
    if not draft.get("applicant"):
        return redirect("workspace:desk_applicant", key=key)
    sheet, elsewhere = _sheet_or_redirect(request, key, draft)
    if sheet is None:
        assert elsewhere is not None
        return elsewhere
    if request.method != "POST":
        form = DocumentsForm(
            initial=_initial_documents(draft, key, sheet),
            components=sheet.components,
            scans=_scan_entries(draft),
        )
        return _documents_page(request, key, sheet, draft, form)
    return _receive(request, user, key, sheet, draft)


def _receive(
    request: HttpRequest,
    user: User,
    key: str,
    sheet: queries.ProcedureSheet,
    draft: dict[str, Any],
) -> HttpResponse:
    form = DocumentsForm(
        request.POST, request.FILES, components=sheet.components, scans=_scan_entries(draft)
    )
    form.is_valid()
    problems: list[tuple[str | None, str]] = []
    if request.POST.get("idempotency_key") != key:
        problems.append((None, _("Biểu mẫu không thuộc phiên tiếp nhận này; hãy tải lại trang.")))
    holder = draft["applicant"]["id_number"]
    previous: dict[str, list[int]] = draft.get("scans") or {}
    scans: dict[str, list[int]] = {}
    stored = 0
    for index, component in enumerate(sheet.components):
        before = previous.get(component.code) or []
        if f"c{index}_keep" in form.fields:
            wanted = set(request.POST.getlist(f"c{index}_keep"))
            kept = [pk for pk in before if str(pk) in wanted]
        else:
            kept = list(before)
        for upload in form.cleaned_data.get(f"c{index}_scan") or []:
            try:
                document, _created = store_or_find_document(
                    actor=user,
                    holder_id_number=holder,
                    uploaded=upload,
                    title=component.name[:300],
                    source=StoredDocument.Source.DESK_SCAN,
                )
            except DomainError as exc:
                problems.append((f"c{index}_scan", f"{upload.name}: {exc.detail}"))
                continue
            if document.pk not in kept:
                kept.append(document.pk)
                stored += 1
        if kept:
            scans[component.code] = kept
    draft["scans"] = scans
    draft["received"] = [
        component.code
        for index, component in enumerate(sheet.components)
        if form.cleaned_data.get(f"c{index}_received")
    ]
    if "return_method" in form.cleaned_data:
        draft["return_method"] = form.cleaned_data["return_method"]
    if "channel" in form.cleaned_data:
        draft["channel"] = form.cleaned_data["channel"]
    _save_draft(request, key, draft)

    failure: DomainError | None = None
    if not problems and not form.errors:
        if request.POST.get("action") != "receive":
            messages.success(
                request,
                _("Đã lưu %(count)s bản quét mới; hồ sơ chưa được tiếp nhận.") % {"count": stored},
            )
            return redirect("workspace:desk_documents", key=key)
        try:
            dossier = receive_in_person(
                actor=user,
                agency_code=draft["agency"],
                procedure_code=draft["procedure"],
                applicant=Applicant(**draft["applicant"]),
                form_data=draft.get("form_data") or {},
                components_checked=draft["received"],
                return_method=draft["return_method"],
                channel=int(draft["channel"]),
                documents=scans,
                idempotency_key=key,
            )
        except domain.PermissionDenied as exc:
            raise PermissionDenied(exc.detail) from exc
        except DomainError as exc:
            failure = exc
        else:
            _drop_draft(request, key)
            return redirect("workspace:desk_received", code=dossier.code)

    # Show the page again with what was typed and every scan kept so far.
    data = request.POST.copy()
    for index, component in enumerate(sheet.components):
        data.setlist(f"c{index}_keep", [str(pk) for pk in scans.get(component.code, [])])
    again = DocumentsForm(data, components=sheet.components, scans=_scan_entries(draft))
    again.is_valid()
    for name, message in problems:
        again.add_error(name, message)
    if failure is not None:
        again.add_domain_errors(failure)
    return _documents_page(request, key, sheet, draft, again, status=422)


# --- after the reception --------------------------------------------------------------------


@login_required
@require_GET
def desk_received(request: HttpRequest, code: str) -> HttpResponse:
    user = _staff(request)
    try:
        dossier = queries.confirmation(user, code)
    except domain.NotFound as exc:
        raise_not_found(exc)
    return render(
        request,
        "workspace/desk/received.html",
        {
            "dossier": dossier,
            "dossier_url": _dossier_url(dossier.code),
            "may_receive": bool(queries.desk_agencies(user)),
        },
    )


@login_required
@require_GET
def desk_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) as PDF, to print."""
    user = _staff(request)
    try:
        dossier_code, pdf = queries.receipt_pdf(user, code)
    except domain.NotFound as exc:
        raise_not_found(exc)
    return pdf_response(pdf, f"giay-tiep-nhan-{dossier_code}.pdf")


def raise_not_found(exc: DomainError) -> NoReturn:
    raise Http404(exc.detail) from exc
