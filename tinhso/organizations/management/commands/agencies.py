"""``tinhso agencies`` — the agency tree: list, show, resolve, create, update, merge, import,
export."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tinhso.core.commands import OperatorCommand
from tinhso.lib.errors import InvalidInput
from tinhso.organizations.models import Agency
from tinhso.organizations.services import (
    create_agency,
    find_agency,
    merge_agencies,
    resolve_agency,
    update_agency,
)
from tinhso.organizations.transfer import export_agencies, import_agencies, parse_agencies


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày {value!r} không hợp lệ (dạng YYYY-MM-DD).") from None


class Command(OperatorCommand):
    help = "Quản lý cây cơ quan, đơn vị."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        listing = sub.add_parser("list", help="liệt kê (mặc định: đang hoạt động, dạng cây)")
        listing.add_argument("--all", action="store_true", help="cả cơ quan đã giải thể")
        show = sub.add_parser("show", help="chi tiết, tên qua các thời kỳ, kế thừa")
        show.add_argument("code")
        resolve = sub.add_parser("resolve", help="mã cũ → cơ quan đang thực hiện")
        resolve.add_argument("code")
        create = sub.add_parser("create", help="thêm cơ quan")
        create.add_argument("--code", required=True, help="mã QCVN 102, ví dụ 000.00.12.H56")
        create.add_argument("--identifier", help="mã QĐ 20/2020 (mặc định suy ra từ mã QCVN 102)")
        create.add_argument("--name", required=True)
        create.add_argument("--short-name", default="")
        create.add_argument("--kind", required=True, choices=Agency.Kind.values)
        create.add_argument("--level", required=True, choices=Agency.Level.values)
        create.add_argument("--parent", help="mã cơ quan cấp trên")
        create.add_argument("--unit", help="mã đơn vị hành chính (địa bàn)")
        create.add_argument("--valid-from", type=parse_date)
        update = sub.add_parser("update", help="sửa thông tin (kiểm tra phiên bản)")
        update.add_argument("code")
        update.add_argument("--version", type=int, help="phiên bản đang xem (mặc định: hiện tại)")
        for name in (
            "name",
            "short-name",
            "kind",
            "level",
            "parent",
            "unit",
            "email",
            "phone",
            "address",
        ):
            update.add_argument(f"--{name}")
        update.add_argument("--effective-on", type=parse_date, help="ngày hiệu lực của tên mới")
        merge = sub.add_parser("merge", help="sáp nhập: mã cũ... --into mã mới")
        merge.add_argument("predecessors", nargs="+")
        merge.add_argument("--into", required=True)
        merge.add_argument("--on", type=parse_date, help="ngày hiệu lực (mặc định hôm nay)")
        merge.add_argument("--reason", default="", help="căn cứ (số quyết định…)")
        imp = sub.add_parser("import", help="nhập từ tệp CSV/JSON (tất cả hoặc không)")
        imp.add_argument("file")
        imp.add_argument("--format", choices=["csv", "json"])
        imp.add_argument("--dry-run", action="store_true", help="kiểm tra, không ghi")
        exp = sub.add_parser("export", help="xuất ra CSV/JSON")
        exp.add_argument("--format", choices=["csv", "json"], default="csv")
        exp.add_argument("--output", "-o", help="tệp đích (mặc định: màn hình)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["subcommand"])(options)

    def do_list(self, options: dict[str, Any]) -> None:
        agencies = list(Agency.objects.order_by("code"))
        if not options["all"]:
            agencies = [a for a in agencies if a.is_active]
        children: dict[int | None, list[Agency]] = {}
        ids = {a.pk for a in agencies}
        for agency in agencies:
            parent = agency.parent_id if agency.parent_id in ids else None
            children.setdefault(parent, []).append(agency)

        def walk(parent: int | None, depth: int) -> None:
            for agency in children.get(parent, []):
                mark = "" if agency.is_active else f"  [đã sáp nhập {agency.valid_to}]"
                self.stdout.write(
                    f"{'  ' * depth}{agency.code}  {agency.identifier}  {agency.name}{mark}"
                )
                walk(agency.pk, depth + 1)

        walk(None, 0)

    def do_show(self, options: dict[str, Any]) -> None:
        agency = find_agency(options["code"])
        write = self.stdout.write
        write(f"Mã QCVN 102:  {agency.code}")
        write(f"Mã QĐ 20:     {agency.identifier}")
        write(f"Tên:          {agency.name}")
        write(f"Loại, cấp:    {agency.get_kind_display()}, {agency.get_level_display()}")
        write(f"Cấp trên:     {agency.parent or '—'}")
        write(
            f"Trạng thái:   {agency.get_status_display()} "
            f"(từ {agency.valid_from}{' đến ' + str(agency.valid_to) if agency.valid_to else ''})"
        )
        write(f"Phiên bản:    {agency.version}")
        for name in agency.names.all():
            write(f"Tên từ {name.valid_from} đến {name.valid_to or 'nay'}: {name.name}")
        for link in agency.successions_as_predecessor.select_related("successor"):
            write(f"Sáp nhập vào {link.successor} từ {link.effective_on} {link.reason}".rstrip())
        for link in agency.successions_as_successor.select_related("predecessor"):
            write(f"Tiếp nhận {link.predecessor} từ {link.effective_on} {link.reason}".rstrip())

    def do_resolve(self, options: dict[str, Any]) -> None:
        resolution = resolve_agency(options["code"])
        for agency in resolution.current:
            self.stdout.write(f"{agency.code}  {agency.identifier}  {agency.name}")
        if not resolution.current:
            raise CommandError(f"{resolution.agency.code} đã giải thể, không có cơ quan kế thừa.")

    def do_create(self, options: dict[str, Any]) -> None:
        agency = create_agency(
            actor=None,
            code=options["code"],
            identifier=options["identifier"],
            name=options["name"],
            short_name=options["short_name"],
            kind=options["kind"],
            level=options["level"],
            parent_code=options["parent"],
            administrative_unit_code=options["unit"],
            valid_from=options["valid_from"],
        )
        self.stdout.write(f"Đã thêm {agency.code} {agency.identifier} {agency.name}")

    def do_update(self, options: dict[str, Any]) -> None:
        agency = find_agency(options["code"])
        mapping = {
            "name": "name",
            "short_name": "short_name",
            "kind": "kind",
            "level": "level",
            "parent": "parent_code",
            "unit": "administrative_unit_code",
            "email": "email",
            "phone": "phone",
            "address": "address",
        }
        changes = {
            target: options[source]
            for source, target in mapping.items()
            if options.get(source) is not None
        }
        if not changes:
            raise CommandError("Không có gì để sửa: nêu ít nhất một trường, ví dụ --name.")
        version = options["version"] if options["version"] is not None else agency.version
        agency = update_agency(
            agency,
            actor=None,
            expected_version=version,
            changes=changes,
            effective_on=options["effective_on"],
        )
        self.stdout.write(f"Đã sửa {agency.code} (phiên bản {agency.version}).")

    def do_merge(self, options: dict[str, Any]) -> None:
        report = merge_agencies(
            actor=None,
            predecessor_codes=options["predecessors"],
            successor_code=options["into"],
            effective_on=options["on"],
            reason=options["reason"],
        )
        codes = ", ".join(p.code for p in report.predecessors)
        self.stdout.write(
            f"Đã sáp nhập {codes} vào {report.successor.code} {report.successor.name}."
        )
        self.stdout.write(f"Đơn vị trực thuộc chuyển sang: {report.moved_children}")
        for name, counts in report.handovers.items():
            details = ", ".join(f"{k}={v}" for k, v in counts.items())
            self.stdout.write(f"Bàn giao {name}: {details}")

    def do_import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        fmt = options["format"] or path.suffix.lstrip(".").lower()
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"Tệp {path} không phải UTF-8.") from None
        try:
            report = import_agencies(
                parse_agencies(content, fmt), actor=None, dry_run=options["dry_run"]
            )
        except InvalidInput as exc:
            raise CommandError(exc.detail) from None
        prefix = "Kiểm tra (không ghi): " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}thêm {len(report.created)}, sửa {len(report.updated)}, "
            f"giữ nguyên {len(report.unchanged)}."
        )

    def do_export(self, options: dict[str, Any]) -> None:
        content = export_agencies(options["format"])
        if options["output"]:
            Path(options["output"]).write_text(content, encoding="utf-8")
            self.stderr.write(f"Đã ghi {options['output']}")
        else:
            self.stdout.write(content, ending="")
