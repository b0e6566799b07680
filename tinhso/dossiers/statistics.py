"""The one-stop statistics table (the one Tiền Giang's reports print): per agency or procedure
and period — received by channel, finished early / on time / late, still in progress on time /
overdue, and the online ratio. One grouped query per table, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from tinhso.dossiers.models import Channel, Status, Timeliness
from tinhso.lib.errors import InvalidInput

GROUPS = {
    "agency": ("agency__code", "agency__name"),
    "procedure": ("procedure_version__procedure__code", "procedure_version__name"),
}
OPEN_STATUSES = [
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.AWAITING_PAYMENT,
]
FINISHED = [Status.PROCESSED, Status.RETURNED, Status.REFUSED, Status.STOPPED, Status.WITHDRAWN]


@dataclass(frozen=True)
class Row:
    key: str
    name: str
    received: int
    received_direct: int
    received_online: int
    received_post: int
    finished_early: int
    finished_on_time: int
    finished_late: int
    in_progress_on_time: int
    in_progress_overdue: int

    @property
    def online_ratio(self) -> float:
        return round(100 * self.received_online / self.received, 2) if self.received else 0.0

    @property
    def on_time_ratio(self) -> float:
        finished = self.finished_early + self.finished_on_time + self.finished_late
        return round(100 * (finished - self.finished_late) / finished, 2) if finished else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "online_ratio": self.online_ratio,
            "on_time_ratio": self.on_time_ratio,
        }


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if end < start:
        raise InvalidInput(
            "Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu.", errors={"to": "trước from"}
        )
    if (end - start).days > 366 * 5:
        raise InvalidInput("Kỳ báo cáo tối đa 5 năm.", errors={"to": "quá dài"})
    zone = timezone.get_default_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def dossier_statistics(
    dossiers: Any, *, start: dt.date, end: dt.date, group_by: str = "agency"
) -> list[Row]:
    """``dossiers`` is the queryset the caller may see (from the access chokepoint)."""
    if group_by not in GROUPS:
        raise InvalidInput("Nhóm theo agency hoặc procedure.", errors={"group_by": group_by})
    begin, finish = _bounds(start, end)
    cutoff = min(finish, timezone.now())
    received = Q(received_at__gte=begin, received_at__lt=finish)
    finished = Q(
        finished_at__gte=begin,
        finished_at__lt=finish,
        received_at__isnull=False,
        status__in=FINISHED,
    )
    open_at_end = Q(received_at__lt=finish) & (
        Q(status__in=OPEN_STATUSES) | Q(finished_at__gte=finish)
    )
    key, name = GROUPS[group_by]
    rows = (
        dossiers.filter(received | finished | open_at_end)
        .values(key, name)
        .annotate(
            received=Count("pk", filter=received),
            received_direct=Count("pk", filter=received & Q(channel=Channel.DIRECT)),
            received_online=Count("pk", filter=received & Q(channel=Channel.ONLINE)),
            received_post=Count("pk", filter=received & Q(channel=Channel.POST)),
            finished_early=Count("pk", filter=finished & Q(timeliness=Timeliness.EARLY)),
            finished_on_time=Count("pk", filter=finished & Q(timeliness=Timeliness.ON_TIME)),
            finished_late=Count("pk", filter=finished & Q(timeliness=Timeliness.LATE)),
            in_progress_on_time=Count("pk", filter=open_at_end & Q(due_at__gte=cutoff)),
            in_progress_overdue=Count("pk", filter=open_at_end & Q(due_at__lt=cutoff)),
        )
        .order_by(key)
    )
    return [
        Row(
            key=row[key],
            name=row[name],
            **{
                k: row[k]
                for k in (
                    "received",
                    "received_direct",
                    "received_online",
                    "received_post",
                    "finished_early",
                    "finished_on_time",
                    "finished_late",
                    "in_progress_on_time",
                    "in_progress_overdue",
                )
            },
        )
        for row in rows
    ]


HEADERS = [
    ("key", "Mã"),
    ("name", "Tên"),
    ("received", "Tiếp nhận"),
    ("received_direct", "Trực tiếp"),
    ("received_online", "Trực tuyến"),
    ("received_post", "Bưu chính"),
    ("finished_early", "Giải quyết trước hạn"),
    ("finished_on_time", "Giải quyết đúng hạn"),
    ("finished_late", "Giải quyết trễ hạn"),
    ("in_progress_on_time", "Đang giải quyết trong hạn"),
    ("in_progress_overdue", "Đang giải quyết quá hạn"),
    ("online_ratio", "Tỷ lệ trực tuyến (%)"),
    ("on_time_ratio", "Tỷ lệ đúng hạn (%)"),
]


def statistics_workbook(rows: list[Row], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Thống kê"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([label for _, label in HEADERS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        values = row.as_dict()
        sheet.append([values[field] for field, _ in HEADERS])
    totals = ["", "Tổng cộng"] + [
        sum(getattr(row, field) for row in rows) for field, _ in HEADERS[2:11]
    ]
    sheet.append(totals)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
