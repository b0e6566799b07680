"""``/api/v1/dossiers`` — submission, the officers' actions, worklists and public lookup."""
# No "from __future__ import annotations": django-ninja reads the annotations at run time.

import datetime as dt
from typing import Any, Literal, cast

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Header, Query, Router, Schema, UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status as Reply
from ninja.throttling import AnonRateThrottle

from tinhso.attachments.api import document_response
from tinhso.attachments.services import get_document_for, read_upload
from tinhso.core.auth import staff_or_citizen
from tinhso.core.http import pdf_response
from tinhso.core.rendering import api_response
from tinhso.dossiers import services
from tinhso.dossiers.access import (
    get_dossier_for,
    received_by_my_agencies,
    visible_dossiers,
    work_agency_ids,
)
from tinhso.dossiers.models import (
    DeadlineAlert,
    IssuedForm,
    Status,
)
from tinhso.dossiers.reads import (
    SUMMARY_COLUMNS,
    dossier_detail,
    lookup_document,
    summary_document,
)
from tinhso.dossiers.standard_forms import (
    control_sheet_data,
    form_pdf,
    issue_form,
    register_data,
)
from tinhso.dossiers.statistics import dossier_statistics, statistics_workbook
from tinhso.identity.models import User
from tinhso.lib.errors import InvalidInput, NotFound, PermissionDenied
from tinhso.organizations.models import Agency
from tinhso.printing.schemas import MAX_REGISTER_ROWS
from tinhso.printing.services import FormKind, render_form

router = Router(tags=["hồ sơ"], auth=staff_or_citizen)

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class ApplicantIn(Schema):
    kind: Literal["citizen", "organisation"] = "citizen"
    name: str
    id_number: str = Field(description="Số định danh cá nhân (12 số) hoặc mã số thuế")
    phone: str = ""
    email: str = ""
    address: str = ""

    def to_service(self) -> services.Applicant:
        return services.Applicant(
            self.kind, self.name, self.id_number, self.phone, self.email, self.address
        )


class SubmitIn(Schema):
    procedure_code: str = Field(description="Mã TTHC của tỉnh, ví dụ 1.001193.000.00.31.H82")
    agency_code: str = Field(description="Cơ quan tiếp nhận (mã QCVN 102 hoặc QĐ 20)")
    form: dict[str, Any] = Field(default_factory=dict, description="Tờ khai điện tử")
    return_method: Literal["desk", "post", "online"] = "online"
    applicant: ApplicantIn | None = Field(
        None, description="Mặc định: thông tin tài khoản; khai khi nộp thay"
    )
    components: dict[str, list[int]] = Field(
        default_factory=dict,
        description="Mã thành phần hồ sơ → số giấy tờ trong kho (tải lên qua /api/v1/documents "
        "hoặc dùng lại giấy tờ đã có)",
    )


class DeskIn(Schema):
    procedure_code: str
    agency_code: str
    applicant: ApplicantIn
    form: dict[str, Any] = Field(default_factory=dict)
    components: list[str] = Field(description="Mã các thành phần hồ sơ đã kiểm tra, đủ")
    documents: dict[str, list[int]] = Field(
        default_factory=dict, description="Bản số hoá tại quầy: mã thành phần → số giấy tờ"
    )
    return_method: Literal["desk", "post", "online"] = "desk"
    channel: Literal[1, 3] = Field(1, description="1 trực tiếp, 3 bưu chính")


class DossierOut(Schema):
    code: str
    status: str
    status_label: str
    national_status: int = Field(description="TrangThaiHoSo 1–10 của Cổng DVCQG")
    channel: int = Field(description="KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính")
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    applicant_name: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    timeliness: str
    fee_total: int
    rating: int | None
    version: int


class StepOut(Schema):
    position: int
    code: str
    name: str
    agency_code: str
    role: str
    is_inter_agency: bool
    state: str
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    given_by: str | None
    taken_by: str | None
    result: str
    timeliness: str


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor_label: str
    occurred_at: dt.datetime
    note: str
    data: dict[str, Any]


class DossierDocumentOut(Schema):
    component_code: str
    document_id: int
    title: str
    content_type: str
    size: int
    reused: bool = Field(description="Dùng lại giấy tờ đã có trong kho (không nộp lại)")
    url: str


class DossierDetailOut(DossierOut):
    applicant_kind: str
    applicant_id_number: str
    applicant_phone: str
    applicant_email: str
    applicant_address: str
    form_data: dict[str, Any]
    return_method: str
    paused_at: dt.datetime | None
    supplement_count: int
    steps: list[StepOut]
    events: list[EventOut]
    documents: list[DossierDocumentOut]
    allowed_actions: list[str]


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str = ""


class SupplementIn(NoteIn):
    components: dict[str, list[int]] = Field(
        default_factory=dict, description="Giấy tờ bổ sung: mã thành phần → số giấy tờ trong kho"
    )


class SupplementRequestIn(Schema):
    items: list[str] = Field(description="Giấy tờ cần bổ sung, hoàn thiện")
    reason: str


class CompleteStepIn(Schema):
    step: str = Field(description="Mã bước đang xử lý")
    result: str


class PaymentIn(Schema):
    amount: int | None = Field(None, description="Mặc định: tổng phí, lệ phí của thủ tục")
    note: str = ""


class SettleIn(Schema):
    outcome: Literal["paid_at_desk", "paid_online", "waived"]
    note: str = ""


class ExtendIn(Schema):
    new_due_at: dt.datetime
    reason: str


class RateIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = ""


class WorklistFilter(Schema):
    status: Status | None = None
    agency: str | None = Field(None, description="Mã cơ quan tiếp nhận")
    procedure: str | None = None
    overdue: bool | None = Field(None, description="Chỉ hồ sơ đang xử lý đã quá hạn")
    due_before: dt.datetime | None = None
    q: str | None = Field(None, description="Mã hồ sơ hoặc tên người nộp")


def _user(request: HttpRequest) -> User:
    """The authenticated account (every route of this router requires authentication)."""
    return cast(User, request.user)


def _detail(request: HttpRequest, code: str, status: int = 200) -> HttpResponse:
    """The dossier document (``DossierDetailOut``), built by ``reads.dossier_document`` through
    the same visibility rule as ``get_dossier_for``."""
    return api_response(request, dossier_detail(request.user, code), status)


@router.post(
    "",
    response={200: DossierDetailOut, 201: DossierDetailOut},
    summary="Nộp hồ sơ trực tuyến (công dân, doanh nghiệp)",
)
def submit(
    request: HttpRequest,
    payload: SubmitIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> HttpResponse:
    dossier, created = services.submit_dossier(
        actor=_user(request),
        procedure_code=payload.procedure_code,
        agency_code=payload.agency_code,
        form_data=payload.form,
        return_method=payload.return_method,
        applicant=payload.applicant.to_service() if payload.applicant else None,
        idempotency_key=idempotency_key,
        components=payload.components,
    )
    return _detail(request, dossier.code, 201 if created else 200)


@router.post(
    "/desk", response={201: DossierDetailOut}, summary="Tiếp nhận trực tiếp tại Bộ phận Một cửa"
)
def receive_at_desk(request: HttpRequest, payload: DeskIn) -> HttpResponse:
    dossier = services.receive_in_person(
        actor=_user(request),
        agency_code=payload.agency_code,
        procedure_code=payload.procedure_code,
        applicant=payload.applicant.to_service(),
        form_data=payload.form,
        components_checked=payload.components,
        return_method=payload.return_method,
        channel=payload.channel,
        documents=payload.documents,
    )
    return _detail(request, dossier.code, 201)


class DossierPage(Schema):
    items: list[DossierOut]
    count: int = Field(description="Số hồ sơ khớp bộ lọc (mọi trang)")


class PageIn(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


@router.get(
    "",
    response=DossierPage,
    summary="Danh sách hồ sơ (cán bộ: hồ sơ của cơ quan; công dân: hồ sơ của mình)",
)
def worklist(
    request: HttpRequest, filters: Query[WorklistFilter], paging: Query[PageIn]
) -> HttpResponse:
    received_by = None
    if filters.agency:
        # Resolved first, so that the page is read along the worklist index (agency, status,
        # due_at, id) rather than through a join on the agency's codes.
        code = filters.agency.upper()
        received_by = list(
            Agency.objects.filter(Q(code=code) | Q(identifier=code)).values_list("pk", flat=True)
        )
    dossiers = visible_dossiers(request.user, received_by)
    if filters.status:
        dossiers = dossiers.filter(status=filters.status)
    if filters.procedure:
        dossiers = dossiers.filter(procedure_version__procedure__code=filters.procedure)
    if filters.overdue:
        dossiers = dossiers.filter(
            status__in=[Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT],
            due_at__lt=timezone.now(),
        )
    if filters.due_before:
        dossiers = dossiers.filter(due_at__lt=filters.due_before)
    if filters.q:
        dossiers = dossiers.filter(
            Q(code__icontains=filters.q) | Q(applicant_name__icontains=filters.q)
        )
    start = (paging.page - 1) * paging.page_size
    rows = dossiers.order_by("due_at", "pk").values_list(*SUMMARY_COLUMNS)
    document = {
        "items": [summary_document(row) for row in rows[start : start + paging.page_size]],
        "count": dossiers.count(),
    }
    return api_response(request, document)


@router.get("/{code}", response=DossierDetailOut, summary="Chi tiết hồ sơ")
def detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, code)


def _act(request: HttpRequest, code: str, action: Any, **kwargs: Any) -> HttpResponse:
    dossier = get_dossier_for(request.user, code)
    action(actor=_user(request), dossier=dossier, **kwargs)
    return _detail(request, code)


@router.post("/{code}/accept", response=DossierDetailOut, summary="Tiếp nhận")
def accept(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, services.accept_dossier)


@router.post("/{code}/refuse", response=DossierDetailOut, summary="Từ chối tiếp nhận")
def refuse(request: HttpRequest, code: str, payload: ReasonIn) -> HttpResponse:
    return _act(request, code, services.refuse_dossier, reason=payload.reason)


@router.post(
    "/{code}/request-supplement",
    response=DossierDetailOut,
    summary="Yêu cầu bổ sung, hoàn thiện hồ sơ",
)
def request_supplement(
    request: HttpRequest, code: str, payload: SupplementRequestIn
) -> HttpResponse:
    return _act(
        request, code, services.request_supplement, items=payload.items, reason=payload.reason
    )


@router.post("/{code}/supplement", response=DossierDetailOut, summary="Nộp bổ sung")
def supplement(request: HttpRequest, code: str, payload: SupplementIn) -> HttpResponse:
    return _act(
        request,
        code,
        services.provide_supplement,
        note=payload.note,
        components=payload.components,
    )


@router.post(
    "/{code}/start-processing",
    response=DossierDetailOut,
    summary="Chuyển hồ sơ sang xử lý (bước đầu của quy trình nội bộ)",
)
def start_processing(request: HttpRequest, code: str) -> HttpResponse:
    return _act(request, code, services.start_processing)


@router.post(
    "/{code}/complete-step",
    response=DossierDetailOut,
    summary="Hoàn thành một bước (thẩm định, liên thông, phê duyệt…)",
)
def complete_step(request: HttpRequest, code: str, payload: CompleteStepIn) -> HttpResponse:
    return _act(
        request, code, services.complete_step, step_code=payload.step, result=payload.result
    )


@router.post(
    "/{code}/require-payment",
    response=DossierDetailOut,
    summary="Yêu cầu thực hiện nghĩa vụ tài chính",
)
def require_payment(request: HttpRequest, code: str, payload: PaymentIn) -> HttpResponse:
    return _act(request, code, services.require_payment, amount=payload.amount, note=payload.note)


@router.post(
    "/{code}/settle-payment", response=DossierDetailOut, summary="Xác nhận đã nộp phí hoặc miễn"
)
def settle_payment(request: HttpRequest, code: str, payload: SettleIn) -> HttpResponse:
    return _act(request, code, services.settle_payment, outcome=payload.outcome, note=payload.note)


@router.post("/{code}/extend", response=DossierDetailOut, summary="Gia hạn (một lần), xin lỗi")
def extend(request: HttpRequest, code: str, payload: ExtendIn) -> HttpResponse:
    return _act(
        request, code, services.extend_dossier, new_due_at=payload.new_due_at, reason=payload.reason
    )


@router.post("/{code}/stop", response=DossierDetailOut, summary="Dừng xử lý")
def stop(request: HttpRequest, code: str, payload: ReasonIn) -> HttpResponse:
    return _act(request, code, services.stop_dossier, reason=payload.reason)


@router.post("/{code}/withdraw", response=DossierDetailOut, summary="Rút hồ sơ")
def withdraw(request: HttpRequest, code: str, payload: NoteIn) -> HttpResponse:
    return _act(request, code, services.withdraw_dossier, reason=payload.note)


@router.post("/{code}/return", response=DossierDetailOut, summary="Trả kết quả")
def return_result(request: HttpRequest, code: str, payload: NoteIn) -> HttpResponse:
    return _act(request, code, services.return_result, note=payload.note)


@router.post(
    "/{code}/result",
    response={201: DossierDetailOut},
    summary="Đính kèm kết quả điện tử (vào kho giấy tờ của người nộp)",
)
def attach_result(
    request: HttpRequest,
    code: str,
    file: UploadedFile = File(...),  # noqa: B008
    title: str = Form(...),
) -> HttpResponse:
    user = _user(request)
    dossier = get_dossier_for(user, code)
    content = read_upload(file)
    services.attach_result(
        actor=user, dossier=dossier, content=content, name=file.name or "ket-qua", title=title
    )
    return _detail(request, code, 201)


@router.post("/{code}/rate", response=DossierDetailOut, summary="Đánh giá mức độ hài lòng")
def rate(request: HttpRequest, code: str, payload: RateIn) -> HttpResponse:
    return _act(
        request, code, services.rate_dossier, rating=payload.rating, comment=payload.comment
    )


class IssuedFormOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    form_set: str
    issued_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(obj: IssuedForm) -> str:
        return f"/api/v1/dossiers/{obj.dossier.code}/forms/{obj.pk}.pdf"


@router.get("/{code}/forms", response=list[IssuedFormOut], summary="Các biểu mẫu đã cấp")
def issued_forms(request: HttpRequest, code: str) -> list[IssuedForm]:
    dossier = get_dossier_for(request.user, code)
    return list(dossier.forms.select_related("dossier"))


@router.get("/{code}/forms/{form_id}.pdf", summary="Tải biểu mẫu (PDF)", response={200: None})
def issued_form_pdf(request: HttpRequest, code: str, form_id: int) -> HttpResponse:
    dossier = get_dossier_for(request.user, code)
    form = dossier.forms.filter(pk=form_id).select_related("dossier").first()
    if form is None:
        raise NotFound("Không có biểu mẫu này trong hồ sơ.")
    return pdf_response(form_pdf(form), f"{dossier.code}-{form.kind}.pdf")


@router.get(
    "/{code}/documents/{document_id}", response={200: None}, summary="Tải giấy tờ của hồ sơ"
)
def dossier_document(request: HttpRequest, code: str, document_id: int) -> HttpResponse:
    user = _user(request)
    dossier = get_dossier_for(user, code)
    link = dossier.documents.filter(document_id=document_id).select_related("document").first()
    if link is None:
        raise NotFound("Hồ sơ không có giấy tờ này.")
    return document_response(get_document_for(user, link.document_id, allow_staff=True))


@router.post(
    "/{code}/forms/control-sheet",
    response={201: IssuedFormOut},
    summary="In phiếu kiểm soát quá trình giải quyết hồ sơ",
)
def issue_control_sheet(request: HttpRequest, code: str) -> Reply[IssuedForm]:
    user = _user(request)
    dossier = get_dossier_for(user, code)
    if user.kind != User.Kind.STAFF:
        raise PermissionDenied("Chỉ cán bộ in phiếu kiểm soát.")
    with transaction.atomic():
        form = issue_form(dossier, FormKind.CONTROL_SHEET, control_sheet_data(dossier), actor=user)
    return Reply(201, form)


# --- public lookup ---------------------------------------------------------------------------

public_router = Router(tags=["tra cứu hồ sơ"])


class LookupStepOut(Schema):
    name: str
    agency_name: str
    state: str
    started_at: dt.datetime | None
    completed_at: dt.datetime | None


class LookupOut(Schema):
    code: str
    status: str
    status_label: str
    national_status: int
    procedure_name: str
    agency_name: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    steps: list[LookupStepOut]


@public_router.get(
    "",
    response=LookupOut,
    auth=None,
    throttle=[AnonRateThrottle(f"{settings.LOOKUP_RATE_PER_MINUTE}/m")],
    summary="Tra cứu hồ sơ bằng mã hồ sơ và số điện thoại hoặc số giấy tờ của người nộp",
)
def lookup(request: HttpRequest, code: str, factor: str) -> HttpResponse:
    return api_response(request, lookup_document(code, factor))


# --- statistics ------------------------------------------------------------------------------

statistics_router = Router(tags=["thống kê"], auth=staff_or_citizen)


class StatisticsFilter(Schema):
    date_from: dt.date = Field(alias="from", description="Từ ngày (theo ngày tiếp nhận)")
    date_to: dt.date = Field(alias="to", description="Đến ngày")
    agency: str | None = Field(None, description="Chỉ một cơ quan tiếp nhận")
    group_by: Literal["agency", "procedure"] = "agency"
    format: Literal["json", "xlsx"] = "json"


class StatisticsRowOut(Schema):
    key: str
    name: str
    received: int
    received_direct: int
    received_online: int
    received_post: int
    finished_early: int
    finished_on_time: int
    finished_late: int
    in_progress_on_time: int
    in_progress_overdue: int
    online_ratio: float
    on_time_ratio: float


class StatisticsOut(Schema):
    date_from: dt.date = Field(serialization_alias="from")
    date_to: dt.date = Field(serialization_alias="to")
    group_by: str
    rows: list[StatisticsRowOut]


@statistics_router.get(
    "/dossiers",
    response=StatisticsOut,
    by_alias=True,
    summary="Thống kê tiếp nhận, giải quyết hồ sơ (JSON hoặc XLSX)",
)
def dossier_statistics_view(request: HttpRequest, filters: Query[StatisticsFilter]) -> Any:
    user = _user(request)
    if user.kind != User.Kind.STAFF:
        raise PermissionDenied("Chỉ cán bộ xem thống kê.")
    dossiers = received_by_my_agencies(user)
    if filters.agency:
        dossiers = dossiers.filter(
            Q(agency__code=filters.agency.upper()) | Q(agency__identifier=filters.agency.upper())
        )
    rows = dossier_statistics(
        dossiers, start=filters.date_from, end=filters.date_to, group_by=filters.group_by
    )
    if filters.format == "xlsx":
        title = f"Thống kê hồ sơ từ {filters.date_from:%d/%m/%Y} đến {filters.date_to:%d/%m/%Y}"
        response = HttpResponse(
            statistics_workbook(rows, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="thong-ke-{filters.date_from}-{filters.date_to}.xlsx"'
        )
        return response
    return {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "group_by": filters.group_by,
        "rows": [row.as_dict() for row in rows],
    }


class RegisterFilter(Schema):
    agency: str = Field(description="Mã cơ quan tiếp nhận")
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")


@statistics_router.get(
    "/register.pdf",
    response={200: None},
    summary="Sổ theo dõi hồ sơ của một cơ quan trong một kỳ (PDF, A4 ngang)",
)
def register_pdf(request: HttpRequest, filters: Query[RegisterFilter]) -> HttpResponse:
    user = _user(request)
    if user.kind != User.Kind.STAFF:
        raise PermissionDenied("Chỉ cán bộ in sổ theo dõi hồ sơ.")
    if filters.date_to < filters.date_from or filters.date_from.year != filters.date_to.year:
        raise InvalidInput(
            "Kỳ in sổ phải nằm trong một năm và ngày cuối không trước ngày đầu.",
            errors={"to": "không hợp lệ"},
        )
    dossiers = (
        received_by_my_agencies(user)
        .filter(
            Q(agency__code=filters.agency.upper()) | Q(agency__identifier=filters.agency.upper()),
            received_at__date__gte=filters.date_from,
            received_at__date__lte=filters.date_to,
        )
        .select_related("agency__parent", "procedure_version")
        .order_by("received_at", "pk")
    )
    rows = list(dossiers[: MAX_REGISTER_ROWS + 1])
    agency = rows[0].agency if rows else None
    if agency is None:
        raise NotFound("Không có hồ sơ nào của cơ quan này trong kỳ (hoặc bạn không có quyền).")
    data = register_data(agency, start=filters.date_from, dossiers=rows)
    pdf = render_form(FormKind.REGISTER, data).pdf
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="so-theo-doi-{agency.code}-{filters.date_from}-{filters.date_to}.pdf"'
    )
    return response


# --- deadline alerts -------------------------------------------------------------------------

alerts_router = Router(tags=["cảnh báo thời hạn"], auth=staff_or_citizen)


class AlertOut(Schema):
    id: int
    kind: str
    dossier_code: str
    step: str | None
    agency_code: str
    role: str
    due_at: dt.datetime
    created_at: dt.datetime

    @staticmethod
    def resolve_dossier_code(obj: DeadlineAlert) -> str:
        return obj.dossier.code

    @staticmethod
    def resolve_step(obj: DeadlineAlert) -> str | None:
        return obj.step.name if obj.step else None

    @staticmethod
    def resolve_agency_code(obj: DeadlineAlert) -> str:
        return obj.agency.code


@alerts_router.get("", response=list[AlertOut], summary="Cảnh báo chưa xem của cơ quan tôi")
@paginate(PageNumberPagination, page_size=50)
def my_alerts(request: HttpRequest) -> QuerySet[DeadlineAlert]:
    return (
        DeadlineAlert.objects.filter(
            agency_id__in=work_agency_ids(_user(request)), acknowledged_at__isnull=True
        )
        .select_related("dossier", "step", "agency")
        .order_by("due_at", "pk")
    )


@alerts_router.post("/{alert_id}/acknowledge", response=AlertOut, summary="Đánh dấu đã xem")
def acknowledge(request: HttpRequest, alert_id: int) -> DeadlineAlert:
    user = _user(request)
    alert = (
        DeadlineAlert.objects.filter(pk=alert_id, agency_id__in=work_agency_ids(user))
        .select_related("dossier", "step", "agency")
        .first()
    )
    if alert is None:
        raise NotFound("Không có cảnh báo này.")
    DeadlineAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=user
    )
    alert.refresh_from_db()
    return alert
