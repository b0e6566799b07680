"""Status changes told to the applicant "in real time" (NĐ 224/2026): an e-mail per change,
queued in the outbox inside the transaction of the change (so it is sent iff the change commits,
once, by the outbox workers). The texts are fixed Vietnamese templates for now; per-province
editable templates and the applicant's choice of channels (SMS, Zalo) are still to come."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tinhso.dossiers.models import Dossier, Status
from tinhso.outbox.services import enqueue

SUBJECTS = {
    "submit": "Đã nhận hồ sơ trực tuyến {code}",
    "receive": "Hồ sơ {code} đã được tiếp nhận",
    "accept": "Hồ sơ {code} đã được tiếp nhận",
    "refuse": "Hồ sơ {code} không được tiếp nhận",
    "request_supplement": "Hồ sơ {code} cần bổ sung giấy tờ",
    "require_payment": "Hồ sơ {code}: đề nghị nộp phí, lệ phí",
    "extend": "Hồ sơ {code}: hẹn lại ngày trả kết quả",
    "stop": "Hồ sơ {code} đã dừng xử lý",
    "withdraw": "Hồ sơ {code} đã được rút",
    "complete_step": "Hồ sơ {code} đã có kết quả",
    "return_result": "Hồ sơ {code} đã trả kết quả",
}


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%H giờ %M, ngày %d/%m/%Y") if moment else "—"


def _body(dossier: Dossier, action: str, note: str) -> str:
    lines = [
        f"Kính gửi {dossier.applicant_name},",
        "",
        f"Hồ sơ {dossier.code} — {dossier.procedure_version.name}",
        f"Trạng thái: {Status(dossier.status).label}.",
    ]
    if dossier.due_at and dossier.status not in (Status.RETURNED, Status.REFUSED):
        lines.append(f"Ngày hẹn trả kết quả: {_when(dossier.due_at)}.")
    if note:
        lines.append(f"Nội dung: {note}")
    lines += [
        "",
        "Tra cứu hồ sơ: " + _lookup(dossier.code),
        f"{dossier.agency.name}",
    ]
    return "\n".join(lines)


def _lookup(code: str) -> str:
    from tinhso.dossiers.standard_forms import lookup_url

    return lookup_url(code)


def notify_applicant(dossier: Dossier, action: str, *, note: str = "") -> None:
    """Queue the e-mail for this change of ``dossier`` (inside the caller's transaction)."""
    if action not in SUBJECTS or not dossier.applicant_email:
        return
    if action == "complete_step" and dossier.status != Status.PROCESSED:
        return  # only the last step tells the applicant something new
    enqueue(
        channel="email",
        recipient=dossier.applicant_email,
        subject=SUBJECTS[action].format(code=dossier.code),
        body=_body(dossier, action, note),
        idempotency_key=f"dossier:{dossier.code}:{action}:{dossier.version}:email",
        payload={
            "dossier": dossier.code,
            "action": action,
            "status": dossier.status,
            "national_status": dossier.national_status,
        },
    )
