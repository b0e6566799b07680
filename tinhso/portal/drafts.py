"""Drafts of online submissions: start or resume, save each step, upload or reuse documents,
submit exactly once.

A draft is the citizen's private working copy (no legal effect): its saves are not audited one
by one — its start, discard and submission are, and the submission itself goes through
:func:`tinhso.dossiers.services.submit_dossier`, which validates everything again (e-form,
components, applicant) and audits the new dossier. Every change refuses a draft that was
already submitted (compare-and-set on ``submitted_at``), so a page left open in another tab
cannot change what was sent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tinhso.attachments.models import StoredDocument
from tinhso.attachments.services import get_document_for, store_or_find_document
from tinhso.audit.services import record
from tinhso.catalog.models import ProcedureVersion
from tinhso.catalog.services import (
    effective_version,
    get_procedure,
    open_version_for_submission,
)
from tinhso.dossiers.models import Dossier, ReturnMethod
from tinhso.dossiers.services import Applicant, submit_dossier
from tinhso.identity.models import User
from tinhso.identity.validators import phone_problem
from tinhso.lib.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tinhso.lib.text import normalize_text
from tinhso.organizations.models import Agency
from tinhso.portal.models import SubmissionDraft
from tinhso.postal.services import choose_postal

MAX_DOCUMENTS_PER_COMPONENT = 20


def _now() -> Any:
    return timezone.now()


def check_applicant_account(user: Any) -> User:
    if not isinstance(user, User) or user.kind not in (User.Kind.CITIZEN, User.Kind.BUSINESS):
        raise PermissionDenied(
            "Chỉ tài khoản công dân, doanh nghiệp nộp hồ sơ trực tuyến; cán bộ tiếp nhận hồ sơ "
            "tại trang làm việc."
        )
    if not (user.citizen_id or user.tax_code):
        raise PermissionDenied(
            "Tài khoản chưa có số định danh cá nhân hoặc mã số thuế nên chưa nộp hồ sơ trực "
            "tuyến được; vui lòng cập nhật thông tin tài khoản."
        )
    return user


def holder_id_of(user: User) -> str:
    """The data-store key of the applicant: the same number :class:`Applicant` uses."""
    return Applicant.from_account(user).id_number


def implementing_agencies(version: ProcedureVersion) -> list[Agency]:
    return [
        agency
        for agency in version.implementing_agencies.all().order_by("name")
        if agency.status == Agency.Status.ACTIVE
    ]


def submittable_version(procedure_code: str, agency: Agency | None = None) -> ProcedureVersion:
    """The version an online dossier for ``procedure_code`` would be received under now (by
    ``agency``, default: the first agency implementing it). NotFound for an unknown procedure;
    Conflict (``procedure_closed`` / ``not_online``) when it takes no online dossiers today."""
    procedure = get_procedure(procedure_code)
    if agency is None:
        agency = _first_agency(procedure.code)
    try:
        version = open_version_for_submission(procedure.code, agency, _now())
    except InvalidInput:
        # The agency chosen earlier no longer implements the procedure (a new version).
        version = open_version_for_submission(procedure.code, _first_agency(procedure.code), _now())
    if version.online_mode == ProcedureVersion.OnlineMode.NONE:
        raise Conflict(
            f"Thủ tục {procedure.code} chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp "
            "trực tiếp tại Bộ phận Một cửa hoặc qua bưu chính.",
            code="not_online",
        )
    return version


def _first_agency(procedure_code: str) -> Agency:
    try:
        current = effective_version(procedure_code)
    except NotFound as exc:
        if exc.code == "procedure_closed":
            raise Conflict(exc.detail, code="procedure_closed") from None
        raise
    agencies = implementing_agencies(current)
    if not agencies:
        raise Conflict(
            f"Thủ tục {current.procedure.code} chưa có cơ quan nào đang tiếp nhận hồ sơ.",
            code="procedure_closed",
        )
    return agencies[0]


# --- reading ----------------------------------------------------------------------------------


def open_drafts_of(user: Any) -> QuerySet[SubmissionDraft]:
    if not isinstance(user, User):
        return SubmissionDraft.objects.none()
    return SubmissionDraft.objects.filter(owner=user, submitted_at__isnull=True).select_related(
        "version"
    )


def open_draft_for(user: Any, procedure_code: str) -> SubmissionDraft | None:
    return open_drafts_of(user).filter(procedure_code=procedure_code.strip().upper()).first()


def get_draft_for(user: Any, reference: Any) -> SubmissionDraft:
    """The chokepoint: the user's own draft, else NotFound (another's draft does not exist)."""
    not_found = NotFound("Không tìm thấy hồ sơ đang soạn.")
    if not isinstance(user, User):
        raise not_found
    try:
        key = uuid.UUID(str(reference))
    except ValueError:
        raise not_found from None
    draft = (
        SubmissionDraft.objects.filter(reference=key, owner=user)
        .select_related("version__procedure", "agency", "dossier")
        .first()
    )
    if draft is None:
        raise not_found
    return draft


# --- starting ---------------------------------------------------------------------------------


def start_draft(*, actor: Any, procedure_code: str) -> tuple[SubmissionDraft, bool]:
    """Resume the open draft of this account for this procedure, or start one. Refuses what
    :func:`submittable_version` refuses."""
    user = check_applicant_account(actor)
    existing = open_draft_for(user, procedure_code)
    if existing is not None:
        refresh_version(existing)
        return existing, False
    version = submittable_version(procedure_code)
    agencies = implementing_agencies(version)
    contact = {"phone": user.phone, "email": user.email, "address": ""}
    try:
        with transaction.atomic():
            draft = SubmissionDraft.objects.create(
                owner=user,
                procedure_code=version.procedure.code,
                version=version,
                agency=agencies[0] if len(agencies) == 1 else None,
                applicant=contact,
                current_step=(
                    SubmissionDraft.Step.APPLICANT
                    if len(agencies) == 1
                    else SubmissionDraft.Step.AGENCY
                ),
            )
            record(
                "portal.draft.start",
                actor=user,
                target=draft,
                after={"procedure": draft.procedure_code, "version": version.number},
            )
    except IntegrityError:
        # Two tabs started at once: the other one won; resume its draft.
        existing = open_draft_for(user, procedure_code)
        if existing is None:
            raise
        return existing, False
    return draft, True


def refresh_version(draft: SubmissionDraft) -> bool:
    """Move an open draft onto the version in force now (a new version may have been published
    since it was started). Answers that the new e-form no longer has are dropped, as are
    documents for components it no longer lists. True if the version changed."""
    if draft.is_submitted:
        return False
    version = submittable_version(draft.procedure_code, draft.agency)
    if version.pk == draft.version_id:
        return False
    properties = set((version.form_schema or {}).get("properties") or {})
    codes = set(version.components.values_list("code", flat=True))
    agencies = implementing_agencies(version)
    agency = draft.agency
    if agency is not None and agency not in agencies:
        agency = None
    if agency is None and len(agencies) == 1:
        agency = agencies[0]  # no choice to make: the step is not shown
    _update(
        draft,
        version=version,
        agency=agency,
        form_data={k: v for k, v in draft.form_data.items() if k in properties},
        documents={k: v for k, v in draft.documents.items() if k in codes},
    )
    return True


# --- saving steps -----------------------------------------------------------------------------


def _update(draft: SubmissionDraft, **changes: Any) -> SubmissionDraft:
    changes["updated_at"] = _now()
    changed = SubmissionDraft.objects.filter(pk=draft.pk, submitted_at__isnull=True).update(
        **changes
    )
    if changed != 1:
        raise Conflict("Hồ sơ này đã được nộp; không sửa được nữa.", code="draft_submitted")
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft


def reach_step(draft: SubmissionDraft, step: str, order: list[str]) -> None:
    """Remember the furthest step reached (``order`` lists the draft's steps)."""
    current = draft.current_step if draft.current_step in order else order[0]
    if step in order and order.index(step) > order.index(current):
        _update(draft, current_step=step)


def save_agency(draft: SubmissionDraft, agency_code: str) -> SubmissionDraft:
    agencies = {a.code: a for a in implementing_agencies(draft.version)}
    agency = agencies.get((agency_code or "").strip())
    if agency is None:
        message = "Chọn nơi nộp hồ sơ trong danh sách."
        raise InvalidInput(message, errors={"agency": message})
    return _update(draft, agency=agency)


@dataclass(frozen=True)
class Contact:
    phone: str
    email: str
    address: str


def save_applicant(draft: SubmissionDraft, contact: Contact) -> SubmissionDraft:
    phone = normalize_text(contact.phone).replace(" ", "")
    errors: dict[str, str] = {}
    if phone and (problem := phone_problem(phone)):
        errors["phone"] = problem
    address = normalize_text(contact.address)
    if len(address) > 500:
        errors["address"] = "Địa chỉ tối đa 500 ký tự."
    if errors:
        raise InvalidInput("Thông tin liên hệ chưa hợp lệ.", errors=errors)
    applicant = {"phone": phone, "email": contact.email.strip(), "address": address}
    return _update(draft, applicant=applicant)


def applicant_of(draft: SubmissionDraft) -> Applicant:
    """Who submits: name and ID number from the account, contact details from the draft."""
    base = Applicant.from_account(draft.owner)
    contact = draft.applicant or {}
    return Applicant(
        base.kind,
        base.name,
        base.id_number,
        str(contact.get("phone", base.phone) or ""),
        str(contact.get("email", base.email) or ""),
        str(contact.get("address", "") or ""),
    )


def save_form_data(draft: SubmissionDraft, form_data: dict[str, Any]) -> SubmissionDraft:
    return _update(draft, form_data=form_data)


def _component_codes(draft: SubmissionDraft) -> dict[str, Any]:
    return {c.code: c for c in draft.version.components.all()}


def upload_document(
    draft: SubmissionDraft, *, actor: Any, component_code: str, uploaded: Any
) -> tuple[StoredDocument, bool]:
    """Store an upload at once in the applicant's document store (so it is never lost, even
    when the page then fails) and choose it for the component. 413/415/422 errors of the
    store write nothing."""
    user = check_applicant_account(actor)
    components = _component_codes(draft)
    component = components.get(component_code)
    if component is None:
        raise NotFound("Thủ tục không có thành phần hồ sơ này.")
    if draft.is_submitted:
        raise Conflict("Hồ sơ này đã được nộp; không sửa được nữa.", code="draft_submitted")
    chosen = list(draft.documents.get(component_code, []))
    if len(chosen) >= MAX_DOCUMENTS_PER_COMPONENT:
        message = f"Mỗi thành phần tối đa {MAX_DOCUMENTS_PER_COMPONENT} giấy tờ."
        raise InvalidInput(message, errors={"file": message})
    document, created = store_or_find_document(
        actor=user,
        holder_id_number=holder_id_of(user),
        uploaded=uploaded,
        title=component.name[:300],
    )
    if document.pk not in chosen:
        chosen.append(document.pk)
    _update(draft, documents={**draft.documents, component_code: chosen})
    return document, created


def choose_documents(
    draft: SubmissionDraft, *, actor: Any, chosen: dict[str, list[int]]
) -> SubmissionDraft:
    """The documents of the store chosen for each component (replacing earlier choices).
    Documents that are not the applicant's are refused as if they did not exist."""
    user = check_applicant_account(actor)
    components = _component_codes(draft)
    holder = holder_id_of(user)
    documents: dict[str, list[int]] = {}
    errors: dict[str, str] = {}
    for code, ids in chosen.items():
        if code not in components:
            continue
        kept: list[int] = []
        for document_id in ids:
            try:
                document = get_document_for(user, document_id)
            except NotFound:
                errors[code] = f"Không có giấy tờ số {document_id} trong kho của bạn."
                break
            if document.holder_id_number != holder:
                errors[code] = f"Giấy tờ số {document_id} không thuộc người nộp hồ sơ này."
                break
            if document.pk not in kept:
                kept.append(document.pk)
        if len(kept) > MAX_DOCUMENTS_PER_COMPONENT:
            errors[code] = f"Mỗi thành phần tối đa {MAX_DOCUMENTS_PER_COMPONENT} giấy tờ."
        if kept:
            documents[code] = kept
    if errors:
        raise InvalidInput("Giấy tờ đã chọn chưa hợp lệ.", errors=errors)
    return _update(draft, documents=documents)


def missing_components(draft: SubmissionDraft) -> list[Any]:
    return [
        component
        for component in draft.version.components.all()
        if component.is_required and not draft.documents.get(component.code)
    ]


def save_return_method(
    draft: SubmissionDraft, return_method: str, address: str = ""
) -> SubmissionDraft:
    if return_method not in ReturnMethod.values:
        message = "Chọn cách nhận kết quả."
        raise InvalidInput(message, errors={"return_method": message})
    address = normalize_text(address or "")
    if return_method == ReturnMethod.POST and not address:
        message = "Nhập địa chỉ nhận kết quả qua bưu chính."
        raise InvalidInput(message, errors={"address": message})
    if return_method == ReturnMethod.POST and not applicant_of(draft).phone:
        message = (
            "Bưu điện cần số điện thoại của người nhận: nhập số điện thoại ở bước "
            "“Người nộp”, hoặc chọn cách nhận khác."
        )
        raise InvalidInput(message, errors={"return_method": message})
    if len(address) > 500:
        message = "Địa chỉ tối đa 500 ký tự."
        raise InvalidInput(message, errors={"address": message})
    applicant = dict(draft.applicant or {})
    if address:
        applicant["address"] = address
    return _update(draft, return_method=return_method, applicant=applicant)


# --- submitting -------------------------------------------------------------------------------


def submit_draft(draft: SubmissionDraft, *, actor: Any) -> tuple[Dossier, bool]:
    """Submit the draft as a dossier with the draft's idempotency key: a double click, a second
    tab or a resubmitted page returns the dossier created the first time, never a second one."""
    user = check_applicant_account(actor)
    if draft.owner_id != user.pk:
        raise NotFound("Không tìm thấy hồ sơ đang soạn.")
    if draft.dossier_id is not None:
        return draft.dossier, False  # type: ignore[return-value]
    if draft.agency is None:
        message = "Chọn nơi nộp hồ sơ."
        raise InvalidInput(message, errors={"agency": message})
    if not draft.return_method:
        message = "Chọn cách nhận kết quả."
        raise InvalidInput(message, errors={"return_method": message})
    applicant = applicant_of(draft)
    with transaction.atomic():
        dossier, created = submit_dossier(
            actor=user,
            procedure_code=draft.procedure_code,
            agency_code=draft.agency.code,
            form_data=draft.form_data,
            return_method=draft.return_method,
            applicant=applicant,
            idempotency_key=draft.idempotency_key,
            components=draft.documents,
        )
        if created and draft.return_method == ReturnMethod.POST:
            # The result goes by public post: the desk's postal page starts from this choice.
            # In the same transaction: a refused choice leaves no dossier behind.
            choose_postal(
                actor=user,
                dossier=dossier,
                submit_by_post=False,
                receive_by_post=True,
                recipient_name=applicant.name,
                recipient_phone=applicant.phone,
                address=applicant.address,
            )
    with transaction.atomic():
        changed = SubmissionDraft.objects.filter(pk=draft.pk, dossier__isnull=True).update(
            dossier=dossier,
            submitted_at=dossier.submitted_at,
            current_step=SubmissionDraft.Step.REVIEW,
            updated_at=_now(),
        )
        if changed:
            record(
                "portal.draft.submit",
                actor=user,
                target=draft,
                after={"dossier": dossier.code, "procedure": draft.procedure_code},
            )
    draft.dossier = dossier
    draft.submitted_at = dossier.submitted_at
    return dossier, created


def discard_draft(draft: SubmissionDraft, *, actor: Any) -> None:
    """Delete an open draft (the documents stay in the applicant's store)."""
    user = check_applicant_account(actor)
    if draft.owner_id != user.pk:
        raise NotFound("Không tìm thấy hồ sơ đang soạn.")
    with transaction.atomic():
        deleted, _ = SubmissionDraft.objects.filter(pk=draft.pk, submitted_at__isnull=True).delete()
        if not deleted:
            raise Conflict("Hồ sơ này đã được nộp; không huỷ được.", code="draft_submitted")
        record(
            "portal.draft.discard",
            actor=user,
            object_type="portal.submissiondraft",
            object_id=str(draft.pk),
            object_label=str(draft),
        )
