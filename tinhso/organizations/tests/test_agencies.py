import datetime as dt
import json
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tinhso.audit.models import AuditEntry
from tinhso.audit.services import verify_chain
from tinhso.identity.models import RoleAssignment
from tinhso.lib.errors import Conflict, InvalidInput, NotFound
from tinhso.organizations import handover
from tinhso.organizations.codes import qd20_from_qcvn102
from tinhso.organizations.models import Agency, AgencyName, AgencySuccession
from tinhso.organizations.services import (
    create_agency,
    find_agency,
    merge_agencies,
    resolve_agency,
    update_agency,
)
from tinhso.organizations.transfer import export_agencies, import_agencies, parse_agencies

pytestmark = pytest.mark.django_db


def state() -> tuple[list[tuple[Any, ...]], int, int]:
    """Everything a failed action must leave untouched."""
    rows = list(
        Agency.objects.order_by("pk").values_list(
            "code", "name", "parent_id", "status", "version", "valid_to"
        )
    )
    return rows, AuditEntry.objects.count(), AgencySuccession.objects.count()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("000.00.00.H29", "H29"),
        ("000.00.12.H56", "H56.12"),
        ("000.01.12.H56", "H56.12.01"),
        ("123.01.12.H56", "H56.12.01.123"),
    ],
)
def test_qd20_identifier_is_derived_from_the_qcvn102_code(code: str, expected: str) -> None:
    assert qd20_from_qcvn102(code) == expected


def test_create_agency_records_name_history_and_audit(province: dict[str, Any]) -> None:
    agency = find_agency("h99.04")
    assert agency.code == "000.00.04.H99"
    assert agency.parent == province["root"]
    assert list(agency.names.values_list("name", "valid_from", "valid_to")) == [
        ("Sở Tư pháp", dt.date(2020, 1, 1), None)
    ]
    entry = AuditEntry.objects.get(action="organizations.agency.create", object_id=str(agency.pk))
    assert entry.after["code"] == "000.00.04.H99"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "00.00.04.H99"}, "code"),
        ({"code": "000.00.77.H99", "parent_code": "000.00.55.H99"}, "parent_code"),
        ({"code": "000.00.77.H99", "kind": "ministry"}, "kind"),
        ({"code": "000.00.77.H99", "name": "   "}, "name"),
        ({"code": "000.00.77.H99", "identifier": "h99-77"}, "identifier"),
    ],
)
def test_invalid_agency_is_refused_and_nothing_changes(
    province: dict[str, Any], changes: dict[str, str], field: str
) -> None:
    before = state()
    values = {
        "name": "Sở Mới",
        "kind": "department",
        "level": "province",
        "parent_code": "000.00.00.H99",
        **changes,
    }
    with pytest.raises(InvalidInput) as error:
        create_agency(actor=None, **values)
    assert field in error.value.extra["errors"]
    assert state() == before


def test_duplicate_code_is_a_conflict(province: dict[str, Any]) -> None:
    before = state()
    with pytest.raises(Conflict):
        create_agency(
            actor=None, code="000.00.04.H99", name="Trùng", kind="department", level="province"
        )
    assert state() == before


def test_update_renames_with_history_and_bumps_version(province: dict[str, Any]) -> None:
    agency = province["justice"]
    updated = update_agency(
        agency,
        actor=None,
        expected_version=1,
        changes={"name": "Sở Tư pháp và Hộ tịch"},
        effective_on=dt.date(2026, 1, 1),
    )
    assert updated.version == 2
    assert updated.name_on(dt.date(2025, 12, 31)) == "Sở Tư pháp"
    assert updated.name_on(dt.date(2026, 1, 1)) == "Sở Tư pháp và Hộ tịch"
    entry = AuditEntry.objects.get(action="organizations.agency.update")
    assert (entry.before["name"], entry.after["name"]) == ("Sở Tư pháp", "Sở Tư pháp và Hộ tịch")


def test_stale_version_is_a_conflict_and_changes_nothing(province: dict[str, Any]) -> None:
    agency = province["justice"]
    update_agency(agency, actor=None, expected_version=1, changes={"phone": "02773000000"})
    before = state()
    with pytest.raises(Conflict) as error:
        update_agency(agency, actor=None, expected_version=1, changes={"name": "Tên khác"})
    assert error.value.code == "stale_version"
    assert state() == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_one_wins_the_other_gets_a_conflict(province: dict[str, Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (SQLite serialises writers)")
    agency_id = province["justice"].pk
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(name: str) -> None:
        from django.db import connections

        try:
            agency = Agency.objects.get(pk=agency_id)
            barrier.wait(timeout=10)
            update_agency(
                agency, actor=None, expected_version=agency.version, changes={"name": name}
            )
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(name,)) for name in ("Tên A", "Tên B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Agency.objects.get(pk=agency_id).version == 2


def test_moving_an_agency_under_its_own_descendant_is_refused(province: dict[str, Any]) -> None:
    before = state()
    with pytest.raises(InvalidInput, match="vòng lặp"):
        update_agency(
            province["justice"],
            actor=None,
            expected_version=1,
            changes={"parent_code": "000.01.04.H99"},
        )
    with pytest.raises(InvalidInput, match="vòng lặp"):
        update_agency(
            province["justice"],
            actor=None,
            expected_version=1,
            changes={"parent_code": "000.00.04.H99"},
        )
    assert state() == before


def test_codes_cannot_be_edited(province: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput, match="code"):
        update_agency(
            province["justice"], actor=None, expected_version=1, changes={"code": "000.00.05.H99"}
        )


def test_merge_retires_predecessor_moves_children_and_staff_and_old_codes_resolve(
    province: dict[str, Any], specialist: Any, leader: Any
) -> None:
    report = merge_agencies(
        actor=None,
        predecessor_codes=["000.00.04.H99"],
        successor_code="000.00.08.H99",
        effective_on=dt.date(2026, 3, 1),
        reason="Quyết định 12/QĐ-UBND",
    )

    justice = Agency.objects.get(code="000.00.04.H99")
    assert justice.status == Agency.Status.RETIRED
    assert justice.valid_to == dt.date(2026, 2, 28)
    assert justice.name == "Sở Tư pháp"
    assert justice.names.get().valid_to == dt.date(2026, 2, 28)
    assert Agency.objects.get(code="000.01.04.H99").parent.code == "000.00.08.H99"
    assert report.moved_children == 1
    assert report.handovers["role_assignments"] == {"moved": 1}
    resolution = resolve_agency("H99.04")
    assert resolution.is_retired
    assert [a.code for a in resolution.current] == ["000.00.08.H99"]
    leader_roles = RoleAssignment.objects.filter(user=leader).order_by("valid_from")
    assert [(r.agency.code, r.valid_to) for r in leader_roles] == [
        ("000.00.04.H99", dt.date(2026, 2, 28)),
        ("000.00.08.H99", None),
    ]
    assert AuditEntry.objects.filter(action="organizations.agency.merge").count() == 1
    assert verify_chain().is_intact


def test_merge_chain_resolves_to_the_last_successor(province: dict[str, Any]) -> None:
    merge_agencies(
        actor=None,
        predecessor_codes=["000.00.04.H99"],
        successor_code="000.00.08.H99",
        effective_on=dt.date(2026, 1, 1),
    )
    merge_agencies(
        actor=None,
        predecessor_codes=["000.00.08.H99"],
        successor_code="000.00.02.H99",
        effective_on=dt.date(2026, 6, 1),
    )
    assert [a.code for a in resolve_agency("000.00.04.H99").current] == ["000.00.02.H99"]


@pytest.mark.parametrize(
    ("predecessors", "successor", "error", "message"),
    [
        (["000.00.04.H99"], "000.00.04.H99", InvalidInput, "vào chính nó"),
        (["000.00.04.H99"], "000.01.04.H99", InvalidInput, "trực thuộc"),
        (["000.00.04.H99"], "000.00.05.H99", NotFound, "000.00.05.H99"),
        (["000.00.04.H99", "000.00.04.H99"], "000.00.08.H99", InvalidInput, "hai lần"),
    ],
)
def test_bad_mergers_are_refused_and_change_nothing(
    province: dict[str, Any], predecessors: list[str], successor: str, error: type, message: str
) -> None:
    before = state()
    with pytest.raises(error, match=message):
        merge_agencies(
            actor=None,
            predecessor_codes=predecessors,
            successor_code=successor,
            effective_on=dt.date(2026, 1, 1),
        )
    assert state() == before


def test_merging_into_a_retired_agency_is_refused(province: dict[str, Any]) -> None:
    merge_agencies(
        actor=None,
        predecessor_codes=["000.00.08.H99"],
        successor_code="000.00.02.H99",
        effective_on=dt.date(2026, 1, 1),
    )
    before = state()
    with pytest.raises(Conflict, match="đã giải thể"):
        merge_agencies(
            actor=None,
            predecessor_codes=["000.00.04.H99"],
            successor_code="000.00.08.H99",
            effective_on=dt.date(2026, 2, 1),
        )
    with pytest.raises(Conflict, match="đã giải thể"):
        merge_agencies(
            actor=None,
            predecessor_codes=["000.00.08.H99"],
            successor_code="000.00.04.H99",
            effective_on=dt.date(2026, 2, 1),
        )
    assert state() == before


def test_a_failing_handover_rolls_the_whole_merger_back(
    province: dict[str, Any], leader: Any
) -> None:
    before = state()
    assignments = list(RoleAssignment.objects.values_list("pk", "agency_id", "valid_to"))

    @handover.register("zz_failing")
    def failing(**kwargs: Any) -> dict[str, int]:
        raise RuntimeError("hand-over failed")

    try:
        with pytest.raises(RuntimeError):
            merge_agencies(
                actor=None,
                predecessor_codes=["000.00.04.H99"],
                successor_code="000.00.08.H99",
                effective_on=dt.date(2026, 1, 1),
            )
    finally:
        handover._handlers.pop("zz_failing")
    assert state() == before
    assert list(RoleAssignment.objects.values_list("pk", "agency_id", "valid_to")) == assignments
    assert AgencyName.objects.filter(valid_to__isnull=False).count() == 0


def test_export_then_import_round_trips_unchanged(province: dict[str, Any]) -> None:
    for fmt in ("csv", "json"):
        content = export_agencies(fmt)
        report = import_agencies(parse_agencies(content, fmt), actor=None)
        assert (report.created, report.updated) == ([], [])
        assert len(report.unchanged) == 6


def test_import_creates_updates_and_is_all_or_nothing(province: dict[str, Any]) -> None:
    rows = json.loads(export_agencies("json"))["agencies"]
    rows[2]["name"] = "Sở Tư pháp (đổi tên)"
    rows.append(
        {
            "code": "000.02.04.H99",
            "name": "Phòng Bổ trợ tư pháp",
            "kind": "division",
            "level": "province",
            "parent_code": "000.00.04.H99",
        }
    )
    report = import_agencies(parse_agencies(json.dumps(rows), "json"), actor=None)
    assert report.created == ["000.02.04.H99"]
    assert report.updated == ["000.00.04.H99"]
    assert find_agency("H99.04.02").parent.code == "000.00.04.H99"


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        (
            "code,name,kind,level,parent_code\n000.00.50.H99,A,department,province,000.00.51.H99\n"
            "000.00.51.H99,B,department,province,000.00.50.H99\n",
            "vòng lặp",
        ),
        (
            "code,name,kind,level,parent_code\n000.00.50.H99,A,department,province,000.00.77.H77\n",
            "không có cơ quan cấp trên",
        ),
        (
            "code,name,kind,level\n000.00.50.H99,A,department,province\n"
            "000.00.50.H99,B,department,province\n",
            "trùng",
        ),
        (
            "code,name,kind,level,valid_from\n000.00.50.H99,A,department,province,2025-02-30\n",
            "ngày",
        ),
        ("code,name,kind\n000.00.50.H99,A,department\n", "thiếu cột: level"),
        (
            "code,name,kind,level,parent_code\n000.00.00.H99,UBND,peoples_committee,province,"
            "000.01.04.H99\n",
            "vòng lặp",
        ),
    ],
)
def test_bad_import_files_are_refused_whole(
    province: dict[str, Any], csv_text: str, message: str
) -> None:
    before = state()
    with pytest.raises(InvalidInput, match=message):
        import_agencies(parse_agencies(csv_text, "csv"), actor=None)
    assert state() == before


def test_cli_merge_and_resolve(
    province: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "agencies",
        "merge",
        "000.00.04.H99",
        "--into",
        "000.00.08.H99",
        "--on",
        "2026-01-01",
        "--reason",
        "QĐ 1",
    )
    out = capsys.readouterr().out
    assert "Đã sáp nhập 000.00.04.H99 vào 000.00.08.H99 Sở Xây dựng." in out
    call_command("agencies", "resolve", "H99.04")
    assert capsys.readouterr().out.strip() == "000.00.08.H99  H99.08  Sở Xây dựng"
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command(
            "agencies", "merge", "000.00.02.H99", "--into", "000.00.08.H99", "--on", "2026-13-01"
        )
    with pytest.raises(CommandError, match="Không có cơ quan"):
        call_command("agencies", "resolve", "000.00.99.H99")


def test_cli_import_and_export_files(province: dict[str, Any], tmp_path: Any) -> None:
    target = tmp_path / "agencies.csv"
    call_command("agencies", "export", "--format", "csv", "--output", str(target))
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("code,identifier,name")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,level\nxyz,A,department,province\n", encoding="utf-8")
    with pytest.raises(CommandError, match="QCVN 102"):
        call_command("agencies", "import", str(bad))
