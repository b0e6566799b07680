"""The named personas every app's tests use (the environment is prepared by the
``tinhso.testing`` pytest plugin, before Django loads)."""

import datetime as dt
from typing import Any

import pytest

pytest_plugins = ["tinhso.browser_testing"]

FOUNDED = dt.date(2020, 1, 1)
PASSWORD = "Mat-khau-thu-nghiem-2026"


@pytest.fixture
def province(db: Any) -> dict[str, Any]:
    """A small province: the people's committee, two departments (one with a division), a
    one-stop centre and a commune."""
    from tinhso.organizations.services import create_agency

    def make(code: str, name: str, kind: str, level: str = "province", parent: str | None = None):
        return create_agency(
            actor=None,
            code=code,
            name=name,
            kind=kind,
            level=level,
            parent_code=parent,
            valid_from=FOUNDED,
        )

    root = make("000.00.00.H99", "Ủy ban nhân dân tỉnh Thử Nghiệm", "peoples_committee")
    return {
        "root": root,
        "centre": make(
            "000.00.02.H99", "Trung tâm Phục vụ hành chính công", "service_centre", parent=root.code
        ),
        "justice": make("000.00.04.H99", "Sở Tư pháp", "department", parent=root.code),
        "justice_division": make(
            "000.01.04.H99", "Phòng Hành chính tư pháp", "division", parent="000.00.04.H99"
        ),
        "construction": make("000.00.08.H99", "Sở Xây dựng", "department", parent=root.code),
        "commune": make(
            "000.00.31.H99",
            "Ủy ban nhân dân phường Một",
            "peoples_committee",
            level="commune",
            parent=root.code,
        ),
    }


def _staff(username: str, full_name: str, roles: list[tuple[str, Any]]) -> Any:
    from tinhso.identity.services import assign_role, create_user

    user = create_user(
        actor=None, username=username, kind="staff", full_name=full_name, password=PASSWORD
    )
    for role, agency in roles:
        assign_role(actor=None, user=user, agency=agency, role=role, valid_from=FOUNDED)
    return user


@pytest.fixture
def citizen(db: Any) -> Any:
    from tinhso.identity.services import create_user

    return create_user(
        actor=None,
        username="congdan.an",
        kind="citizen",
        full_name="Nguyễn Văn An",
        password=PASSWORD,
        citizen_id="082090001111",
        phone="0912000111",
    )


@pytest.fixture
def one_stop_officer(province: dict[str, Any]) -> Any:
    return _staff("motcua", "Lê Thị Một Cửa", [("one_stop_officer", province["centre"])])


@pytest.fixture
def specialist(province: dict[str, Any]) -> Any:
    return _staff("chuyenvien", "Đặng Văn Chuyên", [("specialist", province["justice_division"])])


@pytest.fixture
def head_of_unit(province: dict[str, Any]) -> Any:
    return _staff(
        "truongphong", "Huỳnh Thị Phòng", [("head_of_unit", province["justice_division"])]
    )


@pytest.fixture
def leader(province: dict[str, Any]) -> Any:
    return _staff("lanhdao", "Võ Văn Đạo", [("leader", province["justice"])])


@pytest.fixture
def clerk(province: dict[str, Any]) -> Any:
    return _staff("vanthu", "Bùi Thị Thư", [("clerk", province["justice"])])


@pytest.fixture
def agency_administrator(province: dict[str, Any]) -> Any:
    return _staff("quantri.stp", "Phạm Minh Quang", [("agency_administrator", province["justice"])])


@pytest.fixture
def provincial_administrator(province: dict[str, Any]) -> Any:
    return _staff(
        "quantri.tinh", "Nguyễn Văn Quản", [("provincial_administrator", province["root"])]
    )


@pytest.fixture
def other_agency_officer(province: dict[str, Any]) -> Any:
    """An officer of another agency (construction): must be refused everywhere in justice."""
    return _staff(
        "chuyenvien.sxd",
        "Ngô Văn Dựng",
        [
            ("specialist", province["construction"]),
            ("agency_administrator", province["construction"]),
        ],
    )
