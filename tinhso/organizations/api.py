"""``/api/v1/organizations`` — the agency directory (public) and agency maintenance."""
# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from tinhso.core.auth import staff_or_citizen
from tinhso.identity.access import get_agency_for
from tinhso.organizations.models import Agency
from tinhso.organizations.services import resolve_agency, update_agency

router = Router(tags=["tổ chức"])


class AgencyOut(Schema):
    code: str = Field(description="Mã định danh QCVN 102:2016")
    identifier: str = Field(description="Mã định danh QĐ 20/2020/QĐ-TTg")
    name: str
    short_name: str
    kind: str
    level: str
    parent_code: str | None
    status: str
    valid_from: dt.date
    valid_to: dt.date | None
    version: int
    email: str
    phone: str
    address: str

    @staticmethod
    def resolve_parent_code(obj: Agency) -> str | None:
        return obj.parent.code if obj.parent else None


class AgencyDetailOut(AgencyOut):
    current: list[AgencyOut] = Field(
        description="Cơ quan đang thực hiện nhiệm vụ (chính nó, hoặc cơ quan kế thừa nếu đã "
        "sáp nhập)"
    )

    @staticmethod
    def resolve_current(obj: Agency) -> list[Agency]:
        return getattr(obj, "current_agencies", [obj])


class AgencyFilter(Schema):
    q: str | None = Field(None, description="Tìm theo tên hoặc mã")
    level: Agency.Level | None = None
    kind: Agency.Kind | None = None
    parent: str | None = Field(None, description="Mã cơ quan cấp trên")
    include_retired: bool = False


class AgencyPatch(Schema):
    version: int = Field(description="Phiên bản đang xem; 409 nếu đã có người sửa")
    name: str | None = None
    short_name: str | None = None
    kind: Agency.Kind | None = None
    level: Agency.Level | None = None
    parent_code: str | None = None
    administrative_unit_code: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@router.get("/agencies", response=list[AgencyOut], summary="Danh sách cơ quan, đơn vị")
@paginate(PageNumberPagination, page_size=50)
def list_agencies(request: HttpRequest, filters: Query[AgencyFilter]) -> QuerySet[Agency]:
    agencies = Agency.objects.select_related("parent").order_by("code")
    if not filters.include_retired:
        agencies = agencies.filter(status=Agency.Status.ACTIVE)
    if filters.q:
        agencies = agencies.filter(
            Q(name__icontains=filters.q)
            | Q(code__icontains=filters.q)
            | Q(identifier__icontains=filters.q)
        )
    if filters.level:
        agencies = agencies.filter(level=filters.level)
    if filters.kind:
        agencies = agencies.filter(kind=filters.kind)
    if filters.parent:
        agencies = agencies.filter(parent__code=filters.parent.upper())
    return agencies


@router.get("/agencies/{code}", response=AgencyDetailOut, summary="Chi tiết một cơ quan (cả mã cũ)")
def get_agency(request: HttpRequest, code: str) -> Agency:
    resolution = resolve_agency(code)
    agency = resolution.agency
    agency.current_agencies = resolution.current  # type: ignore[attr-defined]
    return agency


@router.patch(
    "/agencies/{code}",
    response={200: AgencyOut},
    auth=staff_or_citizen,
    summary="Sửa thông tin cơ quan (quản trị cơ quan hoặc cấp tỉnh)",
)
def patch_agency(request: HttpRequest, code: str, payload: AgencyPatch) -> Agency:
    agency = get_agency_for(request.user, code, for_write=True)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return update_agency(agency, actor=request.user, expected_version=version, changes=changes)
