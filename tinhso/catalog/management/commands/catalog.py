"""``tinhso catalog`` — the procedure catalogue: list, show, import, export, publish, unpublish,
retire."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tinhso.catalog.models import ProcedureVersion
from tinhso.catalog.services import (
    effective_version,
    format_date,
    get_procedure,
    legal_time_in_working_hours,
    publish_version,
    retire_procedure,
    search_procedures,
    unpublish_version,
)
from tinhso.catalog.transfer import (
    ImportReport,
    export_json,
    export_xlsx,
    import_catalog,
    parse_catalog,
)
from tinhso.core.commands import OperatorCommand
from tinhso.lib.errors import NotFound

Status = ProcedureVersion.Status


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày {value!r} không hợp lệ (dạng YYYY-MM-DD).") from None


def _period(version: ProcedureVersion) -> str:
    end = format_date(version.valid_to) if version.valid_to else "nay"
    return f"{format_date(version.valid_from)} – {end}"


class Command(OperatorCommand):
    help = "Quản lý danh mục thủ tục hành chính."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        listing = sub.add_parser("list", help="liệt kê thủ tục đang hiệu lực")
        listing.add_argument(
            "query", nargs="?", default="", help="tìm theo tên (không dấu) hoặc mã"
        )
        listing.add_argument("--sector", help="mã lĩnh vực")
        listing.add_argument("--agency", help="mã cơ quan thực hiện")
        listing.add_argument("--level", choices=ProcedureVersion.Level.values)
        listing.add_argument("--on", type=parse_date, help="hiệu lực vào ngày (mặc định hôm nay)")
        listing.add_argument("--all", action="store_true", help="mọi phiên bản, cả dự thảo")
        show = sub.add_parser("show", help="chi tiết thủ tục và các phiên bản")
        show.add_argument("code")
        show.add_argument("--on", type=parse_date, help="phiên bản hiệu lực vào ngày")
        imp = sub.add_parser("import", help="nhập từ tệp JSON/XLSX (tất cả hoặc không)")
        imp.add_argument("file")
        imp.add_argument("--format", choices=["json", "xlsx"])
        imp.add_argument("--dry-run", action="store_true", help="chỉ in khác biệt, không ghi")
        imp.add_argument(
            "--retire-missing",
            action="store_true",
            help="bãi bỏ thủ tục đang hiệu lực nhưng không có trong tệp",
        )
        imp.add_argument("--publish", action="store_true", help="công bố ngay phiên bản mới")
        imp.add_argument(
            "--effective-from", type=parse_date, help="ngày hiệu lực (mặc định hôm nay)"
        )
        exp = sub.add_parser("export", help="xuất danh mục đang hiệu lực (đọc lại được)")
        exp.add_argument("--format", choices=["json", "xlsx"], default="json")
        exp.add_argument("--output", "-o", help="tệp đích (bắt buộc với xlsx)")
        exp.add_argument("--on", type=parse_date, help="hiệu lực vào ngày (mặc định hôm nay)")
        publish = sub.add_parser("publish", help="công bố bản dự thảo mới nhất (hoặc --version)")
        publish.add_argument("code")
        publish.add_argument("--version", type=int, help="số phiên bản")
        publish.add_argument("--valid-from", type=parse_date, help="hiệu lực từ ngày")
        unpublish = sub.add_parser(
            "unpublish", help="rút công bố phiên bản mới nhất (hoặc --version)"
        )
        unpublish.add_argument("code")
        unpublish.add_argument("--version", type=int, help="số phiên bản")
        unpublish.add_argument("--reason", required=True, help="lý do")
        retire = sub.add_parser("retire", help="bãi bỏ: ngừng tiếp nhận hồ sơ từ ngày")
        retire.add_argument("code")
        retire.add_argument("--on", type=parse_date, required=True, help="ngày ngừng tiếp nhận")
        retire.add_argument("--reason", required=True, help="căn cứ (số quyết định…)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["subcommand"])(options)

    def do_list(self, options: dict[str, Any]) -> None:
        versions = search_procedures(
            options["query"],
            sector=options["sector"],
            agency=options["agency"],
            level=options["level"],
            on=options["on"],
            effective_only=not options["all"],
        )
        count = 0
        for version in versions:
            count += 1
            status = (
                f"  [v{version.number} {version.get_status_display()}]" if options["all"] else ""
            )
            self.stdout.write(
                f"{version.procedure.code}  {version.name}  ({version.sector.name}, "
                f"{version.get_level_display()}){status}"
            )
        self.stderr.write(f"{count} thủ tục.")

    def do_show(self, options: dict[str, Any]) -> None:
        procedure = get_procedure(options["code"])
        write = self.stdout.write
        write(f"Mã thủ tục:      {procedure.code} (mã quốc gia {procedure.national_code})")
        if procedure.retired_on:
            write(
                f"Ngừng tiếp nhận: từ {format_date(procedure.retired_on)} — "
                f"{procedure.retirement_reason}"
            )
        try:
            version = effective_version(procedure.code, options["on"])
        except NotFound as exc:
            write(f"Hiệu lực:        {exc.detail}")
        else:
            write(f"Tên:             {version.name}")
            write(f"Lĩnh vực:        {version.sector.code} {version.sector.name}")
            write(f"Cấp thực hiện:   {version.get_level_display()}")
            write(
                "Cơ quan:         "
                + "; ".join(f"{a.code} {a.name}" for a in version.implementing_agencies.all())
            )
            write(f"Trực tuyến:      {version.get_online_mode_display()}")
            write(
                f"Thời hạn:        {version.processing_time.normalize():f} "
                f"{version.get_processing_time_unit_display().lower()} "
                f"(= {legal_time_in_working_hours(version)} giờ làm việc)"
            )
            for component in version.components.all():
                write(
                    f"Thành phần:      {component.code} {component.name} "
                    f"(bản chính {component.originals}, bản sao {component.copies}"
                    f"{', bắt buộc' if component.is_required else ''})"
                )
            for fee in version.fees.all():
                amount = f"{fee.amount:,}".replace(",", ".")
                write(f"Phí, lệ phí:     {fee.description}: {amount} đồng")
            for step in version.process_steps.all():
                agency = step.responsible_agency.code if step.responsible_agency else "cơ quan"
                inter = ", liên thông" if step.is_inter_agency else ""
                write(
                    f"Bước {step.position}:          {step.code} {step.name} — "
                    f"{step.get_responsible_role_display()} ({agency}{inter}), "
                    f"{step.allotted_hours.normalize():f} giờ"
                )
        for other in procedure.versions.order_by("number"):
            write(f"Phiên bản {other.number}:    {other.get_status_display()}, {_period(other)}")

    def _write_report(self, report: ImportReport) -> None:
        prefix = "Kiểm tra (không ghi): " if report.dry_run else ""
        mode = "công bố" if report.publish else "dự thảo"
        self.stdout.write(
            f"{prefix}thêm {len(report.added)}, thay đổi {len(report.changed)}, "
            f"giữ nguyên {len(report.unchanged)}, bãi bỏ {len(report.retired)} "
            f"(hiệu lực từ {format_date(report.effective_from)}, {mode})."
        )
        for label, codes in (
            ("+ thêm", report.added),
            ("~ thay đổi", report.changed),
            ("- bãi bỏ", report.retired),
        ):
            for code in codes:
                self.stdout.write(f"  {label}: {code}")
        missing = [code for code in report.absent if code not in report.retired]
        if missing:
            self.stdout.write(
                f"Không có trong tệp ({len(missing)}), giữ nguyên; dùng --retire-missing để bãi bỏ:"
            )
            for code in missing:
                self.stdout.write(f"  ? {code}")

    def do_import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        fmt = options["format"] or path.suffix.lstrip(".").lower()
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}") from None
        report = import_catalog(
            parse_catalog(content, fmt),
            actor=None,
            effective_from=options["effective_from"],
            publish=options["publish"],
            retire_missing=options["retire_missing"],
            dry_run=options["dry_run"],
        )
        self._write_report(report)

    def do_export(self, options: dict[str, Any]) -> None:
        if options["format"] == "xlsx":
            if not options["output"]:
                raise CommandError("Xuất XLSX cần --output TỆP.")
            Path(options["output"]).write_bytes(export_xlsx(options["on"]))
            self.stderr.write(f"Đã ghi {options['output']}")
            return
        content = export_json(options["on"])
        if options["output"]:
            Path(options["output"]).write_text(content, encoding="utf-8")
            self.stderr.write(f"Đã ghi {options['output']}")
        else:
            self.stdout.write(content, ending="")

    def _version(self, code: str, number: int | None, status: str) -> ProcedureVersion:
        procedure = get_procedure(code)
        versions = procedure.versions.order_by("-number")
        version = (
            versions.filter(number=number).first()
            if number is not None
            else versions.filter(status=status).first()
        )
        if version is None:
            what = f"phiên bản {number}" if number is not None else f"bản {Status(status).label}"
            raise CommandError(f"Thủ tục {procedure.code} không có {what.lower()}.")
        return version

    def do_publish(self, options: dict[str, Any]) -> None:
        version = self._version(options["code"], options["version"], Status.DRAFT)
        version = publish_version(actor=None, version=version, valid_from=options["valid_from"])
        self.stdout.write(
            f"Đã công bố {version.procedure.code} phiên bản {version.number}, hiệu lực từ "
            f"{format_date(version.valid_from)}."
        )

    def do_unpublish(self, options: dict[str, Any]) -> None:
        version = self._version(options["code"], options["version"], Status.PUBLISHED)
        version = unpublish_version(actor=None, version=version, reason=options["reason"])
        self.stdout.write(f"Đã rút công bố {version.procedure.code} phiên bản {version.number}.")

    def do_retire(self, options: dict[str, Any]) -> None:
        procedure = retire_procedure(
            actor=None, procedure_code=options["code"], on=options["on"], reason=options["reason"]
        )
        assert procedure.retired_on is not None
        self.stdout.write(
            f"Thủ tục {procedure.code} ngừng tiếp nhận hồ sơ từ "
            f"{format_date(procedure.retired_on)}."
        )
