"""Writing and verifying the audit trail. Every service that changes state calls :func:`record`
inside its transaction, so the entry commits or rolls back with the change it describes."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from tinhso.audit import context
from tinhso.audit.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "hệ thống"


def _json_safe(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _clean_ip(value: str | None) -> str | None:
    if not value:
        return None
    if ":" in value:
        try:
            return clean_ipv6_address(value)
        except ValidationError:
            return None
    parts = value.split(".")
    if len(parts) == 4 and all(p.isdigit() and 0 <= int(p) <= 255 for p in parts):
        return value
    return None


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """A JSON-safe dict of the named fields (foreign keys by their raw id)."""
    result: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        result[name] = getattr(instance, attname)
    return _json_safe(result)


def actor_label_for(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return context.current().actor_label or SYSTEM_ACTOR
    full_name = getattr(actor, "full_name", "") or ""
    username = actor.get_username()
    return f"{username} ({full_name})" if full_name else username


def _hash_payload(entry: AuditEntry) -> str:
    payload = {
        "sequence": entry.sequence,
        "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "request_id": entry.request_id,
        "ip_address": entry.ip_address,
        "previous_hash": entry.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(entry: AuditEntry) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode("utf-8")
    return hmac.new(key, _hash_payload(entry).encode("utf-8"), hashlib.sha256).hexdigest()


def record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry. ``target`` fills the object fields from a model instance."""
    if target is not None:
        object_type = object_type or f"{target._meta.app_label}.{target._meta.model_name}"
        object_id = object_id or str(target.pk)
        object_label = object_label or str(target)
    ctx = context.current()
    # No savepoint inside the caller's transaction (two statements fewer per change): an error
    # here must undo the change it describes anyway, and atomic(savepoint=False) marks the
    # outer transaction for rollback.
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, sequence=0, entry_hash=GENESIS_HASH)
        entry = AuditEntry(
            sequence=head.sequence + 1,
            occurred_at=timezone.now(),
            actor_id=actor.pk if actor is not None and getattr(actor, "pk", None) else None,
            actor_label=actor_label_for(actor)[:255],
            action=action[:100],
            object_type=object_type[:100],
            object_id=object_id[:100],
            object_label=object_label[:500],
            before=_json_safe(before),
            after=_json_safe(after),
            reason=reason,
            request_id=ctx.request_id[:64],
            ip_address=_clean_ip(ctx.ip_address),
            previous_hash=head.entry_hash or GENESIS_HASH,
        )
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(
            sequence=entry.sequence, entry_hash=entry.entry_hash
        )
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_sequence: int | None = None
    problem: str = ""

    @property
    def is_intact(self) -> bool:
        return self.broken_sequence is None and not self.problem


def verify_chain(progress: Callable[[int], None] | None = None) -> ChainReport:
    """Walk the chain in order and report the first broken link."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    entries = AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000)
    for entry in entries:
        if entry.sequence != expected_sequence:
            return ChainReport(
                checked,
                expected_sequence,
                f"thiếu bản ghi #{expected_sequence} (bị xoá?); bản ghi tiếp theo là "
                f"#{entry.sequence}",
            )
        if entry.previous_hash != previous_hash:
            return ChainReport(
                checked, entry.sequence, "liên kết tới bản ghi trước không khớp (bị chèn/xoá?)"
            )
        if not hmac.compare_digest(compute_hash(entry), entry.entry_hash):
            return ChainReport(
                checked,
                entry.sequence,
                f"nội dung đã bị sửa (hành động {entry.action}, đối tượng "
                f"{entry.object_type}:{entry.object_id})",
            )
        previous_hash = entry.entry_hash
        expected_sequence += 1
        checked += 1
        if progress is not None and checked % 10000 == 0:
            progress(checked)
    head = AuditChainHead.objects.filter(pk=1).first()
    head_sequence = head.sequence if head else 0
    head_hash = (head.entry_hash if head else "") or GENESIS_HASH
    if head_sequence != checked or head_hash != previous_hash:
        return ChainReport(
            checked,
            checked + 1 if head_sequence > checked else head_sequence,
            f"đầu chuỗi ghi #{head_sequence} nhưng chuỗi dừng ở #{checked} (bản ghi cuối bị xoá?)",
        )
    return ChainReport(checked)


def chain_head() -> tuple[int, str]:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return 0, GENESIS_HASH
    return head.sequence, head.entry_hash or GENESIS_HASH


def entries_for(target: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        object_type=f"{target._meta.app_label}.{target._meta.model_name}", object_id=str(target.pk)
    )
