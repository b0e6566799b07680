"""``/api/v1/catalog`` — the public procedure catalogue (reads) and e-form validation."""
# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from tinhso.catalog.models import ProcedureVersion, Sector
from tinhso.catalog.services import (
    effective_version,
    get_procedure,
    hours_per_working_day,
    legal_time_in_working_hours,
    search_procedures,
    sectors_in_use,
    today,
    validate_form_data,
)

router = Router(tags=["thủ tục hành chính"])


class SectorOut(Schema):
    code: str = Field(description="Mã lĩnh vực")
    name: str = Field(description="Tên lĩnh vực")


class AgencyRef(Schema):
    code: str = Field(description="Mã định danh cơ quan (QCVN 102)")
    name: str = Field(description="Tên cơ quan")


class ProcedureSummaryOut(Schema):
    code: str = Field(description="Mã thủ tục của tỉnh (mã quốc gia kèm hậu tố cơ quan)")
    national_code: str = Field(description="Mã thủ tục trên CSDL quốc gia về TTHC")
    name: str = Field(description="Tên thủ tục")
    sector: SectorOut = Field(description="Lĩnh vực")
    level: ProcedureVersion.Level = Field(description="Cấp thực hiện")
    online_mode: ProcedureVersion.OnlineMode = Field(
        description="Dịch vụ công trực tuyến: full (toàn trình), partial (một phần), none"
    )
    processing_time: float = Field(description="Thời hạn giải quyết")
    processing_time_unit: ProcedureVersion.TimeUnit = Field(description="Đơn vị thời hạn")
    implementing_agencies: list[AgencyRef] = Field(description="Cơ quan thực hiện")
    version: int = Field(description="Số phiên bản đang hiệu lực")
    valid_from: dt.date = Field(description="Phiên bản có hiệu lực từ ngày")
    valid_to: dt.date | None = Field(description="Phiên bản có hiệu lực đến ngày (nếu đã biết)")

    @staticmethod
    def resolve_code(obj: ProcedureVersion) -> str:
        return obj.procedure.code

    @staticmethod
    def resolve_national_code(obj: ProcedureVersion) -> str:
        return obj.procedure.national_code

    @staticmethod
    def resolve_version(obj: ProcedureVersion) -> int:
        return obj.number

    @staticmethod
    def resolve_processing_time(obj: ProcedureVersion) -> float:
        return float(obj.processing_time)

    @staticmethod
    def resolve_implementing_agencies(obj: ProcedureVersion) -> list[dict[str, str]]:
        return [{"code": a.code, "name": a.name} for a in obj.implementing_agencies.all()]


class ComponentOut(Schema):
    code: str = Field(description="Mã thành phần hồ sơ")
    name: str = Field(description="Tên giấy tờ")
    originals: int = Field(description="Số bản chính")
    copies: int = Field(description="Số bản sao")
    is_required: bool = Field(description="Bắt buộc")
    template_url: str = Field(description="Địa chỉ tải mẫu đơn, tờ khai (nếu có)")
    note: str = Field(description="Ghi chú")


class FeeOut(Schema):
    description: str = Field(description="Nội dung phí, lệ phí")
    amount: int = Field(description="Số tiền (đồng)")
    note: str = Field(description="Ghi chú")


class StepOut(Schema):
    position: int = Field(description="Thứ tự bước; các bước cùng thứ tự làm song song")
    code: str = Field(description="Mã bước")
    name: str = Field(description="Tên bước")
    responsible_role: str = Field(description="Vai trò thực hiện")
    responsible_agency: str | None = Field(
        description="Mã cơ quan thực hiện bước (trống: cơ quan tiếp nhận)"
    )
    is_inter_agency: bool = Field(description="Bước liên thông với cơ quan khác")
    allotted_hours: float = Field(description="Thời gian cho bước (giờ làm việc)")

    @staticmethod
    def resolve_responsible_agency(obj: Any) -> str | None:
        return obj.responsible_agency.code if obj.responsible_agency else None

    @staticmethod
    def resolve_allotted_hours(obj: Any) -> float:
        return float(obj.allotted_hours)


class ProcedureDetailOut(ProcedureSummaryOut):
    target_groups: list[str] = Field(
        description="Đối tượng thực hiện: citizen, business, organisation"
    )
    channels: list[int] = Field(
        description="Cách thức thực hiện: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích"
    )
    legal_basis: str = Field(description="Căn cứ pháp lý")
    conditions: str = Field(description="Yêu cầu, điều kiện thực hiện")
    results: list[str] = Field(description="Kết quả thực hiện")
    components: list[ComponentOut] = Field(description="Thành phần hồ sơ")
    fees: list[FeeOut] = Field(description="Phí, lệ phí")
    process_steps: list[StepOut] = Field(description="Quy trình nội bộ")
    legal_time_hours: float = Field(description="Thời hạn giải quyết quy ra giờ làm việc")
    hours_per_working_day: float = Field(description="Số giờ của một ngày làm việc")
    form_schema: dict[str, Any] = Field(description="Biểu mẫu điện tử (JSON Schema 2020-12)")
    form_ui: dict[str, Any] = Field(description="Gợi ý hiển thị biểu mẫu (nhãn, thứ tự, kiểu)")

    @staticmethod
    def resolve_components(obj: ProcedureVersion) -> list[Any]:
        return list(obj.components.all())

    @staticmethod
    def resolve_fees(obj: ProcedureVersion) -> list[Any]:
        return list(obj.fees.all())

    @staticmethod
    def resolve_process_steps(obj: ProcedureVersion) -> list[Any]:
        return list(obj.process_steps.all())

    @staticmethod
    def resolve_legal_time_hours(obj: ProcedureVersion) -> float:
        return float(legal_time_in_working_hours(obj))

    @staticmethod
    def resolve_hours_per_working_day(obj: ProcedureVersion) -> float:
        return float(hours_per_working_day())


class VersionOut(Schema):
    number: int = Field(description="Số phiên bản")
    status: ProcedureVersion.Status = Field(
        description="published: đã công bố; retired: đã rút công bố"
    )
    state: str = Field(
        description="in_force: đang áp dụng; upcoming: sắp áp dụng; ended: đã hết hiệu lực; "
        "withdrawn: đã rút công bố"
    )
    name: str = Field(description="Tên thủ tục trong phiên bản này")
    valid_from: dt.date = Field(description="Hiệu lực từ ngày")
    valid_to: dt.date | None = Field(description="Hiệu lực đến ngày")
    published_at: dt.datetime | None = Field(description="Thời điểm công bố")
    withdrawn_at: dt.datetime | None = Field(description="Thời điểm rút công bố")
    withdrawal_reason: str = Field(description="Lý do rút công bố")

    @staticmethod
    def resolve_state(obj: ProcedureVersion) -> str:
        if obj.status == ProcedureVersion.Status.RETIRED:
            return "withdrawn"
        day = today()
        if obj.valid_from > day:
            return "upcoming"
        if obj.valid_to is not None and obj.valid_to < day:
            return "ended"
        return "in_force"


class ProcedureFilter(Schema):
    q: str | None = Field(None, description="Tìm theo tên (gõ có dấu hay không dấu) hoặc mã")
    sector: str | None = Field(None, description="Mã lĩnh vực")
    agency: str | None = Field(None, description="Mã cơ quan thực hiện")
    level: ProcedureVersion.Level | None = Field(None, description="Cấp thực hiện")
    online_mode: ProcedureVersion.OnlineMode | None = Field(None, description="Mức trực tuyến")
    on: dt.date | None = Field(None, description="Hiệu lực vào ngày (mặc định hôm nay)")


@router.get(
    "/procedures",
    response=list[ProcedureSummaryOut],
    summary="Danh sách thủ tục hành chính đang hiệu lực",
)
@paginate(PageNumberPagination, page_size=50)
def list_procedures(
    request: HttpRequest, filters: Query[ProcedureFilter]
) -> QuerySet[ProcedureVersion]:
    return search_procedures(
        filters.q,
        sector=filters.sector,
        agency=filters.agency,
        level=filters.level,
        online_mode=filters.online_mode,
        on=filters.on,
    ).prefetch_related("implementing_agencies")


@router.get(
    "/procedures/{code}",
    response=ProcedureDetailOut,
    summary="Chi tiết thủ tục (phiên bản đang hiệu lực)",
)
def get_procedure_detail(
    request: HttpRequest,
    code: str,
    on: dt.date | None = None,
) -> ProcedureVersion:
    return effective_version(code, on)


@router.get(
    "/procedures/{code}/versions",
    response=list[VersionOut],
    summary="Các phiên bản đã công bố của thủ tục",
)
def list_versions(request: HttpRequest, code: str) -> QuerySet[ProcedureVersion]:
    procedure = get_procedure(code)
    return procedure.versions.exclude(status=ProcedureVersion.Status.DRAFT).order_by("number")


@router.get("/sectors", response=list[SectorOut], summary="Lĩnh vực có thủ tục đang hiệu lực")
def list_sectors(request: HttpRequest) -> QuerySet[Sector]:
    return sectors_in_use()


@router.post(
    "/procedures/{code}/form/validate",
    response={200: dict[str, Any]},
    summary="Kiểm tra dữ liệu biểu mẫu điện tử",
    description="Trả lại dữ liệu đã chuẩn hoá (Unicode NFC, bỏ trường trống) hoặc 422 "
    "application/problem+json với `errors`: tên trường (form.<đường dẫn>) → thông báo.",
)
def validate_form(
    request: HttpRequest,
    code: str,
    data: Body[dict[str, Any]],
) -> dict[str, Any]:
    version = effective_version(code)
    return validate_form_data(version, data)
