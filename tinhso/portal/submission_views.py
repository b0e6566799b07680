"""Online submission, step by step (GOV.UK "one thing per page"): where to submit, who submits,
the e-form (one page per section), the documents, how to receive the result, check your
answers, submit. Every step saves into the draft (:mod:`tinhso.portal.drafts`); the dossier is
created only on the last step, by ``submit_dossier`` with the draft's idempotency key."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tinhso.catalog.models import ProcedureVersion
from tinhso.catalog.services import get_procedure, validate_form_data
from tinhso.dossiers.models import Dossier, ReturnMethod
from tinhso.identity.access import active_assignments
from tinhso.identity.models import Role, User
from tinhso.lib.errors import Conflict, DomainError, InvalidInput, NotFound
from tinhso.portal import drafts
from tinhso.portal.eforms import EForm, layout
from tinhso.portal.models import SubmissionDraft
from tinhso.portal.submission_forms import AgencyForm, ApplicantForm, ReturnMethodForm
from tinhso.portal.submission_queries import (
    components_of,
    document_choice,
    fees_of,
    my_dossier_url,
    receipt_of,
    store_documents,
)

Step = SubmissionDraft.Step
FROM_REVIEW = "kiem-tra"
PREVIEW_ROLES = {Role.AGENCY_ADMINISTRATOR, Role.PROVINCIAL_ADMINISTRATOR}


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required has run
        raise Http404
    return user


def _posted(request: HttpRequest) -> Any:
    """The POST data for a bound form (even when empty), None on GET."""
    return request.POST if request.method == "POST" else None


def _unavailable(
    request: HttpRequest, detail: str, status: int, procedure_code: str = ""
) -> HttpResponse:
    return render(
        request,
        "portal/submission/unavailable.html",
        {"detail": detail, "procedure_code": procedure_code},
        status=status,
    )


# --- the steps of one draft ------------------------------------------------------------------


@dataclass(frozen=True)
class StepLink:
    key: str
    group: str
    label: str
    url: str


def _steps(draft: SubmissionDraft, eform: EForm) -> list[StepLink]:
    reference = draft.reference
    links: list[StepLink] = []
    if len(drafts.implementing_agencies(draft.version)) > 1:
        links.append(
            StepLink(
                Step.AGENCY,
                Step.AGENCY,
                _("Nơi nộp hồ sơ"),
                reverse("portal:submission_agency", args=[reference]),
            )
        )
    links.append(
        StepLink(
            Step.APPLICANT,
            Step.APPLICANT,
            _("Người nộp"),
            reverse("portal:submission_applicant", args=[reference]),
        )
    )
    for page in eform.pages:
        links.append(
            StepLink(
                f"form:{page.number}",
                Step.FORM,
                page.title,
                reverse("portal:submission_form", args=[reference, page.number]),
            )
        )
    if draft.version.components.exists():
        links.append(
            StepLink(
                Step.DOCUMENTS,
                Step.DOCUMENTS,
                _("Giấy tờ"),
                reverse("portal:submission_documents", args=[reference]),
            )
        )
    links.append(
        StepLink(
            Step.RETURN_METHOD,
            Step.RETURN_METHOD,
            _("Nhận kết quả"),
            reverse("portal:submission_return", args=[reference]),
        )
    )
    links.append(
        StepLink(
            Step.REVIEW,
            Step.REVIEW,
            _("Kiểm tra và nộp"),
            reverse("portal:submission_review", args=[reference]),
        )
    )
    return links


GROUP_LABELS = {
    Step.AGENCY: gettext_lazy("Nơi nộp"),
    Step.APPLICANT: gettext_lazy("Người nộp"),
    Step.FORM: gettext_lazy("Tờ khai"),
    Step.DOCUMENTS: gettext_lazy("Giấy tờ"),
    Step.RETURN_METHOD: gettext_lazy("Nhận kết quả"),
    Step.REVIEW: gettext_lazy("Kiểm tra và nộp"),
}


def _indicator(links: list[StepLink], current: str) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    current_group = next((link.group for link in links if link.key == current), "")
    for link in links:
        if groups and groups[-1]["group"] == link.group:
            continue
        groups.append(
            {
                "group": link.group,
                "label": str(GROUP_LABELS[Step(link.group)]),
                "current": link.group == current_group,
                "number": len(groups) + 1,
            }
        )
    return groups


class StepContext:
    """What every step page needs: the draft, its e-form, the step list and navigation."""

    def __init__(self, request: HttpRequest, draft: SubmissionDraft, key: str) -> None:
        self.request = request
        self.draft = draft
        self.eform = EForm(draft.version.form_schema, draft.version.form_ui)
        self.links = _steps(draft, self.eform)
        self.key = key
        keys = [link.key for link in self.links]
        # A page that is not one of this draft's steps (the agency page when there is only one
        # agency) sits before the first step.
        self.index = keys.index(key) if key in keys else -1
        self.from_review = request.GET.get("tu") == FROM_REVIEW or (
            request.POST.get("tu") == FROM_REVIEW
        )

    @property
    def back_url(self) -> str:
        if self.from_review:
            return self.review_url
        if self.index <= 0:
            return reverse("portal:submission_start", args=[self.draft.procedure_code])
        return self.links[self.index - 1].url

    @property
    def next_url(self) -> str:
        if self.from_review:
            return self.review_url
        return self.links[min(self.index + 1, len(self.links) - 1)].url

    @property
    def review_url(self) -> str:
        return reverse("portal:submission_review", args=[self.draft.reference])

    def advance(self) -> HttpResponse:
        """After a successful save: remember progress, go on (or back to the review)."""
        if not self.from_review and self.index + 1 < len(self.links):
            drafts.reach_step(
                self.draft, self.links[self.index + 1].key, [link.key for link in self.links]
            )
        return redirect(self.next_url)

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "draft": self.draft,
            "version": self.draft.version,
            "steps": _indicator(self.links, self.key),
            "back_url": self.back_url,
            "from_review": self.from_review,
            "from_review_value": FROM_REVIEW,
            **extra,
        }


def _load(request: HttpRequest, reference: Any, key: str) -> StepContext | HttpResponse:
    """The user's open draft (404 for another's), moved onto the version in force now; a
    submitted one sends to its confirmation."""
    user = _user(request)
    try:
        draft = drafts.get_draft_for(user, reference)
    except NotFound:
        raise Http404 from None
    if draft.dossier_id is not None and draft.dossier is not None:
        return redirect("portal:submission_done", draft.dossier.code)
    try:
        if drafts.refresh_version(draft):
            messages.info(
                request,
                _(
                    "Thủ tục vừa được cập nhật phiên bản mới; thông tin bạn đã khai được giữ "
                    "lại, vui lòng kiểm tra lại từng bước."
                ),
            )
    except DomainError as exc:
        return _unavailable(request, exc.detail, exc.status, draft.procedure_code)
    return StepContext(request, draft, key)


def resume_url(draft: SubmissionDraft) -> str:
    eform = EForm(draft.version.form_schema, draft.version.form_ui)
    links = _steps(draft, eform)
    return next((link.url for link in links if link.key == draft.current_step), links[0].url)


# --- start ----------------------------------------------------------------------------------


@login_required
def start(request: HttpRequest, procedure_code: str) -> HttpResponse:
    """What the procedure asks for and a button that starts (or resumes) the draft."""
    user = _user(request)
    try:
        procedure = get_procedure(procedure_code)
    except NotFound as exc:
        return _unavailable(request, exc.detail, 404, procedure_code)
    try:
        drafts.check_applicant_account(user)
    except DomainError as exc:
        return _unavailable(request, exc.detail, exc.status, procedure.code)
    existing = drafts.open_draft_for(user, procedure.code)
    if request.method == "POST":
        if request.POST.get("action") == "restart" and existing is not None:
            drafts.discard_draft(existing, actor=user)
        try:
            draft, _created = drafts.start_draft(actor=user, procedure_code=procedure.code)
        except DomainError as exc:
            return _unavailable(request, exc.detail, exc.status, procedure.code)
        return redirect(resume_url(draft))
    try:
        version = drafts.submittable_version(procedure.code)
    except DomainError as exc:
        return _unavailable(request, exc.detail, exc.status, procedure.code)
    eform = EForm(version.form_schema, version.form_ui)
    return render(
        request,
        "portal/submission/start.html",
        {
            "version": version,
            "procedure": procedure,
            "existing": existing,
            "components": components_of(version),
            "fees": fees_of(version),
            "form_pages": eform.pages,
            "agencies": drafts.implementing_agencies(version),
        },
    )


@login_required
def draft_list(request: HttpRequest) -> HttpResponse:
    """The account's drafts: "Tiếp tục hồ sơ đang soạn"."""
    user = _user(request)
    items = [
        {"draft": draft, "url": resume_url(draft)}
        for draft in drafts.open_drafts_of(user).select_related("version", "agency")
    ]
    return render(request, "portal/submission/drafts.html", {"items": items})


@login_required
@require_POST
def discard(request: HttpRequest, reference: Any) -> HttpResponse:
    user = _user(request)
    try:
        draft = drafts.get_draft_for(user, reference)
        drafts.discard_draft(draft, actor=user)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("portal:submission_drafts")
    messages.success(request, _("Đã huỷ hồ sơ đang soạn. Giấy tờ đã tải lên vẫn còn trong kho."))
    return redirect("portal:submission_drafts")


# --- step: where --------------------------------------------------------------------------------


@login_required
def agency_step(request: HttpRequest, reference: Any) -> HttpResponse:
    loaded = _load(request, reference, Step.AGENCY)
    if isinstance(loaded, HttpResponse):
        return loaded
    draft = loaded.draft
    agencies = drafts.implementing_agencies(draft.version)
    initial = {"agency": draft.agency.code if draft.agency else ""}
    form = AgencyForm(_posted(request), agencies=agencies, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                drafts.save_agency(draft, form.cleaned_data["agency"])
                return loaded.advance()
            except InvalidInput as exc:
                form.add_domain_errors(exc.extra.get("errors", {}), exc.detail)
        status = 422
    return render(
        request, "portal/submission/agency.html", loaded.context(form=form), status=status
    )


# --- step: who ----------------------------------------------------------------------------------


@login_required
def applicant_step(request: HttpRequest, reference: Any) -> HttpResponse:
    loaded = _load(request, reference, Step.APPLICANT)
    if isinstance(loaded, HttpResponse):
        return loaded
    draft = loaded.draft
    applicant = drafts.applicant_of(draft)
    form = ApplicantForm(
        _posted(request),
        initial={"phone": applicant.phone, "email": applicant.email, "address": applicant.address},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                drafts.save_applicant(
                    draft,
                    drafts.Contact(
                        form.cleaned_data["phone"],
                        form.cleaned_data["email"],
                        form.cleaned_data["address"],
                    ),
                )
                return loaded.advance()
            except InvalidInput as exc:
                form.add_domain_errors(exc.extra.get("errors", {}), exc.detail)
        status = 422
    return render(
        request,
        "portal/submission/applicant.html",
        loaded.context(form=form, applicant=applicant),
        status=status,
    )


# --- step: the e-form ------------------------------------------------------------------------


@login_required
def form_step(request: HttpRequest, reference: Any, page: int) -> HttpResponse:
    loaded = _load(request, reference, f"form:{page}")
    if isinstance(loaded, HttpResponse):
        return loaded
    draft = loaded.draft
    eform = loaded.eform
    current = eform.page(page)
    if current is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = eform.form_for(current, data=request.POST)
        form.is_valid()  # parses what can be parsed; the schema has the last word
        page_values = eform.page_data(current, form.cleaned_data)
        merged = eform.merged(current, draft.form_data, page_values)
        try:
            validate_form_data(draft.version, merged)
        except InvalidInput as exc:
            eform.add_errors(form, exc.extra.get("errors", {}), current)
        if not form.errors:
            drafts.save_form_data(draft, merged)
            return loaded.advance()
        status = 422
    else:
        form = eform.form_for(current, values=draft.form_data)
    items = current.items[0].items if current.is_single_group else current.items  # type: ignore[union-attr]
    return render(
        request,
        "portal/submission/form.html",
        loaded.context(
            form=form,
            page=current,
            page_count=len(eform.pages),
            nodes=layout(form, items),
        ),
        status=status,
    )


# --- step: documents ---------------------------------------------------------------------------


def _component_rows(
    draft: SubmissionDraft, user: User, errors: dict[str, str]
) -> list[dict[str, Any]]:
    chosen_all = {pk for ids in draft.documents.values() for pk in ids}
    store = store_documents(user, chosen_all)
    rows = []
    for index, component in enumerate(components_of(draft.version)):
        chosen = set(draft.documents.get(component.code, []))
        rows.append(
            {
                "index": index,
                "component": component,
                "chosen": [document for document in store if document.id in chosen],
                "others": [document for document in store if document.id not in chosen],
                "error": errors.get(f"component-{index}-file"),
                "upload_url": reverse("portal:submission_upload", args=[draft.reference]),
            }
        )
    return rows


@login_required
def documents_step(request: HttpRequest, reference: Any) -> HttpResponse:
    loaded = _load(request, reference, Step.DOCUMENTS)
    if isinstance(loaded, HttpResponse):
        return loaded
    draft = loaded.draft
    user = _user(request)
    components = components_of(draft.version)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        chosen: dict[str, list[int]] = {}
        statuses: list[int] = []
        for index, component in enumerate(components):
            ids = []
            for value in request.POST.getlist(f"component-{index}-documents"):
                if value.isdigit():
                    ids.append(int(value))
            chosen[component.code] = ids
        try:
            drafts.choose_documents(draft, actor=user, chosen=chosen)
        except InvalidInput as exc:
            for code, message in exc.extra.get("errors", {}).items():
                index = next((i for i, c in enumerate(components) if c.code == code), 0)
                errors[f"component-{index}-file"] = message
            statuses.append(422)
        for index, component in enumerate(components):
            uploaded = request.FILES.get(f"component-{index}-file")
            if uploaded is None:
                continue
            try:
                drafts.upload_document(
                    draft, actor=user, component_code=component.code, uploaded=uploaded
                )
            except DomainError as exc:
                errors[f"component-{index}-file"] = exc.detail
                statuses.append(exc.status)
        for index, component in enumerate(components):
            key = f"component-{index}-file"
            if component in drafts.missing_components(draft) and key not in errors:
                errors[key] = _(
                    "Chưa có «%(name)s»: tải tệp lên hoặc chọn giấy tờ đã có trong kho."
                ) % {"name": component.name}
                statuses.append(422)
        if not errors:
            return loaded.advance()
        status = 413 if 413 in statuses else 415 if 415 in statuses else 422
    return render(
        request,
        "portal/submission/documents.html",
        loaded.context(rows=_component_rows(draft, user, errors), errors=errors),
        status=status,
    )


@login_required
@require_POST
def upload(request: HttpRequest, reference: Any) -> HttpResponse:
    """The upload of one file by ``upload.js`` (XMLHttpRequest with a progress bar): JSON."""
    user = _user(request)
    try:
        draft = drafts.get_draft_for(user, reference)
    except NotFound:
        raise Http404 from None
    components = components_of(draft.version)
    index = request.POST.get("component", "")
    uploaded = request.FILES.get("file")
    if not index.isdigit() or int(index) >= len(components):
        return JsonResponse({"detail": _("Thủ tục không có thành phần hồ sơ này.")}, status=404)
    if uploaded is None:
        return JsonResponse({"detail": _("Chọn một tệp để tải lên.")}, status=422)
    try:
        document, created = drafts.upload_document(
            draft, actor=user, component_code=components[int(index)].code, uploaded=uploaded
        )
    except DomainError as exc:
        return JsonResponse({"detail": exc.detail, "code": exc.code}, status=exc.status)
    choice = document_choice(document)
    return JsonResponse(
        {
            "id": choice.id,
            "title": choice.title,
            "original_name": choice.original_name,
            "size_label": choice.size_label,
            "url": choice.url,
            "created": created,
        },
        status=201 if created else 200,
    )


# --- step: return method -----------------------------------------------------------------------


@login_required
def return_step(request: HttpRequest, reference: Any) -> HttpResponse:
    loaded = _load(request, reference, Step.RETURN_METHOD)
    if isinstance(loaded, HttpResponse):
        return loaded
    draft = loaded.draft
    form = ReturnMethodForm(
        _posted(request),
        initial={
            "return_method": draft.return_method,
            "address": (draft.applicant or {}).get("address", ""),
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                drafts.save_return_method(
                    draft, form.cleaned_data["return_method"], form.cleaned_data["address"]
                )
                return loaded.advance()
            except InvalidInput as exc:
                form.add_domain_errors(exc.extra.get("errors", {}), exc.detail)
        status = 422
    return render(
        request, "portal/submission/return_method.html", loaded.context(form=form), status=status
    )


# --- check your answers and submit ----------------------------------------------------------


def _problems(loaded: StepContext) -> list[dict[str, str]]:
    """Everything that would stop the submission, each with the page that fixes it."""
    draft = loaded.draft
    urls = {link.key: link.url for link in loaded.links}
    back = f"?tu={FROM_REVIEW}"
    problems: list[dict[str, str]] = []
    if draft.agency is None:
        agency_url = urls.get(Step.AGENCY)
        problems.append(
            {
                "message": _("Chưa chọn nơi nộp hồ sơ."),
                "url": agency_url + back if agency_url else "",
            }
        )
    try:
        drafts.applicant_of(draft).cleaned()
    except InvalidInput as exc:
        problems.append({"message": exc.detail, "url": urls[Step.APPLICANT] + back})
    try:
        validate_form_data(draft.version, draft.form_data)
    except InvalidInput as exc:
        for key, message in exc.extra.get("errors", {"form": exc.detail}).items():
            path = key.removeprefix("form").lstrip(".")
            page = loaded.eform.page_of(path) if path else None
            target = loaded.eform.field_for(path) if path else None
            url = urls.get(f"form:{page.number}", "") if page else ""
            anchor = f"#id_{target.name}" if target else ""
            problems.append({"message": message, "url": (url + back + anchor) if url else ""})
    for component in drafts.missing_components(draft):
        problems.append(
            {
                "message": _("Chưa có «%(name)s».") % {"name": component.name},
                "url": urls[Step.DOCUMENTS] + back,
            }
        )
    if not draft.return_method:
        problems.append(
            {"message": _("Chưa chọn cách nhận kết quả."), "url": urls[Step.RETURN_METHOD] + back}
        )
    return problems


def _review_context(loaded: StepContext, user: User) -> dict[str, Any]:
    draft = loaded.draft
    urls = {link.key: link.url for link in loaded.links}
    applicant = drafts.applicant_of(draft)
    form_sections = [
        {
            "title": page.title,
            "url": urls[f"form:{page.number}"],
            "rows": loaded.eform.answers(page, draft.form_data),
        }
        for page in loaded.eform.pages
    ]
    documents = {choice.id: choice for choice in store_documents(user, set())}
    missing_ids = {pk for ids in draft.documents.values() for pk in ids} - set(documents)
    if missing_ids:
        documents.update(
            {c.id: c for c in store_documents(user, missing_ids) if c.id in missing_ids}
        )
    component_rows = [
        {
            "component": component,
            "documents": [
                documents[pk] for pk in draft.documents.get(component.code, []) if pk in documents
            ],
        }
        for component in components_of(draft.version)
    ]
    return loaded.context(
        applicant=applicant,
        urls=urls,
        form_sections=form_sections,
        component_rows=component_rows,
        return_label=ReturnMethod(draft.return_method).label if draft.return_method else "",
        from_review_value=FROM_REVIEW,
        has_agency_step=Step.AGENCY in urls,
    )


@login_required
def review_step(request: HttpRequest, reference: Any) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        try:
            draft = drafts.get_draft_for(user, reference)
        except NotFound:
            raise Http404 from None
        if draft.dossier_id is not None and draft.dossier is not None:
            # A second click, or the page sent again: the same dossier, never a second one.
            return redirect("portal:submission_done", draft.dossier.code)
    loaded = _load(request, reference, Step.REVIEW)
    if isinstance(loaded, HttpResponse):
        return loaded
    draft = loaded.draft
    status = 200
    problems = _problems(loaded)
    if request.method == "POST":
        if request.POST.get("idempotency_key") != draft.idempotency_key:
            messages.error(request, _("Trang đã cũ; vui lòng kiểm tra lại rồi nộp."))
            return redirect("portal:submission_review", draft.reference)
        if not problems:
            try:
                dossier, _created = drafts.submit_draft(draft, actor=user)
            except InvalidInput as exc:
                problems = [
                    {"message": message, "url": ""}
                    for message in exc.extra.get("errors", {}).values()
                ] or [{"message": exc.detail, "url": ""}]
            except (Conflict, NotFound) as exc:
                return _unavailable(request, exc.detail, exc.status, draft.procedure_code)
            except DomainError as exc:
                problems = [{"message": exc.detail, "url": ""}]
            else:
                return redirect("portal:submission_done", dossier.code)
        status = 422
    drafts.reach_step(draft, Step.REVIEW, [link.key for link in loaded.links])
    return render(
        request,
        "portal/submission/review.html",
        {**_review_context(loaded, user), "problems": problems},
        status=status,
    )


@login_required
def done(request: HttpRequest, dossier_code: str) -> HttpResponse:
    """The confirmation: the dossier code and what happens next. The applicant's own dossiers
    only (anyone else: 404)."""
    user = _user(request)
    dossier = (
        Dossier.objects.filter(code=dossier_code.strip().upper(), applicant=user)
        .select_related("agency", "procedure_version__procedure")
        .first()
    )
    if dossier is None:
        raise Http404
    receipt = receipt_of(dossier)
    return render(
        request,
        "portal/submission/done.html",
        {
            "dossier": dossier,
            "return_label": ReturnMethod(dossier.return_method).label,
            "receipt_url": (
                f"/api/v1/dossiers/{dossier.code}/forms/{receipt.pk}.pdf" if receipt else None
            ),
            "dossier_url": my_dossier_url(dossier.code),
            "lookup_url": reverse("portal:lookup") + f"?ma={dossier.code}",
        },
    )


# --- the administrators' preview ------------------------------------------------------------


def _may_preview(user: Any) -> bool:
    if not isinstance(user, User) or user.kind != User.Kind.STAFF:
        return False
    return user.is_superuser or any(a.role in PREVIEW_ROLES for a in active_assignments(user))


@login_required
def eform_preview(request: HttpRequest, procedure_code: str, version_number: int) -> HttpResponse:
    """Any version's e-form (drafts included) as citizens will see it; posting validates with
    the server's rules and shows the messages. Nothing is ever stored."""
    if not _may_preview(request.user):
        raise Http404
    version = (
        ProcedureVersion.objects.filter(
            procedure__code=procedure_code.strip().upper(), number=version_number
        )
        .select_related("procedure")
        .first()
    )
    if version is None:
        raise Http404
    eform = EForm(version.form_schema, version.form_ui)
    whole = eform.whole()
    status = 200
    cleaned: dict[str, Any] | None = None
    if request.method == "POST":
        form = eform.form_for(whole, data=request.POST)
        form.is_valid()
        data = eform.page_data(whole, form.cleaned_data)
        try:
            cleaned = validate_form_data(version, data)
        except InvalidInput as exc:
            eform.add_errors(form, exc.extra.get("errors", {}), whole)
        if form.errors:
            cleaned = None
            status = 422
    else:
        form = eform.form_for(whole)
    sections = [
        {
            "page": page,
            "nodes": layout(
                form,
                page.items[0].items if page.is_single_group else page.items,  # type: ignore[union-attr]
            ),
        }
        for page in eform.pages
    ]
    return render(
        request,
        "portal/submission/preview.html",
        {
            "version": version,
            "form": form,
            "sections": sections,
            "unsupported": eform.unsupported,
            "cleaned": cleaned,
            "cleaned_json": (
                json.dumps(cleaned, ensure_ascii=False, indent=2) if cleaned is not None else ""
            ),
        },
        status=status,
    )
