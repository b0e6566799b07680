"""``tinhso units load|search|convert|show`` — administrative units and the 2025 conversion."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from tinhso.core.commands import OperatorCommand
from tinhso.lib.errors import NotFound
from tinhso.organizations.models import AdministrativeUnit
from tinhso.organizations.units import (
    ERA_NAMES,
    LEVEL_NAMES,
    current_successors,
    find_units,
    legacy_predecessors,
    load_administrative_units,
    ranked_units,
    resolve_unit,
    unit_path,
)

Era = AdministrativeUnit.Era
Level = AdministrativeUnit.Level
LEVEL_CHOICES = list(Level.values)
REPORT_LABELS = {
    f"{Era.CURRENT}.{Level.PROVINCE}": "Tỉnh, thành phố (hiện hành)",
    f"{Era.CURRENT}.{Level.COMMUNE}": "Xã, phường, đặc khu (hiện hành)",
    f"{Era.LEGACY}.{Level.PROVINCE}": "Tỉnh, thành phố (trước 01/7/2025)",
    f"{Era.LEGACY}.{Level.DISTRICT}": "Quận, huyện, thị xã (trước 01/7/2025)",
    f"{Era.LEGACY}.{Level.COMMUNE}": "Xã, phường, thị trấn (trước 01/7/2025)",
}
MAX_CANDIDATES = 10


def describe(unit: AdministrativeUnit) -> str:
    return f"{unit.code}  {unit_path(unit)}"


def partial_mark(is_partial: bool) -> str:
    return " (một phần)" if is_partial else ""


class Command(OperatorCommand):
    help = (
        "Đơn vị hành chính: nạp dữ liệu (load), tìm kiếm (search), chuyển đơn vị cũ sang mới "
        "(convert), xem chi tiết (show)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("load", help="nạp/cập nhật dữ liệu (chạy lại không thay đổi gì)")
        load.add_argument("--file", default=None, help="tệp .json.gz (mặc định: tệp kèm theo)")

        search = sub.add_parser("search", help="tìm theo tên (không dấu cũng được) hoặc mã")
        search.add_argument("query")
        search.add_argument(
            "--legacy", action="store_true", help="tìm đơn vị trước 01/7/2025 (mặc định: hiện hành)"
        )
        search.add_argument("--level", choices=LEVEL_CHOICES, default=None)
        search.add_argument("--limit", type=int, default=20)

        convert = sub.add_parser(
            "convert", help="đơn vị trước 01/7/2025 (mã hoặc tên) -> đơn vị hiện hành"
        )
        convert.add_argument("unit", help="mã hoặc tên đơn vị cũ")
        convert.add_argument("--level", choices=LEVEL_CHOICES, default=Level.COMMUNE)

        show = sub.add_parser("show", help="xem một đơn vị theo mã")
        show.add_argument("code")
        show.add_argument("--level", choices=LEVEL_CHOICES, required=True)
        show.add_argument("--legacy", action="store_true", help="đơn vị trước 01/7/2025")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"handle_{options['subcommand']}")
        handler(options)

    def handle_load(self, options: dict[str, Any]) -> None:
        report = load_administrative_units(options["file"])
        self.stdout.write(
            f"Nguồn: vietnam-provinces {report.source_version} "
            f"(dữ liệu ngày {report.data_version}); {report.seconds:.1f} giây."
        )
        for key, counts in report.units.items():
            self.stdout.write(
                f"  {REPORT_LABELS.get(key, key)}: tạo mới {counts.created}, "
                f"cập nhật {counts.updated}, không đổi {counts.unchanged}"
            )
        links = report.successions
        self.stdout.write(
            f"  Chuyển đổi cũ -> mới: tạo mới {links.created}, cập nhật {links.updated}, "
            f"không đổi {links.unchanged}"
        )
        if report.has_changes:
            self.stdout.write("Đã ghi nhật ký kiểm toán (organizations.units.load).")
        else:
            self.stdout.write("Không có thay đổi.")

    def handle_search(self, options: dict[str, Any]) -> None:
        era = Era.LEGACY if options["legacy"] else Era.CURRENT
        units = find_units(
            options["query"], era=era, level=options["level"], limit=options["limit"]
        )
        if not units:
            raise CommandError(f"Không tìm thấy đơn vị {ERA_NAMES[era]} nào khớp.")
        for unit in units:
            self.stdout.write(f"{describe(unit)}  [{LEVEL_NAMES[Level(unit.level)]}]")

    def handle_convert(self, options: dict[str, Any]) -> None:
        level = options["level"]
        unit = self._legacy_unit(options["unit"], level)
        self.stdout.write(f"{describe(unit)}  [{ERA_NAMES[Era.LEGACY]}]")
        successors = current_successors(unit)
        if not successors:
            self.stdout.write("  -> (không có dữ liệu chuyển đổi cho đơn vị này)")
            return
        for successor, is_partial in successors:
            self.stdout.write(f"  -> {describe(successor)}{partial_mark(is_partial)}")

    def _legacy_unit(self, value: str, level: str) -> AdministrativeUnit:
        text = value.strip()
        if text.isdigit():
            return resolve_unit(text, level=level, era=Era.LEGACY)
        ranked = ranked_units(text, era=Era.LEGACY, level=level, limit=MAX_CANDIDATES + 1)
        if not ranked:
            raise NotFound(f"Không tìm thấy đơn vị {LEVEL_NAMES[Level(level)]} cũ tên {text!r}.")
        exact = [unit for rank, unit in ranked if rank == 0]
        if len(exact) == 1:
            return exact[0]
        if len(ranked) == 1:
            return ranked[0][1]
        candidates = exact or [unit for _, unit in ranked]
        for unit in candidates[:MAX_CANDIDATES]:
            self.stdout.write(describe(unit))
        if len(candidates) > MAX_CANDIDATES:
            self.stdout.write("… và các đơn vị khác (thu hẹp tên tìm kiếm)")
        raise CommandError(f"Có nhiều đơn vị khớp {text!r}; hãy dùng mã (cột đầu) để chuyển đổi.")

    def handle_show(self, options: dict[str, Any]) -> None:
        era = Era.LEGACY if options["legacy"] or options["level"] == Level.DISTRICT else None
        unit = resolve_unit(options["code"], level=options["level"], era=era)
        valid = (
            f"đến {unit.valid_to:%d/%m/%Y}" if unit.valid_to else f"từ {unit.valid_from:%d/%m/%Y}"
        )
        self.stdout.write(f"{unit.name}")
        self.stdout.write(f"  Mã: {unit.code}")
        self.stdout.write(f"  Loại: {unit.division_type}")
        self.stdout.write(f"  Cấp: {LEVEL_NAMES[Level(unit.level)]}")
        self.stdout.write(f"  Thời kỳ: {ERA_NAMES[Era(unit.era)]} (hiệu lực {valid})")
        if unit.parent is not None:
            self.stdout.write(f"  Thuộc: {unit_path(unit.parent)}")
        children = unit.children.count()
        if children:
            self.stdout.write(f"  Số đơn vị trực thuộc: {children}")
        if unit.era == Era.LEGACY:
            self.stdout.write("  Chuyển thành:")
            pairs = current_successors(unit)
        else:
            self.stdout.write("  Hình thành từ:")
            pairs = legacy_predecessors(unit)
        if not pairs:
            self.stdout.write("    (không có dữ liệu)")
        for other, is_partial in pairs:
            self.stdout.write(f"    {describe(other)}{partial_mark(is_partial)}")
