import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tinhso.audit.models import AuditEntry
from tinhso.catalog.models import Procedure, ProcedureVersion
from tinhso.catalog.services import create_version, open_version_for_submission
from tinhso.catalog.tests.conftest import BIRTH_CODE, RECORD_CODE, birth_data, record_data
from tinhso.catalog.transfer import (
    FORMAT,
    export_json,
    export_xlsx,
    import_catalog,
    parse_catalog,
)
from tinhso.lib.errors import InvalidInput

pytestmark = pytest.mark.django_db
Status = ProcedureVersion.Status
DEATH_CODE = "1.000656.000.00.00.H99"


def item(code: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "national_code": code[:8], **data}


def json_file(*items: dict[str, Any]) -> bytes:
    return json.dumps({"format": FORMAT, "procedures": list(items)}).encode()


def state() -> tuple[int, int, int]:
    return Procedure.objects.count(), ProcedureVersion.objects.count(), AuditEntry.objects.count()


def test_json_import_adds_drafts_then_publishes(
    province: dict[str, Any], frozen_today: Any
) -> None:
    content = json_file(item(BIRTH_CODE, birth_data()), item(RECORD_CODE, record_data()))
    report = import_catalog(parse_catalog(content, "json"), actor=None)
    assert report.added == [BIRTH_CODE, RECORD_CODE]
    assert ProcedureVersion.objects.filter(status=Status.DRAFT).count() == 2
    # Importing the same file again with --publish reuses the drafts rather than adding more.
    report = import_catalog(parse_catalog(content, "json"), actor=None, publish=True)
    assert report.counts() == {"added": 2, "changed": 0, "unchanged": 0, "absent": 0, "retired": 0}
    assert ProcedureVersion.objects.filter(status=Status.PUBLISHED).count() == 2
    assert ProcedureVersion.objects.count() == 2
    assert AuditEntry.objects.filter(action="catalog.version.publish").count() == 2
    assert AuditEntry.objects.filter(action="catalog.import").count() == 2


def test_diff_report_counts_added_changed_unchanged_and_retired(
    province: dict[str, Any], make_published: Any
) -> None:
    make_published()
    make_published(RECORD_CODE, record_data())
    death = birth_data(name="Đăng ký khai tử", results=["Trích lục khai tử"])
    changed_birth = birth_data(fees=[{"description": "Lệ phí", "amount": 8000}])
    content = json_file(item(BIRTH_CODE, changed_birth), item(DEATH_CODE, death))
    before = state()
    dry = import_catalog(
        parse_catalog(content, "json"),
        actor=None,
        publish=True,
        retire_missing=True,
        dry_run=True,
        effective_from=dt.date(2026, 4, 1),
    )
    assert dry.counts() == {"added": 1, "changed": 1, "unchanged": 0, "absent": 1, "retired": 1}
    assert (dry.added, dry.changed, dry.retired) == ([DEATH_CODE], [BIRTH_CODE], [RECORD_CODE])
    assert state() == before  # the dry run wrote nothing
    report = import_catalog(
        parse_catalog(content, "json"),
        actor=None,
        publish=True,
        retire_missing=True,
        effective_from=dt.date(2026, 4, 1),
    )
    assert report.counts() == dry.counts()
    commune = province["commune"]
    april = dt.datetime(2026, 4, 1, 3, 0, tzinfo=dt.UTC)
    assert open_version_for_submission(BIRTH_CODE, commune, april).fees.get().amount == 8000
    assert open_version_for_submission(DEATH_CODE, commune, april).number == 1
    record = Procedure.objects.get(code=RECORD_CODE)
    assert record.retired_on == dt.date(2026, 4, 1)
    assert AuditEntry.objects.filter(action="catalog.procedure.retire").count() == 1
    # Without --retire-missing an absent procedure is only reported.
    again = import_catalog(
        parse_catalog(json_file(item(DEATH_CODE, death)), "json"),
        actor=None,
        effective_from=dt.date(2026, 4, 1),
    )
    assert again.counts() == {"added": 0, "changed": 0, "unchanged": 1, "absent": 1, "retired": 0}
    assert again.absent == [BIRTH_CODE]


def test_xlsx_round_trip_is_unchanged(province: dict[str, Any], make_published: Any) -> None:
    make_published()
    make_published(RECORD_CODE, record_data())
    content = export_xlsx()
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["procedures", "components", "fees", "steps", "forms"]
    assert [c.value for c in workbook["procedures"][1]][:3] == ["code", "national_code", "name"]
    assert workbook["steps"].max_row == 1 + 4 + 4
    items = parse_catalog(content, "xlsx")
    report = import_catalog(items, actor=None, publish=True)
    assert report.counts() == {"added": 0, "changed": 0, "unchanged": 2, "absent": 0, "retired": 0}
    json_items = parse_catalog(export_json().encode(), "json")
    assert import_catalog(json_items, actor=None).unchanged == [BIRTH_CODE, RECORD_CODE]


def test_an_edited_spreadsheet_is_a_change(province: dict[str, Any], make_published: Any) -> None:
    make_published()
    workbook = load_workbook(io.BytesIO(export_xlsx()))
    workbook["fees"]["C2"] = 8000
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_catalog(parse_catalog(buffer.getvalue(), "xlsx"), actor=None)
    assert report.changed == [BIRTH_CODE]
    assert ProcedureVersion.objects.get(number=2).status == Status.DRAFT


def test_broken_rows_are_all_reported_with_sheet_and_row_and_nothing_changes(
    province: dict[str, Any], make_published: Any
) -> None:
    make_published()
    workbook = load_workbook(io.BytesIO(export_xlsx()))
    workbook["procedures"]["F2"] = "district"  # level
    workbook["components"]["C3"] = None  # name of the second component
    workbook["steps"]["H3"] = 40  # allotted hours of the second step: exceeds 7.5 h
    workbook["fees"].append([BIRTH_CODE, "Lệ phí", -5, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = state()
    with pytest.raises(InvalidInput) as caught:
        import_catalog(parse_catalog(buffer.getvalue(), "xlsx"), actor=None, publish=True)
    assert caught.value.extra["errors"] == [
        "trang tính procedures, dòng 2, cột level: Cấp thực hiện 'district' không hợp lệ; "
        "chọn: province, commune.",
        "trang tính components, dòng 3, cột name: Thiếu tên giấy tờ.",
        "trang tính fees, dòng 3, cột amount: Số tiền phải là số nguyên đồng, không âm.",
        "trang tính steps, dòng 2–5: Quy trình nội bộ cần 44 giờ làm việc, vượt thời hạn giải "
        "quyết 7.5 giờ (1 ngày làm việc × 7.5 giờ) là 36.5 giờ.",
    ]
    assert caught.value.detail.startswith("Tệp có 4 lỗi, không nhập thủ tục nào:\n")
    assert state() == before


def test_process_exceeding_the_legal_time_points_at_the_steps_rows(
    province: dict[str, Any], make_published: Any
) -> None:
    make_published()
    workbook = load_workbook(io.BytesIO(export_xlsx()))
    workbook["steps"]["H3"] = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(InvalidInput) as caught:
        import_catalog(parse_catalog(buffer.getvalue(), "xlsx"), actor=None)
    assert caught.value.extra["errors"] == [
        "trang tính steps, dòng 2–5: Quy trình nội bộ cần 44 giờ làm việc, vượt thời hạn giải "
        "quyết 7.5 giờ (1 ngày làm việc × 7.5 giờ) là 36.5 giờ."
    ]


def test_structural_errors_of_a_workbook(province: dict[str, Any], make_published: Any) -> None:
    make_published()
    workbook = load_workbook(io.BytesIO(export_xlsx()))
    workbook["steps"].append(["9.999999.H99", 1, "X", "X", "leader", "", False, 1])
    workbook["procedures"].append([BIRTH_CODE, "1.001193", "Trùng"])
    workbook["forms"]["B2"] = "{not json"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(InvalidInput) as caught:
        parse_catalog(buffer.getvalue(), "xlsx")
    assert caught.value.extra["errors"] == [
        f"Trang tính procedures, dòng 3: mã {BIRTH_CODE} trùng với dòng 2.",
        "Trang tính steps, dòng 6: không có thủ tục 9.999999.H99 trong trang tính procedures.",
        "Trang tính forms, dòng 2, cột form_schema: JSON không hợp lệ "
        "(Expecting property name enclosed in double quotes, ký tự 1).",
    ]
    with pytest.raises(InvalidInput) as not_xlsx:
        parse_catalog(b"not a zip", "xlsx")
    assert not_xlsx.value.detail.startswith("Không đọc được tệp XLSX")


def test_json_errors_name_the_procedure_and_field(
    province: dict[str, Any], frozen_today: Any
) -> None:
    bad = birth_data(implementing_agencies=["000.00.99.H99"])
    content = json_file(item(BIRTH_CODE, bad), item(BIRTH_CODE, birth_data()))
    with pytest.raises(InvalidInput) as caught:
        import_catalog(parse_catalog(content, "json"), actor=None)
    assert caught.value.extra["errors"] == [
        f"thủ tục thứ 1 ({BIRTH_CODE}), implementing_agencies[0]: Không có cơ quan, đơn vị "
        "mang mã '000.00.99.H99'.",
        f"thủ tục thứ 2 ({BIRTH_CODE}), code: mã {BIRTH_CODE} trùng với thủ tục thứ 1.",
    ]
    assert not Procedure.objects.exists()
    with pytest.raises(InvalidInput):
        parse_catalog(b"{", "json")
    with pytest.raises(InvalidInput):
        parse_catalog(b'{"format": "other/1", "procedures": []}', "json")


def test_a_failure_while_writing_rolls_back_the_whole_import(
    province: dict[str, Any], make_published: Any
) -> None:
    make_published()
    create_version(
        actor=None, procedure_code=RECORD_CODE, national_code="2.000488", data=record_data()
    )
    changed_birth = birth_data(fees=[{"description": "Lệ phí", "amount": 8000}])
    content = json_file(item(RECORD_CODE, record_data()), item(BIRTH_CODE, changed_birth))
    before = state()
    # Publishing from today would overlap the birth version published today: refused.
    with pytest.raises(InvalidInput) as caught:
        import_catalog(parse_catalog(content, "json"), actor=None, publish=True)
    assert caught.value.detail.startswith(
        f"Không nhập được, không thay đổi gì — Thủ tục {BIRTH_CODE}: Thủ tục {BIRTH_CODE} đã có "
        "phiên bản 1"
    )
    assert state() == before
    assert ProcedureVersion.objects.filter(status=Status.PUBLISHED).count() == 1


def test_cli_import_export_publish_unpublish_retire(
    province: dict[str, Any], frozen_today: Any, tmp_path: Path, capsys: Any
) -> None:
    source = tmp_path / "catalog.json"
    source.write_bytes(json_file(item(BIRTH_CODE, birth_data())))
    call_command("catalog", "import", str(source), "--dry-run")
    assert "Kiểm tra (không ghi): thêm 1, thay đổi 0, giữ nguyên 0" in capsys.readouterr().out
    assert not Procedure.objects.exists()
    call_command("catalog", "import", str(source))
    call_command("catalog", "publish", BIRTH_CODE)
    out = capsys.readouterr().out
    assert f"Đã công bố {BIRTH_CODE} phiên bản 1, hiệu lực từ 02/03/2026." in out
    call_command("catalog", "list", "dang ky")
    assert f"{BIRTH_CODE}  Đăng ký khai sinh  (Hộ tịch, Cấp xã)" in capsys.readouterr().out
    call_command("catalog", "show", BIRTH_CODE)
    shown = capsys.readouterr().out
    assert "Thời hạn:        1 ngày làm việc (= 7.5 giờ làm việc)" in shown
    assert "Phiên bản 1:    Đang công bố, 02/03/2026 – nay" in shown
    target = tmp_path / "catalog.xlsx"
    call_command("catalog", "export", "--format", "xlsx", "--output", str(target))
    call_command("catalog", "import", str(target))
    assert "thêm 0, thay đổi 0, giữ nguyên 1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Xuất XLSX cần --output"):
        call_command("catalog", "export", "--format", "xlsx")
    call_command("catalog", "retire", BIRTH_CODE, "--on", "2026-04-01", "--reason", "QĐ 1")
    assert Procedure.objects.get().retired_on == dt.date(2026, 4, 1)
    with pytest.raises(CommandError, match="đã qua: không bãi bỏ hồi tố"):
        call_command("catalog", "retire", BIRTH_CODE, "--on", "2026-01-01", "--reason", "x")
    with pytest.raises(CommandError, match="Không có thủ tục mang mã"):
        call_command("catalog", "show", "9.999999")
    call_command("catalog", "unpublish", BIRTH_CODE, "--reason", "Nhầm")
    assert ProcedureVersion.objects.get().status == Status.RETIRED
    with pytest.raises(CommandError, match="không có bản đang công bố"):
        call_command("catalog", "unpublish", BIRTH_CODE, "--reason", "Nhầm")


def test_cli_import_reports_errors_and_changes_nothing(
    province: dict[str, Any], frozen_today: Any, tmp_path: Path
) -> None:
    source = tmp_path / "catalog.json"
    source.write_bytes(json_file(item(BIRTH_CODE, birth_data(level="district"))))
    with pytest.raises(CommandError, match="Tệp có 1 lỗi, không nhập thủ tục nào"):
        call_command("catalog", "import", str(source))
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("catalog", "import", str(tmp_path / "missing.json"))
    assert not Procedure.objects.exists()
