"""The demo province: Đồng Tháp after the July 2025 reform (real communes), with illustrative
agency codes (the official post-2025 QCVN 102 code list must be loaded by each province), staff
in every role and a citizen and a business. Loading is idempotent: existing rows are kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from tinhso.identity.models import Role, RoleAssignment, User
from tinhso.identity.services import assign_role, create_user
from tinhso.organizations.models import AdministrativeUnit, Agency
from tinhso.organizations.services import create_agency

DEMO_PASSWORD = "DongThap@2026"  # noqa: S105  (printed by `make run`; demo data only)
PROVINCE_UNIT_CODE = "82"
FOUNDED = dt.date(2025, 7, 1)
ROOT = "000.00.00.H82"

# (code, name, short name, kind, level, parent code, commune unit code)
AGENCIES: list[tuple[str, str, str, str, str, str | None, str | None]] = [
    (
        ROOT,
        "Ủy ban nhân dân tỉnh Đồng Tháp",
        "UBND tỉnh",
        "peoples_committee",
        "province",
        None,
        None,
    ),
    (
        "000.00.01.H82",
        "Văn phòng Ủy ban nhân dân tỉnh",
        "VP UBND tỉnh",
        "office",
        "province",
        ROOT,
        None,
    ),
    (
        "000.00.02.H82",
        "Trung tâm Phục vụ hành chính công tỉnh",
        "TT PVHCC",
        "service_centre",
        "province",
        ROOT,
        None,
    ),
    ("000.00.03.H82", "Sở Nội vụ", "SNV", "department", "province", ROOT, None),
    ("000.00.04.H82", "Sở Tư pháp", "STP", "department", "province", ROOT, None),
    ("000.00.05.H82", "Sở Tài chính", "STC", "department", "province", ROOT, None),
    ("000.00.06.H82", "Sở Công Thương", "SCT", "department", "province", ROOT, None),
    (
        "000.00.07.H82",
        "Sở Nông nghiệp và Môi trường",
        "SNNMT",
        "department",
        "province",
        ROOT,
        None,
    ),
    ("000.00.08.H82", "Sở Xây dựng", "SXD", "department", "province", ROOT, None),
    ("000.00.09.H82", "Sở Khoa học và Công nghệ", "SKHCN", "department", "province", ROOT, None),
    ("000.00.10.H82", "Sở Giáo dục và Đào tạo", "SGDĐT", "department", "province", ROOT, None),
    ("000.00.11.H82", "Sở Y tế", "SYT", "department", "province", ROOT, None),
    (
        "000.00.12.H82",
        "Sở Văn hóa, Thể thao và Du lịch",
        "SVHTTDL",
        "department",
        "province",
        ROOT,
        None,
    ),
    ("000.00.13.H82", "Thanh tra tỉnh", "TTr", "department", "province", ROOT, None),
    (
        "000.00.14.H82",
        "Ban Quản lý các khu công nghiệp tỉnh",
        "BQL KCN",
        "department",
        "province",
        ROOT,
        None,
    ),
    # The provincial police is a central branch (ngành dọc): outside the province's own tree.
    (
        "000.00.15.H82",
        "Công an tỉnh Đồng Tháp",
        "CA tỉnh",
        "central_branch",
        "province",
        None,
        None,
    ),
    (
        "000.01.04.H82",
        "Phòng Hành chính tư pháp",
        "P.HCTP",
        "division",
        "province",
        "000.00.04.H82",
        None,
    ),
    (
        "000.02.04.H82",
        "Phòng Bổ trợ tư pháp",
        "P.BTTP",
        "division",
        "province",
        "000.00.04.H82",
        None,
    ),
    (
        "000.01.07.H82",
        "Văn phòng Đăng ký đất đai tỉnh",
        "VPĐKĐĐ",
        "public_service_unit",
        "province",
        "000.00.07.H82",
        None,
    ),
    (
        "000.01.08.H82",
        "Phòng Quản lý nhà và Thị trường bất động sản",
        "P.QLN",
        "division",
        "province",
        "000.00.08.H82",
        None,
    ),
    (
        "000.01.05.H82",
        "Phòng Đăng ký kinh doanh",
        "P.ĐKKD",
        "division",
        "province",
        "000.00.05.H82",
        None,
    ),
    (
        "000.00.31.H82",
        "Ủy ban nhân dân phường Mỹ Tho",
        "UBND P. Mỹ Tho",
        "peoples_committee",
        "commune",
        ROOT,
        "28261",
    ),
    (
        "000.00.32.H82",
        "Ủy ban nhân dân phường Đạo Thạnh",
        "UBND P. Đạo Thạnh",
        "peoples_committee",
        "commune",
        ROOT,
        "28249",
    ),
    (
        "000.00.33.H82",
        "Ủy ban nhân dân phường Cao Lãnh",
        "UBND P. Cao Lãnh",
        "peoples_committee",
        "commune",
        ROOT,
        "29869",
    ),
    (
        "000.00.34.H82",
        "Ủy ban nhân dân phường Sa Đéc",
        "UBND P. Sa Đéc",
        "peoples_committee",
        "commune",
        ROOT,
        "29905",
    ),
    (
        "000.00.35.H82",
        "Ủy ban nhân dân phường Gò Công",
        "UBND P. Gò Công",
        "peoples_committee",
        "commune",
        ROOT,
        "28306",
    ),
    (
        "000.00.36.H82",
        "Ủy ban nhân dân phường Cai Lậy",
        "UBND P. Cai Lậy",
        "peoples_committee",
        "commune",
        ROOT,
        "28439",
    ),
    (
        "000.00.37.H82",
        "Ủy ban nhân dân phường Hồng Ngự",
        "UBND P. Hồng Ngự",
        "peoples_committee",
        "commune",
        ROOT,
        "29955",
    ),
    (
        "000.00.38.H82",
        "Ủy ban nhân dân xã Mỹ Thiện",
        "UBND X. Mỹ Thiện",
        "peoples_committee",
        "commune",
        ROOT,
        "28378",
    ),
    (
        "000.00.39.H82",
        "Ủy ban nhân dân xã Mỹ Đức Tây",
        "UBND X. Mỹ Đức Tây",
        "peoples_committee",
        "commune",
        ROOT,
        "28405",
    ),
    (
        "000.00.40.H82",
        "Ủy ban nhân dân xã Thanh Mỹ",
        "UBND X. Thanh Mỹ",
        "peoples_committee",
        "commune",
        ROOT,
        "30073",
    ),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    kind: str
    roles: tuple[tuple[str, str], ...] = ()  # (role, agency code)
    citizen_id: str | None = None
    tax_code: str | None = None
    phone: str = ""
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def description(self) -> str:
        if self.roles:
            return "; ".join(f"{Role(role).label} — {code}" for role, code in self.roles)
        return User.Kind(self.kind).label


ACCOUNTS: list[DemoAccount] = [
    DemoAccount(
        "quantri.tinh",
        "Nguyễn Văn Quản",
        "staff",
        ((Role.PROVINCIAL_ADMINISTRATOR, ROOT),),
        is_staff=True,
        is_superuser=True,
    ),
    DemoAccount("lanhdao.tinh", "Trần Thị Lãnh", "staff", ((Role.LEADER, ROOT),)),
    DemoAccount("motcua.tinh", "Lê Thị Mai", "staff", ((Role.ONE_STOP_OFFICER, "000.00.02.H82"),)),
    DemoAccount(
        "quantri.stp",
        "Phạm Minh Quang",
        "staff",
        ((Role.AGENCY_ADMINISTRATOR, "000.00.04.H82"),),
        is_staff=True,
    ),
    DemoAccount("lanhdao.stp", "Võ Văn Đạo", "staff", ((Role.LEADER, "000.00.04.H82"),)),
    DemoAccount(
        "truongphong.stp", "Huỳnh Thị Phương", "staff", ((Role.HEAD_OF_UNIT, "000.01.04.H82"),)
    ),
    DemoAccount(
        "chuyenvien.stp", "Đặng Văn Chuyên", "staff", ((Role.SPECIALIST, "000.01.04.H82"),)
    ),
    DemoAccount("vanthu.stp", "Bùi Thị Thư", "staff", ((Role.CLERK, "000.00.04.H82"),)),
    DemoAccount("chuyenvien.sxd", "Ngô Văn Dựng", "staff", ((Role.SPECIALIST, "000.00.08.H82"),)),
    DemoAccount(
        "truongphong.sxd",
        "Mai Văn Phòng",
        "staff",
        ((Role.HEAD_OF_UNIT, "000.01.08.H82"),),
    ),
    DemoAccount("lanhdao.sxd", "Tô Thị Dung", "staff", ((Role.LEADER, "000.00.08.H82"),)),
    DemoAccount(
        "chuyenvien.snnmt",
        "Châu Văn Môi",
        "staff",
        ((Role.SPECIALIST, "000.00.07.H82"),),
    ),
    DemoAccount(
        "chuyenvien.ca",
        "Lưu Văn An",
        "staff",
        ((Role.SPECIALIST, "000.00.15.H82"),),
    ),
    DemoAccount(
        "motcua.mytho", "Dương Thị Tho", "staff", ((Role.ONE_STOP_OFFICER, "000.00.31.H82"),)
    ),
    DemoAccount("chuyenvien.mytho", "Lý Văn Minh", "staff", ((Role.SPECIALIST, "000.00.31.H82"),)),
    DemoAccount(
        "lanhdao.mytho",
        "Trương Văn Hòa",
        "staff",
        ((Role.LEADER, "000.00.31.H82"), (Role.HEAD_OF_UNIT, "000.00.31.H82")),
    ),
    DemoAccount("vanthu.mytho", "Phan Thị Lan", "staff", ((Role.CLERK, "000.00.31.H82"),)),
    DemoAccount(
        "congdan", "Nguyễn Thị Hoa", "citizen", citizen_id="082190001234", phone="0912345678"
    ),
    DemoAccount(
        "doanhnghiep",
        "Công ty TNHH Sen Hồng",
        "business",
        tax_code="1201234560",
        phone="0277385123",
    ),
]


@dataclass
class DemoReport:
    agencies_created: int = 0
    accounts_created: int = 0
    roles_assigned: int = 0


def load_demo_province() -> DemoReport:
    report = DemoReport()
    with transaction.atomic():
        for code, name, short, kind, level, parent, unit_code in AGENCIES:
            if Agency.objects.filter(code=code).exists():
                continue
            if (
                unit_code
                and not AdministrativeUnit.objects.filter(
                    era=AdministrativeUnit.Era.CURRENT, code=unit_code
                ).exists()
            ):
                unit_code = None
            create_agency(
                actor=None,
                code=code,
                name=name,
                short_name=short,
                kind=kind,
                level=level,
                parent_code=parent,
                administrative_unit_code=unit_code,
                valid_from=FOUNDED,
            )
            report.agencies_created += 1
        for account in ACCOUNTS:
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = create_user(
                    actor=None,
                    username=account.username,
                    kind=account.kind,
                    full_name=account.full_name,
                    password=DEMO_PASSWORD,
                    email=f"{account.username}@demo.tinhso.vn",
                    phone=account.phone,
                    citizen_id=account.citizen_id,
                    tax_code=account.tax_code,
                    is_staff=account.is_staff,
                    is_superuser=account.is_superuser,
                )
                report.accounts_created += 1
            for role, agency_code in account.roles:
                agency = Agency.objects.get(code=agency_code)
                if RoleAssignment.objects.filter(
                    user=user, agency=agency, role=role, valid_to__isnull=True
                ).exists():
                    continue
                assign_role(actor=None, user=user, agency=agency, role=role, valid_from=FOUNDED)
                report.roles_assigned += 1
    return report
