"""Administrative units: the shipped data set, idempotent loading, search and conversion.

Loading ~14,000 units and ~10,600 links takes about a second, so the data is loaded once for the
module inside a transaction that is rolled back at the end; each test runs in a savepoint on top
of it (pytest-django's ``db`` fixture), so nothing leaks into other modules.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from tinhso.audit.models import AuditEntry
from tinhso.lib.errors import InvalidInput, NotFound
from tinhso.lib.text import fold_text
from tinhso.organizations.models import AdministrativeUnit, AdministrativeUnitSuccession
from tinhso.organizations.units import (
    DATA_FILE,
    LoadReport,
    current_successors,
    find_units,
    legacy_predecessors,
    load_administrative_units,
    read_data_file,
    resolve_unit,
)

CURRENT, LEGACY = AdministrativeUnit.Era.CURRENT, AdministrativeUnit.Era.LEGACY
PROVINCE = AdministrativeUnit.Level.PROVINCE
DISTRICT = AdministrativeUnit.Level.DISTRICT
COMMUNE = AdministrativeUnit.Level.COMMUNE


@pytest.fixture(scope="module")
def first_load(django_db_setup: None, django_db_blocker: object) -> Iterator[LoadReport]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_administrative_units()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def units(first_load: LoadReport, db: None) -> LoadReport:
    return first_load


def unit(era: str, level: str, code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(era=era, level=level, code=code)


def codes(pairs: list[tuple[AdministrativeUnit, bool]]) -> list[tuple[str, bool]]:
    return [(u.code, is_partial) for u, is_partial in pairs]


def run(*args: str) -> str:
    out = StringIO()
    call_command("units", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


# --- the data file -------------------------------------------------------------------------------


def test_data_file_is_small_deterministic_and_documents_its_source() -> None:
    assert DATA_FILE.stat().st_size < 400_000
    raw = DATA_FILE.read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip mtime zeroed: rebuilding gives the same bytes
    document = read_data_file()
    metadata = document["metadata"]
    assert metadata["source"]["package"] == "vietnam-provinces"
    assert metadata["source"]["version"] == "2026.9.0"
    assert metadata["source"]["licence"] == "GPL-3.0-or-later"
    assert metadata["effective_date"] == "2025-07-01"
    assert metadata["counts"] == {
        "current_provinces": 34,
        "current_communes": 3321,
        "legacy_provinces": 63,
        "legacy_districts": 696,
        "legacy_wards": 10051,
        "province_successions": 63,
        "ward_successions": 10023,
        "district_successions": 5,
    }
    cities = [row[1] for row in document["current_provinces"]["rows"] if row[2] != "tỉnh"]
    assert cities == [
        "Thành phố Hà Nội",
        "Thành phố Hải Phòng",
        "Thành phố Huế",
        "Thành phố Đà Nẵng",
        "Thành phố Hồ Chí Minh",
        "Thành phố Cần Thơ",
    ]


def test_unreadable_or_foreign_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        read_data_file(tmp_path / "missing.json.gz")
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(InvalidInput):
        read_data_file(broken)
    foreign = tmp_path / "foreign.json.gz"
    foreign.write_bytes(gzip.compress(json.dumps({"metadata": {"format": 99}}).encode()))
    with pytest.raises(InvalidInput):
        read_data_file(foreign)


def test_an_inconsistent_file_changes_nothing(tmp_path: Path, db: None) -> None:
    document = {
        "metadata": {"format": 1, "source": {"version": "x", "data_version": "y"}},
        "current_provinces": {"fields": ["code", "name", "division_type", "codename"], "rows": []},
        "current_communes": {
            "fields": ["code", "name", "division_type", "codename", "province_code"],
            "rows": [["00004", "Phường Ba Đình", "phường", "phuong_ba_dinh", "01"]],
        },
    }
    path = tmp_path / "inconsistent.json.gz"
    path.write_bytes(gzip.compress(json.dumps(document).encode()))
    with pytest.raises(InvalidInput, match="không nhất quán"):
        load_administrative_units(path)
    assert not AdministrativeUnit.objects.exists()
    assert not AuditEntry.objects.exists()


# --- loading -------------------------------------------------------------------------------------


def test_load_creates_every_unit_and_link(units: LoadReport) -> None:
    assert {key: counts.created for key, counts in units.units.items()} == {
        "current.province": 34,
        "current.commune": 3321,
        "legacy.province": 63,
        "legacy.district": 696,
        "legacy.commune": 10051,
    }
    assert units.successions.created == 10623
    assert AdministrativeUnit.objects.filter(era=CURRENT, level=PROVINCE).count() == 34
    assert AdministrativeUnit.objects.filter(era=CURRENT, level=COMMUNE).count() == 3321
    assert AdministrativeUnit.objects.filter(era=LEGACY, level=PROVINCE).count() == 63
    assert AdministrativeUnit.objects.filter(era=LEGACY, level=DISTRICT).count() == 696
    assert AdministrativeUnit.objects.filter(era=LEGACY, level=COMMUNE).count() == 10051
    assert AdministrativeUnitSuccession.objects.count() == 10623
    assert not AdministrativeUnit.objects.filter(era=CURRENT, parent=None, level=COMMUNE).exists()
    assert (
        not AdministrativeUnit.objects.filter(era=LEGACY, parent=None)
        .exclude(level=PROVINCE)
        .exists()
    )
    entry = AuditEntry.objects.get(action="organizations.units.load")
    assert entry.object_id == "*"
    assert entry.after["units"]["legacy.commune"]["created"] == 10051
    assert entry.after["successions"]["created"] == 10623

    ward = unit(CURRENT, COMMUNE, "00004")
    assert (ward.name, ward.division_type, ward.codename) == (
        "Phường Ba Đình",
        "phường",
        "phuong_ba_dinh",
    )
    assert ward.parent == unit(CURRENT, PROVINCE, "01")
    assert (str(ward.valid_from), ward.valid_to) == ("2025-07-01", None)
    old = unit(LEGACY, COMMUNE, "00004")
    assert (old.name, old.parent.code, old.parent.parent.code) == ("Phường Trúc Bạch", "001", "01")
    assert (old.valid_from, str(old.valid_to)) == (None, "2025-06-30")


def test_second_load_changes_nothing_and_a_rename_is_updated(units: LoadReport) -> None:
    entries = AuditEntry.objects.count()
    again = load_administrative_units()
    assert (again.created, again.updated, again.has_changes) == (0, 0, False)
    assert again.units["legacy.commune"].unchanged == 10051
    assert again.successions.unchanged == 10623
    assert AuditEntry.objects.count() == entries

    AdministrativeUnit.objects.filter(era=CURRENT, level=COMMUNE, code="00004").update(name="Cũ")
    AdministrativeUnitSuccession.objects.filter(
        predecessor__era=LEGACY, predecessor__level=COMMUNE, predecessor__code="00016"
    ).update(is_partial=False)
    repaired = load_administrative_units()
    assert repaired.units["current.commune"].updated == 1
    assert repaired.successions.updated == 2
    assert repaired.created == 0
    assert unit(CURRENT, COMMUNE, "00004").name == "Phường Ba Đình"
    assert AuditEntry.objects.count() == entries + 1


# --- conversion ----------------------------------------------------------------------------------


def test_known_mappings(units: LoadReport) -> None:
    ba_dinh = legacy_predecessors(unit(CURRENT, COMMUNE, "00004"))
    names = {u.name: is_partial for u, is_partial in ba_dinh}
    assert names["Phường Trúc Bạch"] is False
    assert names["Phường Quán Thánh"] is False
    assert names["Phường Ngọc Hà"] is True
    assert len(ba_dinh) == 10

    # Ho Chi Minh City and Hung Yen gathered whole provinces.
    assert codes(legacy_predecessors(unit(CURRENT, PROVINCE, "79"))) == [
        ("74", False),
        ("77", False),
        ("79", False),
    ]
    assert [u.name for u, _ in legacy_predecessors(unit(CURRENT, PROVINCE, "33"))] == [
        "Tỉnh Hưng Yên",
        "Tỉnh Thái Bình",
    ]
    assert codes(current_successors(unit(LEGACY, PROVINCE, "74"))) == [("79", False)]
    # Tiền Giang went to Đồng Tháp except one commune, which went to Tây Ninh.
    assert codes(current_successors(unit(LEGACY, PROVINCE, "82"))) == [("80", True), ("82", True)]

    # A ward wholly merged, and one split between two new wards.
    assert codes(current_successors(unit(LEGACY, COMMUNE, "00004"))) == [("00004", False)]
    assert codes(current_successors(unit(LEGACY, COMMUNE, "00016"))) == [
        ("00004", True),
        ("00008", True),
    ]
    # A district is the union of its wards' successors.
    assert codes(current_successors(unit(LEGACY, DISTRICT, "001"))) == [
        ("00004", True),
        ("00008", True),
        ("00025", True),
        ("00070", True),
        ("00097", True),
        ("00190", True),
        ("00199", True),
        ("00226", True),
    ]
    # An island district without communes became a special zone.
    assert codes(current_successors(unit(LEGACY, DISTRICT, "755"))) == [("26732", False)]
    assert codes(legacy_predecessors(unit(CURRENT, COMMUNE, "26732"))) == [("755", False)]
    with pytest.raises(InvalidInput):
        current_successors(unit(CURRENT, COMMUNE, "00004"))
    with pytest.raises(InvalidInput):
        legacy_predecessors(unit(LEGACY, COMMUNE, "00004"))


def test_search_ignores_diacritics_and_resolve_refuses_unknown_codes(units: LoadReport) -> None:
    found = find_units("dang", era=CURRENT, level=COMMUNE, limit=500)
    assert [u.name for u in found] == [
        "Xã Bạch Đằng",
        "Xã Đồng Đăng",
        "Phường Bạch Đằng",
        "Xã Đặng Thùy Trâm",
        "Xã Cuôr Đăng",
        "Xã Dang Kang",
        "Xã Bù Đăng",
        "Xã Cần Đăng",
    ]
    assert all("dang" in fold_text(u.name).split() for u in found)
    assert [u.pk for u in find_units("ĐẰNG", era=CURRENT, level=COMMUNE, limit=500)] == [
        u.pk for u in found
    ]
    by_prefix = find_units("dan", era=CURRENT, level=COMMUNE, limit=5000)
    assert {u.pk for u in found} < {u.pk for u in by_prefix}
    assert [(u.era, u.code) for u in find_units("phuong ba dinh", limit=2)] == [
        (CURRENT, "00004"),
        (LEGACY, "14776"),
    ]
    assert [u.name for u in find_units("ea h'leo", era=CURRENT)] == ["Xã Ea H’Leo"]
    assert [u.code for u in find_units("ho chi minh", level=PROVINCE)] == ["79", "79"]
    assert find_units("zzzz") == []
    assert find_units("   ") == []

    assert resolve_unit("4", level=COMMUNE).name == "Phường Ba Đình"
    assert resolve_unit("00004", level=COMMUNE, era=LEGACY).name == "Phường Trúc Bạch"
    assert resolve_unit("1", level=DISTRICT).name == "Quận Ba Đình"
    with pytest.raises(NotFound, match="Không tìm thấy đơn vị hành chính cấp xã có mã 99999"):
        resolve_unit("99999", level=COMMUNE)
    with pytest.raises(NotFound):
        resolve_unit("001", level=DISTRICT, era=CURRENT)
    with pytest.raises(InvalidInput):
        resolve_unit("abc", level=PROVINCE)
    with pytest.raises(InvalidInput):
        resolve_unit("01", level="country")


# --- command line --------------------------------------------------------------------------------


def test_command_line(units: LoadReport) -> None:
    entries = AuditEntry.objects.count()
    loaded = run("load")
    assert "Xã, phường, thị trấn (trước 01/7/2025): tạo mới 0, cập nhật 0, không đổi 10051" in (
        loaded
    )
    assert "Không có thay đổi." in loaded
    assert AuditEntry.objects.count() == entries

    assert run("search", "phuong ba dinh").splitlines()[0] == (
        "00004  Phường Ba Đình, Thành phố Hà Nội  [cấp xã]"
    )
    assert run("search", "truc bach", "--legacy").splitlines() == [
        "00004  Phường Trúc Bạch, Quận Ba Đình, Thành phố Hà Nội  [cấp xã]"
    ]
    assert run("convert", "00016").splitlines() == [
        "00016  Phường Ngọc Hà, Quận Ba Đình, Thành phố Hà Nội  [trước 01/7/2025]",
        "  -> 00004  Phường Ba Đình, Thành phố Hà Nội (một phần)",
        "  -> 00008  Phường Ngọc Hà, Thành phố Hà Nội (một phần)",
    ]
    assert run("convert", "Phường Quán Thánh").splitlines()[1:] == [
        "  -> 00004  Phường Ba Đình, Thành phố Hà Nội"
    ]
    with pytest.raises(CommandError, match="hãy dùng mã"):
        run("convert", "phuong ngoc ha")
    shown = run("show", "79", "--level", "province")
    assert "Loại: thành phố trung ương" in shown
    assert "    74  Tỉnh Bình Dương" in shown
    assert "    77  Tỉnh Bà Rịa - Vũng Tàu" in shown
    with pytest.raises(CommandError, match="có mã 99999"):
        run("show", "99999", "--level", "commune")
