"""``tinhso users`` — staff and citizen accounts and roles, from the console (audited)."""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from tinhso.audit.services import record
from tinhso.core.commands import OperatorCommand
from tinhso.identity.models import Role, RoleAssignment, User
from tinhso.identity.services import assign_role, create_user, revoke_role
from tinhso.identity.tokens import create_token, revoke_token
from tinhso.organizations.services import find_agency


class Command(OperatorCommand):
    help = "Quản lý tài khoản và vai trò."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        listing = sub.add_parser("list", help="liệt kê tài khoản (có vai trò)")
        listing.add_argument("--agency", help="chỉ cán bộ của cơ quan này")
        create = sub.add_parser("create", help="tạo tài khoản")
        create.add_argument("username")
        create.add_argument("--full-name", required=True)
        create.add_argument("--kind", choices=User.Kind.values, default="staff")
        create.add_argument("--email", default="")
        create.add_argument("--phone", default="")
        create.add_argument("--citizen-id")
        create.add_argument("--tax-code")
        create.add_argument("--password-file", help="đọc mật khẩu từ tệp (mặc định: hỏi)")
        create.add_argument("--admin-site", action="store_true", help="được vào trang quản trị")
        for name in ("assign-role", "revoke-role"):
            role = sub.add_parser(name, help="giao vai trò" if name == "assign-role" else "thu hồi")
            role.add_argument("username")
            role.add_argument("agency", help="mã cơ quan")
            role.add_argument("role", choices=Role.values)
        token = sub.add_parser("token", help="tạo khoá API cho một tài khoản (in ra một lần)")
        token.add_argument("username")
        token.add_argument("--name", required=True, help="tên hệ thống dùng khoá")
        revoke = sub.add_parser("revoke-token", help="thu hồi khoá API")
        revoke.add_argument("prefix", help="tiền tố 8 ký tự của khoá")
        password = sub.add_parser("set-password", help="đặt lại mật khẩu")
        password.add_argument("username")
        password.add_argument("--password-file")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["subcommand"].replace("-", "_"))(options)

    def _password(self, path: str | None) -> str:
        if path:
            try:
                return Path(path).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(f"Không đọc được {path}: {exc.strerror}") from None
        first = getpass.getpass("Mật khẩu: ")
        if first != getpass.getpass("Nhập lại: "):
            raise CommandError("Hai lần nhập mật khẩu không khớp.")
        return first

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username.lower()).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username!r}.")
        return user

    def do_list(self, options: dict[str, Any]) -> None:
        assignments = RoleAssignment.objects.filter(valid_to__isnull=True).select_related(
            "user", "agency"
        )
        if options["agency"]:
            assignments = assignments.filter(agency=find_agency(options["agency"]))
        roles: dict[int, list[str]] = {}
        for assignment in assignments:
            roles.setdefault(assignment.user_id, []).append(
                f"{assignment.get_role_display()} @ {assignment.agency.code}"
            )
        users = User.objects.order_by("username")
        if options["agency"]:
            users = users.filter(pk__in=roles)
        for user in users:
            self.stdout.write(
                f"{user.username}  {user.full_name}  [{user.get_kind_display()}]  "
                + "; ".join(roles.get(user.pk, []))
            )

    def do_create(self, options: dict[str, Any]) -> None:
        user = create_user(
            actor=None,
            username=options["username"],
            kind=options["kind"],
            full_name=options["full_name"],
            password=self._password(options["password_file"]),
            email=options["email"],
            phone=options["phone"],
            citizen_id=options["citizen_id"],
            tax_code=options["tax_code"],
            is_staff=options["admin_site"],
        )
        self.stdout.write(f"Đã tạo tài khoản {user.username}.")

    def do_assign_role(self, options: dict[str, Any]) -> None:
        assignment = assign_role(
            actor=None,
            user=self._user(options["username"]),
            agency=find_agency(options["agency"]),
            role=options["role"],
        )
        self.stdout.write(f"Đã giao: {assignment}")

    def do_revoke_role(self, options: dict[str, Any]) -> None:
        revoke_role(
            actor=None,
            user=self._user(options["username"]),
            agency=find_agency(options["agency"]),
            role=options["role"],
        )
        self.stdout.write("Đã thu hồi vai trò.")

    def do_token(self, options: dict[str, Any]) -> None:
        api_token, secret = create_token(
            actor=None, user=self._user(options["username"]), name=options["name"]
        )
        self.stderr.write(f"Khoá API «{api_token.name}» (lưu lại ngay, không hiển thị lại):")
        self.stdout.write(secret)

    def do_revoke_token(self, options: dict[str, Any]) -> None:
        revoke_token(actor=None, prefix=options["prefix"])
        self.stdout.write("Đã thu hồi khoá API.")

    def do_set_password(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        password = self._password(options["password_file"])
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with transaction.atomic():
            user.set_password(password)
            user.save(update_fields=["password"])
            record("identity.user.set_password", actor=None, target=user)
        self.stdout.write(f"Đã đặt lại mật khẩu cho {user.username}.")
