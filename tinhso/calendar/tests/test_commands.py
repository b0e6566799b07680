"""``tinhso calendar …``: exact outputs, clean errors, and a run of the real console script on a
fresh data directory."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhso.audit.models import AuditEntry
from tinhso.calendar.models import DayOverride, WorkingPeriod

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def state() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    return (
        list(DayOverride.objects.values_list("date", "is_working_day", "reason")),
        list(WorkingPeriod.objects.values_list("start_time", "end_time")),
        AuditEntry.objects.count(),
    )


def test_is_working_day_prints_yes_or_no() -> None:
    assert run("is-working-day", "2025-04-26") == "yes\n"
    assert run("is-working-day", "2025-04-27") == "no\n"
    assert run("is-working-day", "2025-01-29") == "no\n"
    assert run("is-working-day", "2025-03-10") == "yes\n"


def test_day_prints_the_decision_and_its_reason() -> None:
    assert run("day", "2025-04-26") == (
        "2025-04-26 Thứ Bảy làm việc — Làm bù cho ngày nghỉ 02/05/2025\n"
    )
    assert run("day", "2025-03-09") == "2025-03-09 Chủ nhật nghỉ — Nghỉ cuối tuần\n"
    assert run("day", "2025-03-10") == "2025-03-10 Thứ Hai làm việc\n"


def test_due_in_working_days() -> None:
    assert run("due", "--from", "2025-01-24T10:00", "--working-days", "3") == (
        "2025-02-05T10:00:00+07:00\n"
    )
    assert run("due", "--from", "2025-01-24T03:00:00Z", "--working-days", "3") == (
        "2025-02-05T10:00:00+07:00\n"
    )
    assert run("due", "--from", "2025-01-24T12:00+09:00", "--working-days", "3") == (
        "2025-02-05T10:00:00+07:00\n"
    )
    assert run("due", "--from", "2025-03-14T18:00", "--working-days", "1") == (
        "2025-03-18T07:30:00+07:00\n"
    )
    assert run("due", "--from", "2025-03-14T18:00", "--working-days", "0") == (
        "2025-03-17T07:30:00+07:00\n"
    )


def test_due_in_working_hours() -> None:
    assert run("due", "--from", "2025-03-10T10:00", "--working-hours", "8") == (
        "2025-03-11T10:30:00+07:00\n"
    )
    assert run("due", "--from", "2025-03-10T10:00", "--working-hours", "1.5") == (
        "2025-03-10T11:30:00+07:00\n"
    )
    assert run("due", "--from", "2025-03-10T10:00", "--working-hours", "0,25") == (
        "2025-03-10T10:15:00+07:00\n"
    )


def test_set_day_and_unset_day() -> None:
    assert run("is-working-day", "2031-01-02") == "yes\n"
    output = run("set-day", "2031-01-02", "--off", "--reason", "Nghỉ bù Tết Dương lịch")
    assert (
        output == "Đã điều chỉnh: 2031-01-02 Thứ Năm nghỉ — Nghỉ bù Tết Dương lịch [điều chỉnh]\n"
    )
    assert run("is-working-day", "2031-01-02") == "no\n"
    assert "2031-01-02 Thứ Năm nghỉ — Nghỉ bù Tết Dương lịch [điều chỉnh]\n" in run("list", "2031")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_label.startswith("cli:")) == ("calendar.override.set", True)

    assert run("set-day", "2031-01-04", "--working") == (
        "Đã điều chỉnh: 2031-01-04 Thứ Bảy làm việc — Ngày làm việc theo điều chỉnh của tỉnh "
        "[điều chỉnh]\n"
    )
    assert run("is-working-day", "2031-01-04") == "yes\n"

    assert run("unset-day", "2031-01-02") == (
        "Đã bỏ điều chỉnh, nay theo lịch quốc gia: 2031-01-02 Thứ Năm làm việc\n"
    )
    assert run("is-working-day", "2031-01-02") == "yes\n"
    assert AuditEntry.objects.count() == 3


def test_list_of_2026() -> None:
    assert run("list", "2026") == (
        "2026-01-01 Thứ Năm nghỉ — Tết Dương lịch\n"
        "2026-02-16 Thứ Hai nghỉ — Giao thừa Tết Nguyên đán\n"
        "2026-02-17 Thứ Ba nghỉ — Tết Nguyên đán\n"
        "2026-02-18 Thứ Tư nghỉ — Mùng hai Tết Nguyên đán\n"
        "2026-02-19 Thứ Năm nghỉ — Mùng ba Tết Nguyên đán\n"
        "2026-02-20 Thứ Sáu nghỉ — Mùng bốn Tết Nguyên đán\n"
        "2026-04-27 Thứ Hai nghỉ — Ngày Giỗ Tổ Hùng Vương (nghỉ bù)\n"
        "2026-04-30 Thứ Năm nghỉ — Ngày Chiến thắng\n"
        "2026-05-01 Thứ Sáu nghỉ — Ngày Quốc tế Lao động\n"
        "2026-08-22 Thứ Bảy làm việc — Làm bù cho ngày nghỉ 31/08/2026\n"
        "2026-08-31 Thứ Hai nghỉ — Ngày nghỉ (thay cho ngày 22/08/2026)\n"
        "2026-09-01 Thứ Ba nghỉ — Quốc khánh\n"
        "2026-09-02 Thứ Tư nghỉ — Quốc khánh\n"
        "2026-11-24 Thứ Ba nghỉ — Ngày Văn hóa Việt Nam\n"
    )


def test_list_as_json() -> None:
    days = json.loads(run("list", "2025", "--json"))
    assert days[0] == {
        "date": "2025-01-01",
        "is_working_day": False,
        "reason": "Tết Dương lịch",
        "source": "holiday",
    }
    assert {
        "date": "2025-04-26",
        "is_working_day": True,
        "reason": "Làm bù cho ngày nghỉ 02/05/2025",
        "source": "swap",
    } in days


def test_hours_and_set_hours() -> None:
    assert run("hours") == "07:30-11:30\n13:30-17:00\n"
    assert run("set-hours", "13:00-17:00", "7:00-11:00") == (
        "Giờ làm việc: 07:00-11:00 13:00-17:00\n"
    )
    assert run("hours") == "07:00-11:00\n13:00-17:00\n"
    assert AuditEntry.objects.get().action == "calendar.hours.set"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["is-working-day", "2025-02-30"], "Ngày không hợp lệ: '2025-02-30'"),
        (["is-working-day", "26/04/2025"], "Ngày không hợp lệ"),
        (["due", "--from", "2025-01-24T25:00", "--working-days", "3"], "Thời điểm không hợp lệ"),
        (["due", "--from", "hôm nay", "--working-days", "3"], "Thời điểm không hợp lệ"),
        (["due", "--from", "2025-01-24T10:00", "--working-days", "-1"], "không được âm"),
        (["due", "--from", "2025-01-24T10:00", "--working-days", "1.5"], "số nguyên"),
        (["due", "--from", "2025-01-24T10:00", "--working-hours", "-2"], "không được âm"),
        (["due", "--from", "2025-01-24T10:00", "--working-hours", "tám"], "không hợp lệ"),
        (["due", "--from", "2025-01-24T10:00"], "Cần đúng một trong hai"),
        (
            ["due", "--from", "2025-01-24T10:00", "--working-days", "1", "--working-hours", "1"],
            "Cần đúng một trong hai",
        ),
        (["set-day", "2031-01-02", "--off"], "Cần ghi lý do"),
        (["set-day", "2031-01-02", "--reason", "x"], "Cần đúng một trong hai"),
        (["set-day", "2031-01-02", "--off", "--working", "--reason", "x"], "Cần đúng một"),
        (["set-day", "2031-02-30", "--off", "--reason", "x"], "Ngày không hợp lệ"),
        (["unset-day", "2031-01-03"], "không có điều chỉnh"),
        (["list", "20x6"], "Năm không hợp lệ"),
        (["set-hours", "07:30-11:30", "11:00-17:00"], "chồng lên nhau"),
        (["set-hours", "11:30-07:30"], "bắt đầu phải trước"),
        (["set-hours", "07:30-25:00"], "Khoảng giờ không hợp lệ"),
        (["set-hours", "sáng"], "Khoảng giờ không hợp lệ"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(args: list[str], message: str) -> None:
    run("set-day", "2031-01-02", "--working", "--reason", "Có sẵn")
    before = state()
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert state() == before


def test_console_script_on_a_fresh_data_directory(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("tinhso")
    if not script.exists():
        pytest.skip("the tinhso console script is not installed next to this interpreter")
    env = {**os.environ, "TINHSO_DEBUG": "true", "TINHSO_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)

    def tinhso(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), "calendar", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    first = tinhso("is-working-day", "2025-04-26")
    assert (first.returncode, first.stdout) == (0, "yes\n"), first.stderr
    assert (tmp_path / "tinhso.sqlite3").exists()

    due = tinhso("due", "--from", "2025-01-24T10:00", "--working-days", "3")
    assert (due.returncode, due.stdout) == (0, "2025-02-05T10:00:00+07:00\n"), due.stderr

    bad = tinhso("set-day", "2025-02-30", "--off", "--reason", "x")
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert "Ngày không hợp lệ: '2025-02-30'" in bad.stderr
