"""Read-only data of the notification pages, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tinhso.notifications import catalogue
from tinhso.notifications.catalogue import CHANNEL_LABELS, EMAIL
from tinhso.notifications.models import NotificationTemplate


@dataclass(frozen=True)
class Cell:
    channel: str
    channel_label: str
    state: str  # "default" | "custom" | "off"


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    for_officers: bool
    cells: list[Cell]


def template_table() -> list[Row]:
    overrides = {
        (event, channel): active
        for event, channel, active in NotificationTemplate.objects.values_list(
            "event", "channel", "is_active"
        )
    }
    rows = []
    for event in catalogue.EVENTS.values():
        cells = []
        for channel in catalogue.APPLICANT_CHANNELS:
            if channel not in event.channels:
                continue
            active = overrides.get((event.code, channel))
            state = "default" if active is None else ("custom" if active else "off")
            cells.append(Cell(channel, CHANNEL_LABELS[channel], state))
        rows.append(Row(event.code, event.label, event.for_officers, cells))
    return rows


def template_detail(event_code: str, channel: str) -> dict[str, Any] | None:
    event = catalogue.event_for(event_code)
    if event is None or channel not in event.channels:
        return None
    default_subject, default_body = event.default(channel)
    override = (
        NotificationTemplate.objects.select_related("updated_by")
        .filter(event=event_code, channel=channel)
        .first()
    )
    detail: dict[str, Any] = {
        "event": event.code,
        "event_label": event.label,
        "for_officers": event.for_officers,
        "channel": channel,
        "channel_label": CHANNEL_LABELS[channel],
        "has_subject": channel == EMAIL,
        "variables": list(event.variables.items()),
        "sample": event.sample,
        "default_subject": default_subject,
        "default_body": default_body,
        "custom": override is not None,
        "subject": default_subject,
        "body": default_body,
        "is_active": True,
        "version": None,
        "updated_by": "",
        "updated_at": None,
    }
    if override is not None:
        detail.update(
            subject=override.subject,
            body=override.body,
            is_active=override.is_active,
            version=override.version,
            updated_by=override.updated_by.full_name if override.updated_by else "",
            updated_at=timezone.localtime(override.updated_at),
        )
    return detail
