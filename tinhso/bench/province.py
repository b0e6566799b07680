"""The benchmark province "H91": its agencies, staff, citizens and procedure catalogue, written
with bulk inserts (a few thousand rows; the per-row services would write one audit entry each,
and these rows are test data, see docs/decisions/0006-benchmarks.md).

Everything the seed creates is recognisable, so that ``--reset`` removes exactly it: agency codes
end in ``.H91``, user names start with ``bench.``, sector codes with ``BENCH-`` and procedure
codes end in ``.H91``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from tinhso.audit.services import actor_label_for
from tinhso.catalog.models import Component, FeeLine, ProcedureVersion, ProcessStep, Sector
from tinhso.catalog.models import Procedure as ProcedureModel
from tinhso.identity.models import Role, RoleAssignment, User
from tinhso.lib.text import fold_text
from tinhso.organizations.codes import qd20_from_qcvn102
from tinhso.organizations.models import Agency, AgencyName

PROVINCE = "H91"
SUFFIX = f".{PROVINCE}"
USER_PREFIX = "bench."
SECTOR_PREFIX = "BENCH-"
ROOT = f"000.00.00{SUFFIX}"
CENTRE = f"000.00.02{SUFFIX}"
FOUNDED = dt.date(2015, 1, 1)
CITIZEN_ID_PREFIXES = ("082", "079", "001", "087", "083", "080", "086", "089")

DEPARTMENTS = [
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Thanh tra tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Sở Ngoại vụ",
    "Ban Quản lý dự án đầu tư xây dựng",
    "Đài Phát thanh và Truyền hình",
    "Quỹ Phát triển đất",
    "Trung tâm Xúc tiến đầu tư",
    "Ban Dân tộc",
    "Sở Lao động",
    "Văn phòng Đăng ký đất đai",
    "Trung tâm Kiểm soát bệnh tật",
    "Trường Chính trị",
    "Ban Quản lý khu kinh tế",
    "Trung tâm Công nghệ thông tin",
    "Sở Giao thông",
    "Chi cục Thuế",
    "Kho bạc Nhà nước",
]
DIVISIONS = ["Phòng Hành chính", "Phòng Nghiệp vụ 1", "Phòng Nghiệp vụ 2", "Phòng Quản lý"]
SECTORS = [
    "Hộ tịch",
    "Chứng thực",
    "Lý lịch tư pháp",
    "Đất đai",
    "Xây dựng",
    "Đăng ký kinh doanh",
    "Đầu tư",
    "Thương mại",
    "Giáo dục",
    "Y tế",
    "Văn hóa",
    "Du lịch",
    "Nông nghiệp",
    "Môi trường",
    "Tài nguyên nước",
    "Lao động",
    "Bảo trợ xã hội",
    "Người có công",
    "Tôn giáo",
    "Thi đua, khen thưởng",
    "Giao thông",
    "Khoa học công nghệ",
    "Công chức, viên chức",
    "Nhà ở",
    "Dược phẩm",
    "Thuế",
    "Tài chính",
    "Công thương",
    "Thủy sản",
    "Lâm nghiệp",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Phan"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Thu", "Đức", "Hồng"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khoa", "Lan", "Mai", "Nam", "Phúc", "Tâm"]
VERBS = ["Cấp", "Đăng ký", "Cấp lại", "Điều chỉnh", "Gia hạn", "Thẩm định", "Xác nhận", "Công nhận"]
OBJECTS = [
    "giấy phép",
    "giấy chứng nhận",
    "hồ sơ",
    "chứng chỉ hành nghề",
    "quyết định",
    "giấy xác nhận",
    "văn bản chấp thuận",
]
DAYS = [1, 2, 3, 3, 5, 5, 7, 10, 10, 15, 15, 20, 30]
FORM_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["purpose"],
    "properties": {
        "purpose": {"type": "string", "minLength": 1, "maxLength": 200},
        "copies": {"type": "integer", "minimum": 1, "maximum": 10},
    },
}
FORM_UI = {
    "order": ["purpose", "copies"],
    "fields": {
        "purpose": {"label": "Mục đích", "widget": "text"},
        "copies": {"label": "Số bản", "widget": "number"},
    },
}


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def citizen_id(rng: random.Random, serial: int) -> str:
    return f"{rng.choice(CITIZEN_ID_PREFIXES)}{rng.randint(0, 2)}{serial:08d}"


def phone(serial: int) -> str:
    return f"09{serial % 100_000_000:08d}"


@dataclass
class Staff:
    id: int
    label: str


@dataclass
class BenchAgency:
    id: int
    code: str
    level: str  # "province" or "commune"
    weight: float
    parent_id: int | None
    divisions: list[int] = field(default_factory=list)
    officers: list[Staff] = field(default_factory=list)
    specialists: list[Staff] = field(default_factory=list)
    heads: list[Staff] = field(default_factory=list)
    leaders: list[Staff] = field(default_factory=list)


@dataclass(frozen=True)
class StepPlan:
    position: int
    code: str
    name: str
    role: str
    agency_id: int | None  # None: the receiving agency
    is_inter_agency: bool
    days: int


@dataclass
class BenchVersion:
    id: int
    code: str
    level: str
    online: bool
    days: int
    fee_total: int
    weight: float
    agency_ids: list[int]
    steps: list[StepPlan]


@dataclass
class Citizen:
    id: int
    label: str
    name: str
    citizen_id: str
    phone: str


@dataclass
class Province:
    agencies: dict[int, BenchAgency]
    versions: list[BenchVersion]
    citizens: list[Citizen]

    @property
    def communes(self) -> list[BenchAgency]:
        return [a for a in self.agencies.values() if a.level == "commune"]


def _agency_rows(rng: random.Random) -> list[tuple[str, str, str, str, str | None, float]]:
    """(code, name, kind, level, parent code, weight) — ≈200 agencies."""
    rows: list[tuple[str, str, str, str, str | None, float]] = [
        (ROOT, "Ủy ban nhân dân tỉnh Thử Tải", "peoples_committee", "province", None, 0.0),
        (f"000.00.01{SUFFIX}", "Văn phòng Ủy ban nhân dân tỉnh", "office", "province", ROOT, 0.0),
        (CENTRE, "Trung tâm Phục vụ hành chính công", "service_centre", "province", ROOT, 0.0),
    ]
    for number, name in enumerate(DEPARTMENTS, start=3):
        code = f"000.00.{number:02d}{SUFFIX}"
        weight = 1.0 / (number - 2) ** 0.8
        rows.append((code, name, "department", "province", ROOT, weight))
        for sub, division in enumerate(DIVISIONS[: 3 if number % 2 else 4], start=1):
            rows.append(
                (f"000.{sub:02d}.{number:02d}{SUFFIX}", division, "division", "province", code, 0)
            )
    for number in range(31, 100):
        weight = rng.uniform(0.4, 1.6)
        rows.append(
            (
                f"000.00.{number:02d}{SUFFIX}",
                f"Ủy ban nhân dân xã Thử Tải {number - 30}",
                "peoples_committee",
                "commune",
                ROOT,
                weight,
            )
        )
    return rows


@transaction.atomic
def create_province(
    *, seed: int, procedures: int, citizens: int, hours_per_day: Decimal
) -> Province:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    rows = _agency_rows(rng)
    agencies = Agency.objects.bulk_create(
        Agency(
            code=code,
            identifier=qd20_from_qcvn102(code),
            name=name,
            kind=kind,
            level=level,
            valid_from=FOUNDED,
        )
        for code, name, kind, level, _parent, _weight in rows
    )
    by_code = {agency.code: agency for agency in agencies}
    for agency, (_code, _name, _kind, _level, parent, _weight) in zip(agencies, rows, strict=True):
        agency.parent = by_code[parent] if parent else None
    Agency.objects.bulk_update(agencies, ["parent"])
    AgencyName.objects.bulk_create(
        AgencyName(agency=agency, name=agency.name, valid_from=FOUNDED) for agency in agencies
    )
    bench: dict[int, BenchAgency] = {}
    for agency, (_code, _name, kind, level, parent, weight) in zip(agencies, rows, strict=True):
        bench[agency.pk] = BenchAgency(
            agency.pk, agency.code, level, weight, by_code[parent].pk if parent else None
        )
        if kind == "division" and parent:
            bench[by_code[parent].pk].divisions.append(agency.pk)
    _create_staff(bench, rng)
    people = _create_citizens(citizens, rng)
    versions = _create_catalogue(bench, procedures, rng, hours_per_day)
    return Province(bench, versions, people)


def _create_staff(agencies: dict[int, BenchAgency], rng: random.Random) -> None:
    unusable = make_password(None)
    plan: list[tuple[BenchAgency, str, int]] = []
    for agency in agencies.values():
        receiving = agency.weight > 0
        if receiving:
            plan += [
                (agency, Role.ONE_STOP_OFFICER, 2),
                (agency, Role.SPECIALIST, 2),
                (agency, Role.HEAD_OF_UNIT, 1),
                (agency, Role.LEADER, 1),
            ]
        elif agency.parent_id is not None and agencies[agency.parent_id].weight > 0:
            plan += [(agency, Role.SPECIALIST, 3), (agency, Role.HEAD_OF_UNIT, 1)]
        else:
            plan += [(agency, Role.LEADER, 1)]
    users: list[User] = []
    owners: list[tuple[BenchAgency, str]] = []
    for agency, role, count in plan:
        for number in range(count):
            users.append(
                User(
                    username=f"{USER_PREFIX}{role}.{agency.code.lower()}.{number}",
                    kind=User.Kind.STAFF,
                    full_name=person_name(rng),
                    password=unusable,
                )
            )
            owners.append((agency, role))
    users = User.objects.bulk_create(users)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, agency_id=agency.id, role=role, valid_from=FOUNDED)
        for user, (agency, role) in zip(users, owners, strict=True)
    )
    lists = {
        Role.ONE_STOP_OFFICER: "officers",
        Role.SPECIALIST: "specialists",
        Role.HEAD_OF_UNIT: "heads",
        Role.LEADER: "leaders",
    }
    for user, (agency, role) in zip(users, owners, strict=True):
        getattr(agency, lists[Role(role)]).append(Staff(user.pk, actor_label_for(user)))


def _create_citizens(count: int, rng: random.Random) -> list[Citizen]:
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(
            username=f"{USER_PREFIX}citizen.{serial}",
            kind=User.Kind.CITIZEN,
            full_name=person_name(rng),
            citizen_id=citizen_id(rng, serial),
            phone=phone(serial),
            password=unusable,
        )
        for serial in range(count)
    )
    return [
        Citizen(u.pk, actor_label_for(u), u.full_name, u.citizen_id or "", u.phone) for u in users
    ]


def _create_catalogue(
    agencies: dict[int, BenchAgency], count: int, rng: random.Random, hours_per_day: Decimal
) -> list[BenchVersion]:
    sectors = Sector.objects.bulk_create(
        Sector(code=f"{SECTOR_PREFIX}{number:02d}", name=name)
        for number, name in enumerate(SECTORS, start=1)
    )
    departments = [a for a in agencies.values() if a.level == "province" and a.weight > 0]
    communes = [a for a in agencies.values() if a.level == "commune"]
    commune_count = max(1, count // 6)
    procedures = ProcedureModel.objects.bulk_create(
        ProcedureModel(national_code=f"9.{number:06d}", code=f"9.{number:06d}.000.00.00{SUFFIX}")
        for number in range(1, count + 1)
    )
    plans: list[tuple[ProcedureVersion, BenchVersion, list[int]]] = []
    start = dt.date(2020, 1, 1)
    for rank, procedure in enumerate(procedures):
        commune_level = rank % 6 == 0 and rank // 6 < commune_count
        days = rng.choice(DAYS)
        online = rng.random() < 0.8
        name = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {procedure.national_code}"
        version = ProcedureVersion(
            procedure=procedure,
            number=1,
            status=ProcedureVersion.Status.PUBLISHED,
            name=name,
            name_folded=fold_text(name),
            sector=rng.choice(sectors),
            level="commune" if commune_level else "province",
            target_groups=["citizen"],
            channels=["direct", "online", "post"] if online else ["direct", "post"],
            online_mode=(
                rng.choice([ProcedureVersion.OnlineMode.FULL, ProcedureVersion.OnlineMode.PARTIAL])
                if online
                else ProcedureVersion.OnlineMode.NONE
            ),
            processing_time=Decimal(days),
            processing_time_unit=ProcedureVersion.TimeUnit.WORKING_DAY,
            results=["Giấy chứng nhận"],
            form_schema=FORM_SCHEMA,
            form_ui=FORM_UI,
            valid_from=start,
            published_at=dt.datetime(2019, 12, 20, tzinfo=dt.UTC),
        )
        # Volume follows a power law: a few procedures (civil status, land) take most dossiers.
        weight = 1.0 / (rank + 1) ** 1.05
        if commune_level:
            owners = [a.id for a in communes]
            steps = [
                StepPlan(1, "TN", "Tiếp nhận hồ sơ", Role.ONE_STOP_OFFICER, None, False, 0),
                StepPlan(2, "TD", "Thẩm định", Role.SPECIALIST, None, False, 0),
                StepPlan(3, "PD", "Phê duyệt", Role.LEADER, None, False, 0),
            ]
        else:
            # The first department gets a share of the popular procedures: the busiest agency
            # (a land registry, say) is the one the worklist and statistics are measured on.
            busiest = rank % 3 == 1 and rank < 200
            department = departments[0 if busiest else rank % len(departments)]
            owners = [department.id]
            division = department.divisions[rank % len(department.divisions)]
            steps = [
                StepPlan(1, "TN", "Tiếp nhận hồ sơ", Role.ONE_STOP_OFFICER, None, False, 0),
                StepPlan(2, "TD", "Thẩm định", Role.SPECIALIST, division, False, 0),
            ]
            if rank % 20 == 7 and days >= 5:
                other = departments[(rank + 3) % len(departments)]
                steps.append(
                    StepPlan(3, "LT", "Lấy ý kiến liên thông", Role.SPECIALIST, other.id, True, 0)
                )
            steps.append(StepPlan(len(steps) + 1, "PD", "Phê duyệt", Role.LEADER, None, False, 0))
        steps = _allot(steps, days)
        fees = [rng.choice([0, 20_000, 50_000, 100_000, 500_000])] if rank % 3 else []
        plans.append(
            (
                version,
                BenchVersion(
                    0, procedure.code, version.level, online, days, sum(fees), weight, owners, steps
                ),
                fees,
            )
        )
    versions = ProcedureVersion.objects.bulk_create(v for v, _, _ in plans)
    through = ProcedureVersion.implementing_agencies.through
    links = []
    components = []
    fee_lines = []
    process = []
    for version, (_, plan, fees) in zip(versions, plans, strict=True):
        plan.id = version.pk
        links += [through(procedureversion_id=version.pk, agency_id=a) for a in plan.agency_ids]
        components += [
            # Not required: submitting would otherwise need documents uploaded to the store
            # first (docs/performance.md, "What submission measures").
            Component(
                version=version,
                position=n,
                code=f"TP{n}",
                name=f"Giấy tờ số {n}",
                is_required=False,
            )
            for n in range(1, 2 + version.pk % 4)
        ]
        fee_lines += [
            FeeLine(version=version, position=n, description="Lệ phí", amount=amount)
            for n, amount in enumerate(fees, start=1)
            if amount
        ]
        process += [
            ProcessStep(
                version=version,
                position=step.position,
                code=step.code,
                name=step.name,
                responsible_role=step.role,
                responsible_agency_id=step.agency_id,
                is_inter_agency=step.is_inter_agency,
                allotted_hours=hours_per_day * step.days,
            )
            for step in plan.steps
        ]
    through.objects.bulk_create(links, batch_size=5000)
    Component.objects.bulk_create(components, batch_size=5000)
    FeeLine.objects.bulk_create(fee_lines, batch_size=5000)
    ProcessStep.objects.bulk_create(process, batch_size=5000)
    return [plan for _, plan, _ in plans]


def _allot(steps: list[StepPlan], days: int) -> list[StepPlan]:
    """Whole working days per step, adding up to at most the legal time (as publishing
    requires); reception and approval get what is left over after appraisal."""
    shares = [0] * len(steps)
    remaining = days
    order = [i for i, s in enumerate(steps) if s.code in ("TD", "LT")] + [
        i for i, s in enumerate(steps) if s.code not in ("TD", "LT")
    ]
    # Appraisal first, then the rest, one day each while days remain.
    while remaining > 0:
        for i in order:
            if remaining == 0:
                break
            shares[i] += 1
            remaining -= 1
            if i == order[0] and remaining > len(steps):
                shares[i] += remaining // 2
                remaining -= remaining // 2
    return [
        StepPlan(s.position, s.code, s.name, s.role, s.agency_id, s.is_inter_agency, share)
        for s, share in zip(steps, shares, strict=True)
    ]
