"""Account and role services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tinhso.audit.services import record, snapshot
from tinhso.identity.models import Role, RoleAssignment, User
from tinhso.identity.validators import citizen_id_problem, phone_problem, tax_code_problem
from tinhso.lib.errors import Conflict, InvalidInput, NotFound
from tinhso.lib.text import normalize_text
from tinhso.organizations.models import Agency

USER_FIELDS = [
    "username",
    "kind",
    "full_name",
    "email",
    "citizen_id",
    "tax_code",
    "phone",
    "is_active",
    "is_staff",
    "is_superuser",
]


def create_user(
    *,
    actor: Any,
    username: str,
    kind: str,
    full_name: str,
    password: str | None,
    email: str = "",
    phone: str = "",
    citizen_id: str | None = None,
    tax_code: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create an account after validating every field; errors name each field."""
    errors: dict[str, str] = {}
    username = normalize_text(username or "").lower()
    full_name = normalize_text(full_name or "")
    if not username or not all(ch.isalnum() or ch in "._-@" for ch in username):
        errors["username"] = "Tên đăng nhập chỉ gồm chữ, số và các ký tự . _ - @"
    if kind not in User.Kind.values:
        errors["kind"] = "Loại tài khoản phải là staff, citizen hoặc business."
    if not full_name:
        errors["full_name"] = "Họ và tên không được để trống."
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
    if phone and (problem := phone_problem(phone)):
        errors["phone"] = problem
    if citizen_id and (problem := citizen_id_problem(citizen_id)):
        errors["citizen_id"] = problem
    if tax_code and (problem := tax_code_problem(tax_code)):
        errors["tax_code"] = problem
    if kind == User.Kind.BUSINESS and not tax_code:
        errors["tax_code"] = "Tài khoản doanh nghiệp cần mã số thuế."
    if kind == User.Kind.CITIZEN and not citizen_id:
        errors["citizen_id"] = "Tài khoản công dân cần số định danh cá nhân."
    user = User(
        username=username,
        kind=kind,
        full_name=full_name,
        email=email.strip(),
        phone=phone,
        citizen_id=citizen_id or None,
        tax_code=tax_code or None,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise InvalidInput(
            "Thông tin tài khoản không hợp lệ — "
            + "; ".join(f"{k}: {v}" for k, v in errors.items()),
            errors=errors,
        )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            record(
                "identity.user.create", actor=actor, target=user, after=snapshot(user, USER_FIELDS)
            )
    except IntegrityError:
        raise Conflict(
            "Tên đăng nhập, số định danh hoặc mã số thuế đã được dùng cho tài khoản khác."
        ) from None
    return user


def assign_role(
    *, actor: Any, user: User, agency: Agency, role: str, valid_from: dt.date | None = None
) -> RoleAssignment:
    if role not in Role.values:
        raise InvalidInput(f"Vai trò {role!r} không hợp lệ.", errors={"role": "không hợp lệ"})
    if user.kind != User.Kind.STAFF:
        raise InvalidInput("Chỉ tài khoản cán bộ mới được giao vai trò trong cơ quan.")
    if not agency.is_active:
        raise Conflict(f"Cơ quan {agency.code} đã giải thể/sáp nhập.")
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user,
                agency=agency,
                role=role,
                valid_from=valid_from or timezone.localdate(),
            )
            record(
                "identity.role.assign",
                actor=actor,
                target=assignment,
                after={
                    "user": user.username,
                    "agency": agency.code,
                    "role": role,
                    "valid_from": assignment.valid_from.isoformat(),
                },
            )
    except IntegrityError:
        raise Conflict(
            f"{user.username} đã có vai trò {Role(role).label} tại {agency.code}."
        ) from None
    return assignment


def revoke_role(
    *, actor: Any, user: User, agency: Agency, role: str, valid_to: dt.date | None = None
) -> RoleAssignment:
    # The last day the role is held; by default yesterday, so that access ends now.
    end = valid_to or timezone.localdate() - dt.timedelta(days=1)
    with transaction.atomic():
        assignment = RoleAssignment.objects.filter(
            user=user, agency=agency, role=role, valid_to__isnull=True
        ).first()
        if assignment is None:
            raise NotFound(
                f"{user.username} không có vai trò {role} đang hiệu lực tại {agency.code}."
            )
        updated = RoleAssignment.objects.filter(pk=assignment.pk, valid_to__isnull=True).update(
            valid_to=end
        )
        if updated != 1:
            raise Conflict("Vai trò vừa được người khác thu hồi.")
        assignment.refresh_from_db()
        record(
            "identity.role.revoke",
            actor=actor,
            target=assignment,
            after={
                "user": user.username,
                "agency": agency.code,
                "role": role,
                "valid_to": assignment.valid_to.isoformat() if assignment.valid_to else None,
            },
        )
    return assignment


def active_assignments_in(agency: Agency, on: dt.date) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(agency=agency, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("user")
    )
