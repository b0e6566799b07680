"""Notices: the province's templates, people's channel choices, and turning the dossier engine's
notices into outbox messages (inside the transaction of the change that caused them)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.audit.services import record
from tinhso.dossiers.models import DeadlineAlert, Dossier, DossierStep, Status
from tinhso.dossiers.notifications import (
    ApplicantNotice,
    DeadlineNotice,
    Notice,
    StepAssignedNotice,
)
from tinhso.identity.access import is_provincial_administrator, staff_of
from tinhso.identity.models import User
from tinhso.lib.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tinhso.notifications import catalogue
from tinhso.notifications.catalogue import EMAIL, SMS, ZALO, Event
from tinhso.notifications.models import NotificationPreference, NotificationTemplate
from tinhso.notifications.rendering import render, template_problem
from tinhso.outbox.services import MAX_SHORT_TEXT, enqueue

logger = logging.getLogger("tinhso.notifications")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_ZALO_USER_ID = re.compile(r"[1-9]\d{5,31}")


# --- templates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def _event(code: str, channel: str) -> Event:
    event = catalogue.event_for(code)
    if event is None or channel not in event.channels:
        raise NotFound(_("Không có mẫu thông báo này."))
    return event


def active_text(event_code: str, channel: str) -> tuple[str, str]:
    """(subject, body) in force: the province's override while it is on, else the default."""
    event = _event(event_code, channel)
    override = NotificationTemplate.objects.filter(
        event=event_code, channel=channel, is_active=True
    ).first()
    if override is not None:
        return override.subject, override.body
    return event.default(channel)


def render_text(subject: str, body: str, context: dict[str, str]) -> Rendered:
    # A subject is one line: a line break would be a header injection (the outbox also strips).
    return Rendered(subject=" ".join(render(subject, context).split()), body=render(body, context))


def render_notice(event_code: str, channel: str, context: dict[str, str]) -> Rendered:
    subject, body = active_text(event_code, channel)
    return render_text(subject, body, context)


def check_template(event_code: str, channel: str, *, subject: str, body: str) -> dict[str, str]:
    """Field → Vietnamese problem, empty when the template can be saved."""
    event = _event(event_code, channel)
    errors: dict[str, str] = {}
    if channel == EMAIL:
        if not subject.strip():
            errors["subject"] = _("Hãy nhập tiêu đề e-mail.")
        elif "\n" in subject or "\r" in subject:
            errors["subject"] = _("Tiêu đề chỉ có một dòng.")
        elif problem := template_problem(subject, event.variables):
            errors["subject"] = problem
    if not body.strip():
        errors["body"] = _("Hãy nhập nội dung.")
    elif problem := template_problem(body, event.variables):
        errors["body"] = problem
    if not errors:
        sample = render_text(subject if channel == EMAIL else "", body, event.sample)
        if len(sample.subject) > 255:
            errors["subject"] = _("Tiêu đề dài quá 255 ký tự với dữ liệu mẫu.")
        if not sample.body:
            errors["body"] = _("Nội dung trống với dữ liệu mẫu.")
        elif channel != EMAIL and len(sample.body) > MAX_SHORT_TEXT:
            errors["body"] = _("Tin nhắn dài quá %(max)s ký tự với dữ liệu mẫu.") % {
                "max": MAX_SHORT_TEXT
            }
    return errors


def _require_administrator(actor: Any) -> None:
    if not is_provincial_administrator(actor):
        raise PermissionDenied(_("Chỉ quản trị tỉnh được sửa mẫu thông báo."))


def save_template(
    *,
    actor: User,
    event_code: str,
    channel: str,
    subject: str,
    body: str,
    is_active: bool,
    expected_version: int | None,
) -> NotificationTemplate:
    """Create or change the province's wording. ``expected_version`` is the version the editor
    started from (``None``: from the default); a different current version is a conflict,
    unless the stored text is already exactly this one (a repeated submission)."""
    _require_administrator(actor)
    subject = subject.strip() if channel == EMAIL else ""
    body = body.replace("\r\n", "\n").strip()
    errors = check_template(event_code, channel, subject=subject, body=body)
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    now = timezone.now()
    with transaction.atomic():
        current = NotificationTemplate.objects.filter(event=event_code, channel=channel).first()
        wanted = {"subject": subject, "body": body, "is_active": is_active}
        if current is not None:
            before = {"subject": current.subject, "body": current.body, "active": current.is_active}
            if before == {"subject": subject, "body": body, "active": is_active}:
                return current  # the same submission again: nothing to change
            if expected_version != current.version:
                raise Conflict(
                    _("Mẫu vừa được người khác sửa; tải lại trang để xem bản mới rồi sửa tiếp.")
                )
            changed = NotificationTemplate.objects.filter(
                pk=current.pk, version=current.version
            ).update(**wanted, version=current.version + 1, updated_by=actor, updated_at=now)
            if changed != 1:
                raise Conflict(_("Mẫu vừa được người khác sửa; tải lại trang."))
            current.refresh_from_db()
            template = current
        else:
            if expected_version is not None:
                raise Conflict(_("Mẫu vừa được đặt lại về mặc định; tải lại trang."))
            before = None
            template = NotificationTemplate.objects.create(
                event=event_code, channel=channel, updated_by=actor, updated_at=now, **wanted
            )
        record(
            "notifications.template.save",
            actor=actor,
            target=template,
            before=before,
            after={"subject": subject, "body": body, "active": is_active},
        )
    return template


def reset_template(*, actor: User, event_code: str, channel: str) -> bool:
    """Back to the shipped text (the override is deleted; the audit log keeps it)."""
    _require_administrator(actor)
    _event(event_code, channel)
    with transaction.atomic():
        current = NotificationTemplate.objects.filter(event=event_code, channel=channel).first()
        if current is None:
            return False
        record(
            "notifications.template.reset",
            actor=actor,
            target=current,
            before={"subject": current.subject, "body": current.body, "active": current.is_active},
        )
        current.delete()
    return True


# --- preferences -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    email: bool
    sms: bool
    sms_phone: str
    zalo: bool
    zalo_recipient: str
    saved: bool  # False: the defaults, never chosen by the person


def _phone(value: str) -> str | None:
    phone = _PHONE_SEPARATORS.sub("", value.strip())
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    return phone if re.fullmatch(r"0\d{9}", phone) else None


def clean_zalo_recipient(value: str) -> str | None:
    """A phone number (``0xxxxxxxxx``) or a Zalo user id (the digits Zalo gives a follower of
    the province's Official Account); ``None`` when it is neither."""
    text = value.strip()
    if text.startswith(("0", "+")):
        return _phone(text)
    return text if _ZALO_USER_ID.fullmatch(text) else None


def preferences_for(user: User) -> Preferences:
    """Saved choices, or the defaults: e-mail when the account has an address; otherwise SMS
    to the account's phone. One channel by default — SMS costs the province per message, and
    the person adds more on the preferences page."""
    saved: NotificationPreference | None
    relation = User.notification_preference.related
    if relation.is_cached(user):
        # Loaded with the user (``_applicant_account``); no row is cached as None.
        saved = cast(NotificationPreference | None, relation.get_cached_value(user))
    else:
        saved = NotificationPreference.objects.filter(user=user).first()
    if saved is not None:
        return Preferences(
            email=saved.email_enabled,
            sms=saved.sms_enabled,
            sms_phone=saved.sms_phone,
            zalo=saved.zalo_enabled,
            zalo_recipient=saved.zalo_recipient,
            saved=True,
        )
    phone = _phone(user.phone or "") or ""
    return Preferences(
        email=bool(user.email),
        sms=not user.email and bool(phone),
        sms_phone=phone,
        zalo=False,
        zalo_recipient="",
        saved=False,
    )


def update_preferences(
    *,
    actor: User,
    email: bool,
    sms: bool,
    sms_phone: str,
    zalo: bool,
    zalo_recipient: str,
) -> NotificationPreference:
    """Save the person's own choice (one row per person, idempotent)."""
    if not getattr(actor, "pk", None):
        raise PermissionDenied(_("Hãy đăng nhập."))
    errors: dict[str, str] = {}
    phone = _phone(sms_phone) if sms_phone.strip() else ""
    if phone is None:
        errors["sms_phone"] = _(
            "Số điện thoại không hợp lệ: cần 10 chữ số, bắt đầu bằng 0 (hoặc +84)."
        )
    elif sms and not phone:
        errors["sms_phone"] = _("Hãy nhập số điện thoại để nhận SMS.")
    zalo_value = clean_zalo_recipient(zalo_recipient) if zalo_recipient.strip() else ""
    if zalo_value is None:
        errors["zalo_recipient"] = _(
            "Không hợp lệ: nhập số điện thoại dùng Zalo (10 chữ số, bắt đầu bằng 0) hoặc mã "
            "Zalo (chỉ gồm chữ số)."
        )
    elif zalo and not zalo_value:
        errors["zalo_recipient"] = _("Hãy nhập số điện thoại dùng Zalo hoặc mã Zalo.")
    if email and not actor.email:
        errors["channels"] = _(
            "Tài khoản chưa có địa chỉ e-mail; hãy chọn SMS hoặc Zalo, hoặc nhờ cán bộ bổ sung "
            "e-mail."
        )
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    now = timezone.now()
    values = {
        "email_enabled": email,
        "sms_enabled": sms,
        "sms_phone": phone or "",
        "zalo_enabled": zalo,
        "zalo_recipient": zalo_value or "",
    }
    with transaction.atomic():
        before = NotificationPreference.objects.filter(user=actor).values(*values).first()
        preference, _created = NotificationPreference.objects.update_or_create(
            user=actor, defaults={**values, "updated_at": now}
        )
        if before != values:
            record(
                "notifications.preferences.update",
                actor=actor,
                target=preference,
                before=before,
                after=values,
            )
    return preference


# --- from the dossier engine's notices to outbox messages --------------------------------------


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%H giờ %M, ngày %d/%m/%Y") if moment else ""


def _lookup(code: str) -> str:
    from tinhso.dossiers.standard_forms import lookup_url

    return lookup_url(code)


def applicant_context(dossier: Dossier, note: str) -> dict[str, str]:
    show_due = dossier.due_at and dossier.status not in (Status.RETURNED, Status.REFUSED)
    return {
        "ma_ho_so": dossier.code,
        "ten_nguoi_nop": dossier.applicant_name,
        "thu_tuc": dossier.procedure_version.name,
        "trang_thai": str(Status(dossier.status).label),
        "han_tra": _when(dossier.due_at) if show_due else "",
        "noi_dung": note.strip().rstrip("."),  # the templates end the sentence
        "tra_cuu": _lookup(dossier.code),
        "co_quan": dossier.agency.name,
    }


def _applicant_account(dossier: Dossier) -> User | None:
    """The applicant's account with their channel choice, in one query when the caller has not
    loaded the account already."""
    if dossier.applicant_id is None or Dossier.applicant.is_cached(dossier):
        return dossier.applicant
    return (
        User.objects.select_related("notification_preference")
        .filter(pk=dossier.applicant_id)
        .first()
    )


def applicant_recipients(dossier: Dossier) -> dict[str, str]:
    """Channel → address for this dossier. With an account: the person's choice (e-mail to the
    address given on the dossier, else the account's). Without one (received at the desk):
    e-mail if an address was given, else SMS to the phone."""
    account = _applicant_account(dossier)
    if account is not None:
        choice = preferences_for(account)
        recipients = {}
        if choice.email and (dossier.applicant_email or account.email):
            recipients[EMAIL] = dossier.applicant_email or account.email
        if choice.sms and choice.sms_phone:
            recipients[SMS] = choice.sms_phone
        if choice.zalo and choice.zalo_recipient:
            recipients[ZALO] = choice.zalo_recipient
        return recipients
    if dossier.applicant_email:
        return {EMAIL: dossier.applicant_email}
    phone = _phone(dossier.applicant_phone or "")
    return {SMS: phone} if phone else {}


def _enqueue(**message: Any) -> None:
    """Queue one message; an address the outbox refuses (or a text that rendered empty) skips
    that message with a warning instead of undoing the legal change that caused it."""
    try:
        enqueue(**message)
    except InvalidInput as problem:
        logger.warning("Notice %s not queued: %s", message["idempotency_key"], problem.detail)


def notify_applicant(notice: ApplicantNotice) -> None:
    dossier = notice.dossier
    event_code = catalogue.ACTION_EVENTS.get(notice.action)
    if event_code is None:
        return
    if notice.action == "complete_step" and dossier.status != Status.PROCESSED:
        return  # only the last step tells the applicant something new
    recipients = applicant_recipients(dossier)
    if not recipients:
        return
    context = applicant_context(dossier, notice.note)
    for channel, recipient in recipients.items():
        text = render_notice(event_code, channel, context)
        _enqueue(
            channel=channel,
            recipient=recipient,
            subject=text.subject,
            body=text.body,
            idempotency_key=f"dossier:{dossier.code}:{notice.action}:{dossier.version}:{channel}",
            payload={
                "dossier": dossier.code,
                "action": notice.action,
                "event": event_code,
                "status": dossier.status,
                "national_status": dossier.national_status,
            },
        )


def _mail_officers(
    event_code: str, people: list[User], context: dict[str, str], key: str, payload: dict
) -> None:
    for person in people:
        if not person.email:
            continue
        text = render_notice(event_code, EMAIL, {**context, "ten_can_bo": person.full_name})
        _enqueue(
            channel=EMAIL,
            recipient=person.email,
            subject=text.subject,
            body=text.body,
            idempotency_key=key.format(person=person.pk),
            payload=payload,
        )


def notify_deadline(notice: DeadlineNotice) -> None:
    alert = notice.alert
    dossier = alert.dossier
    event_code = "overdue" if alert.kind == DeadlineAlert.Kind.OVERDUE else "due_soon"
    context = {
        "ma_ho_so": dossier.code,
        "thu_tuc": dossier.procedure_version.name,
        "buoc": alert.step.name if alert.step else "",
        "han": _when(alert.due_at),
        "co_quan": alert.agency.name,
        "nguoi_giao": "",
    }
    _mail_officers(
        event_code,
        notice.recipients,
        context,
        f"alert:{alert.pk}:{{person}}:email",
        {"alert": alert.pk, "dossier": dossier.code, "kind": alert.kind},
    )


def notify_step_assigned(notice: StepAssignedNotice) -> None:
    step: DossierStep = notice.step
    dossier = step.dossier
    context = {
        "ma_ho_so": dossier.code,
        "thu_tuc": dossier.procedure_version.name,
        "buoc": step.name,
        "han": _when(step.due_at),
        "co_quan": step.agency.name,
        "nguoi_giao": notice.given_by.full_name if notice.given_by else "",
    }
    _mail_officers(
        "step_assigned",
        staff_of(step.agency, step.role),
        context,
        f"step:{step.pk}:assigned:{{person}}:email",
        {"step": step.pk, "dossier": dossier.code, "event": "step_assigned"},
    )


def handle_notice(notice: Notice) -> None:
    """The listener registered with ``tinhso.dossiers.notifications`` (see ``apps.py``)."""
    if isinstance(notice, ApplicantNotice):
        notify_applicant(notice)
    elif isinstance(notice, DeadlineNotice):
        notify_deadline(notice)
    elif isinstance(notice, StepAssignedNotice):
        notify_step_assigned(notice)
