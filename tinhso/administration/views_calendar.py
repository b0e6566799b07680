"""The province's calendar: day overrides (a day made working or non-working, with a reason)
for a year, and the office hours. Provincial administrators only; the calendar services audit
every change."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.administration import idempotency
from tinhso.administration.access import provincial_administrator_required, signed_in_user
from tinhso.administration.forms import OfficeHoursForm, OverrideForm
from tinhso.administration.queries import calendar_year, today
from tinhso.administration.views import form_key, page, show_domain_error, with_key
from tinhso.calendar.parsing import parse_period
from tinhso.calendar.services import (
    MAX_YEAR,
    MIN_YEAR,
    remove_override,
    set_override,
    set_working_periods,
)
from tinhso.lib.errors import DomainError, InvalidInput


def _year(request: HttpRequest) -> int:
    text = request.GET.get("nam") or request.POST.get("nam") or ""
    if text.isdigit() and MIN_YEAR <= int(text) <= MAX_YEAR:
        return int(text)
    return today().year


def _calendar_url(year: int) -> str:
    return f"{reverse('administration:calendar')}?nam={year}"


def _render(
    request: HttpRequest,
    year: int,
    override_form: OverrideForm,
    hours_form: OfficeHoursForm,
    *,
    failed: bool = False,
) -> HttpResponse:
    data = calendar_year(year)
    return page(
        request,
        "administration/calendar.html",
        {
            "calendar": data,
            "override_form": override_form,
            "hours_form": hours_form,
            "previous_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
            "overrides": [(override, idempotency.new_key()) for override in data.overrides],
        },
        failed=failed,
    )


def _hours_initial() -> str:
    return "\n".join(calendar_year(today().year).periods)


@provincial_administrator_required
def calendar(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    default_day = today() if today().year == year else dt.date(year, 1, 1)
    return _render(
        request,
        year,
        OverrideForm(initial=with_key({"date": default_day, "is_working_day": "0"})),
        OfficeHoursForm(initial=with_key({"periods": _hours_initial()})),
    )


@provincial_administrator_required
@require_POST
def override_set(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = OverrideForm(request.POST)
    year = _year(request)
    hours = OfficeHoursForm(initial=with_key({"periods": _hours_initial()}))
    if not form.is_valid():
        return _render(request, year, form, hours, failed=True)
    day: dt.date = form.cleaned_data["date"]

    def apply() -> str:
        set_override(
            day,
            is_working_day=form.cleaned_data["is_working_day"],
            reason=form.cleaned_data["reason"],
            actor=user,
        )
        return _calendar_url(day.year)

    try:
        url, done = idempotency.run_once(user, form_key(form), apply)
    except DomainError as error:
        field = error.extra.get("field")
        if field == "reason" or "lý do" in error.detail.lower():
            form.add_error("reason", error.detail)
        elif error.code == "out_of_range":
            form.add_error("date", error.detail)
        else:
            show_domain_error(form, error)
        return _render(request, year, form, hours, failed=True)
    if done:
        messages.success(request, _("Đã lưu điều chỉnh ngày %(day)s.") % {"day": f"{day:%d/%m/%Y}"})
    return redirect(url)


@provincial_administrator_required
@require_POST
def override_remove(request: HttpRequest, day: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    key = idempotency.clean_key(request.POST.get(idempotency.KEY_FIELD))

    def remove() -> str:
        remove_override(date, actor=user)
        return _calendar_url(date.year)

    try:
        url, done = idempotency.run_once(user, key, remove)
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect(_calendar_url(date.year))
    if done:
        messages.success(
            request,
            _("Đã bỏ điều chỉnh ngày %(day)s; ngày này theo lịch chung của Nhà nước.")
            % {"day": f"{date:%d/%m/%Y}"},
        )
    return redirect(url)


@provincial_administrator_required
@require_POST
def office_hours(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = OfficeHoursForm(request.POST)
    year = _year(request)
    override = OverrideForm(initial=with_key({"date": today(), "is_working_day": "0"}))
    if not form.is_valid():
        return _render(request, year, override, form, failed=True)
    try:
        periods = [
            parse_period(line) for line in form.cleaned_data["periods"].splitlines() if line.strip()
        ]
        if not periods:
            raise InvalidInput(_("Cần ít nhất một khoảng giờ làm việc."))
    except DomainError as error:
        form.add_error("periods", error.detail)
        return _render(request, year, override, form, failed=True)

    def apply() -> str:
        set_working_periods(periods, actor=user)
        return _calendar_url(year)

    try:
        url, done = idempotency.run_once(user, form_key(form), apply)
    except DomainError as error:
        form.add_error("periods", error.detail)
        return _render(request, year, override, form, failed=True)
    if done:
        messages.success(request, _("Đã lưu giờ làm việc."))
    return redirect(url)
