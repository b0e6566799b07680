"""Procedure catalogue pages: list, procedure and version pages, drafting a new version from an
existing one (general fields, components, fees, internal process, e-form), publication,
withdrawal, retirement and the import of a national catalogue file. Only a provincial
administrator manages the catalogue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tinhso.administration import idempotency
from tinhso.administration.access import provincial_administrator_required, signed_in_user
from tinhso.administration.forms import (
    ComponentFormSet,
    FeeFormSet,
    ProcedureSearchForm,
    PublishForm,
    ReasonForm,
    RetireForm,
    RowForm,
    StepFormSet,
    VersionForm,
)
from tinhso.administration.queries import (
    get_version,
    latest_version,
    procedure_page,
    sector_choices,
    today,
    version_rows,
    version_view,
)
from tinhso.administration.views import (
    form_key,
    optional_url,
    page,
    show_domain_error,
    with_key,
)
from tinhso.catalog.models import Procedure, ProcedureVersion
from tinhso.catalog.services import (
    create_version,
    get_procedure,
    publish_version,
    retire_procedure,
    unpublish_version,
    version_content,
)
from tinhso.lib.errors import DomainError, NotFound

SECTIONS = (("components", "components"), ("fees", "fees"), ("process_steps", "steps"))
MORE_ROWS = 3


def _procedure(code: str) -> Procedure:
    try:
        return get_procedure(code)
    except NotFound:
        raise Http404 from None


def _version(procedure: Procedure, number: int) -> ProcedureVersion:
    try:
        return get_version(procedure, number)
    except NotFound:
        raise Http404 from None


def version_url(version: ProcedureVersion) -> str:
    return reverse("administration:version", args=[version.procedure.code, version.number])


@provincial_administrator_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(request.GET or None, sectors=sector_choices())
    values: dict[str, Any] = {"q": "", "status": "", "sector": ""}
    if form.is_bound and form.is_valid():
        values.update(form.cleaned_data)
    current, rows = procedure_page(
        values["q"], values["status"], values["sector"], request.GET.get("trang", 1)
    )
    query = request.GET.copy()
    query.pop("trang", None)
    return page(
        request,
        "administration/procedure_list.html",
        {"form": form, "page_obj": current, "rows": rows, "query": query.urlencode()},
    )


@provincial_administrator_required
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(code)
    if procedure.code != code:
        return redirect("administration:procedure", procedure.code)
    latest = latest_version(procedure)
    return page(
        request,
        "administration/procedure_detail.html",
        {
            "procedure": procedure,
            "latest": latest,
            "versions": version_rows(procedure),
        },
    )


@provincial_administrator_required
def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    procedure = _procedure(code)
    version = _version(procedure, number)
    rows = {row.number: row for row in version_rows(procedure)}
    return page(
        request,
        "administration/version_detail.html",
        {
            "procedure": procedure,
            "view": version_view(version),
            "row": rows[version.number],
            "preview_url": optional_url("portal:eform_preview", procedure.code, version.number),
        },
    )


# --- drafting ---------------------------------------------------------------------------------


def _formsets(
    data: Any = None, content: dict[str, Any] | None = None, more: dict[str, int] | None = None
) -> dict[str, forms.BaseFormSet[Any]]:
    classes: dict[str, type[forms.BaseFormSet[Any]]] = {
        "components": ComponentFormSet,
        "fees": FeeFormSet,
        "steps": StepFormSet,
    }
    initial: dict[str, list[dict[str, Any]]] = {"components": [], "fees": [], "steps": []}
    if content is not None:
        initial = {
            "components": [
                {**item, "originals": str(item["originals"]), "copies": str(item["copies"])}
                for item in content["components"]
            ],
            "fees": [{**item, "amount": str(item["amount"])} for item in content["fees"]],
            "steps": [
                {**item, "position": str(item["position"])} for item in content["process_steps"]
            ],
        }
    if data is not None and more:
        data = data.copy()
        for prefix, count in more.items():
            key = f"{prefix}-TOTAL_FORMS"
            try:
                total = int(data.get(key, "0"))
            except ValueError:
                total = 0
            data[key] = str(min(total + count, 100))
    return {
        prefix: formset_class(data, prefix=prefix, initial=None if data else initial[prefix])
        for prefix, formset_class in classes.items()
    }


def _rows(formset: forms.BaseFormSet[Any]) -> list[RowForm]:
    return [form for form in formset.forms if form.is_valid() and not form.is_blank()]


def _section_errors(
    error: DomainError,
    form: VersionForm,
    rows: dict[str, list[RowForm]],
    sections: dict[str, str],
) -> None:
    """Spread the service's errors over the form, the rows and the sections."""
    errors = error.extra.get("errors")
    if not isinstance(errors, dict):
        show_domain_error(form, error)
        return
    general: dict[str, str] = {}
    for key, message in errors.items():
        for data_key, prefix in SECTIONS:
            if key == data_key:
                sections[prefix] = str(message)
                break
            if key.startswith(f"{data_key}["):
                index_text, _sep, rest = key[len(data_key) + 1 :].partition("]")
                field_name = rest.lstrip(".")
                section_rows = rows[prefix]
                index = int(index_text) if index_text.isdigit() else -1
                if 0 <= index < len(section_rows):
                    row = section_rows[index]
                    if field_name in row.fields and field_name not in row.errors:
                        row.add_error(field_name, str(message))
                    elif field_name not in row.fields:
                        row.add_error(None, str(message))
                else:
                    sections[prefix] = str(message)
                break
        else:
            general[key] = str(message)
    aliases = {
        "sector.code": "sector_code",
        "sector.name": "sector_name",
        "sector": "sector_code",
        "code": "procedure_code",
    }
    if general:
        show_domain_error(form, type(error)(error.detail, errors=general), aliases=aliases)


def _summary_errors(
    formsets: dict[str, forms.BaseFormSet[Any]], sections: dict[str, str]
) -> dict[str, str]:
    """Errors of the rows and sections for the summary at the top (field id → message)."""
    summary: dict[str, str] = {}
    for prefix, formset in formsets.items():
        if prefix in sections:
            summary[f"section_{prefix}"] = sections[prefix]
        for index, row in enumerate(formset.forms):
            first = next(iter(row.fields))
            for message in row.non_field_errors():
                summary[f"{prefix}-{index}-{first}"] = f"{_('Dòng')} {index + 1}: {message}"
            for name, field_errors in row.errors.items():
                if name == "__all__":
                    continue
                summary[f"{prefix}-{index}-{name}"] = (
                    f"{_('Dòng')} {index + 1}, {row.fields[name].label}: {' '.join(field_errors)}"
                )
    return summary


def _draft_page(
    request: HttpRequest,
    *,
    procedure: Procedure | None,
    source: ProcedureVersion | None,
) -> HttpResponse:
    user = signed_in_user(request)
    new_procedure = procedure is None
    if request.method != "POST":
        content = version_content(source) if source is not None else None
        initial = with_key(
            VersionForm.initial_from(content, max(source.valid_from, today()) if source else None)
            if content
            else {"level": "province", "processing_time_unit": "working_day"}
        )
        form = VersionForm(initial=initial, new_procedure=new_procedure)
        formsets = _formsets(content=content)
        return _render_draft(request, procedure, source, form, formsets, {}, failed=False)
    more = (
        {request.POST["add_rows"]: MORE_ROWS}
        if request.POST.get("add_rows") in ("components", "fees", "steps")
        else None
    )
    form = VersionForm(request.POST, new_procedure=new_procedure)
    formsets = _formsets(request.POST, more=more)
    if more:
        form.is_valid()
        form.errors.clear()
        return _render_draft(request, procedure, source, form, formsets, {}, failed=False)
    valid = form.is_valid()
    # Every formset is validated (no short cut) so that all their errors show at once.
    formsets_valid = [formset.is_valid() for formset in formsets.values()]
    valid = all(formsets_valid) and valid
    sections: dict[str, str] = {
        prefix: " ".join(str(message) for message in formset.non_form_errors())
        for prefix, formset in formsets.items()
        if formset.non_form_errors()
    }
    if not valid:
        return _render_draft(request, procedure, source, form, formsets, sections, failed=True)
    rows = {prefix: _rows(formset) for prefix, formset in formsets.items()}
    data = form.general_data()
    for data_key, prefix in SECTIONS:
        data[data_key] = [row.item() for row in rows[prefix]]
    if new_procedure:
        code, national = form.cleaned_data["procedure_code"], form.cleaned_data["national_code"]
    else:
        assert procedure is not None
        code, national = procedure.code, procedure.national_code

    def draft() -> str:
        version = create_version(actor=user, procedure_code=code, national_code=national, data=data)
        return version_url(version)

    try:
        url, created = idempotency.run_once(user, form_key(form), draft)
    except DomainError as error:
        _section_errors(error, form, rows, sections)
        return _render_draft(request, procedure, source, form, formsets, sections, failed=True)
    if created:
        messages.success(
            request,
            _("Đã lưu bản dự thảo mới. Kiểm tra lại rồi công bố khi đến lúc."),
        )
    return redirect(url)


def _render_draft(
    request: HttpRequest,
    procedure: Procedure | None,
    source: ProcedureVersion | None,
    form: VersionForm,
    formsets: dict[str, forms.BaseFormSet[Any]],
    sections: dict[str, str],
    *,
    failed: bool,
) -> HttpResponse:
    return page(
        request,
        "administration/version_form.html",
        {
            "procedure": procedure,
            "source": source,
            "form": form,
            "formsets": formsets,
            "sections": sections,
            "summary_errors": _summary_errors(formsets, sections) if failed else {},
        },
        failed=failed,
    )


@provincial_administrator_required
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, code: str, number: int) -> HttpResponse:
    procedure = _procedure(code)
    return _draft_page(request, procedure=procedure, source=_version(procedure, number))


@provincial_administrator_required
@require_http_methods(["GET", "POST"])
def procedure_create(request: HttpRequest) -> HttpResponse:
    return _draft_page(request, procedure=None, source=None)


# --- publication ------------------------------------------------------------------------------


@provincial_administrator_required
@require_http_methods(["GET", "POST"])
def version_publish(request: HttpRequest, code: str, number: int) -> HttpResponse:
    user = signed_in_user(request)
    procedure = _procedure(code)
    version = _version(procedure, number)
    if request.method != "POST":
        form = PublishForm(initial=with_key({"valid_from": max(version.valid_from, today())}))
        return _action_page(request, "publish", procedure, version, form, failed=False)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _action_page(request, "publish", procedure, version, form, failed=True)
    start: dt.date = form.cleaned_data["valid_from"]

    def publish() -> str:
        publish_version(actor=user, version=version, valid_from=start)
        return version_url(version)

    try:
        url, done = idempotency.run_once(user, form_key(form), publish)
    except DomainError as error:
        show_domain_error(form, error)
        return _action_page(request, "publish", procedure, version, form, failed=True)
    if done:
        messages.success(
            request,
            _("Đã công bố phiên bản %(number)s, hiệu lực từ %(day)s.")
            % {"number": version.number, "day": f"{start:%d/%m/%Y}"},
        )
    return redirect(url)


@provincial_administrator_required
@require_http_methods(["GET", "POST"])
def version_unpublish(request: HttpRequest, code: str, number: int) -> HttpResponse:
    user = signed_in_user(request)
    procedure = _procedure(code)
    version = _version(procedure, number)
    if request.method != "POST":
        form = ReasonForm(initial=with_key())
        return _action_page(request, "unpublish", procedure, version, form, failed=False)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _action_page(request, "unpublish", procedure, version, form, failed=True)
    reason = form.cleaned_data["reason"]

    def unpublish() -> str:
        unpublish_version(actor=user, version=version, reason=reason)
        return version_url(version)

    try:
        url, done = idempotency.run_once(user, form_key(form), unpublish)
    except DomainError as error:
        show_domain_error(form, error)
        return _action_page(request, "unpublish", procedure, version, form, failed=True)
    if done:
        messages.success(
            request, _("Đã rút công bố phiên bản %(number)s.") % {"number": version.number}
        )
    return redirect(url)


def _action_page(
    request: HttpRequest,
    action: str,
    procedure: Procedure,
    version: ProcedureVersion | None,
    form: forms.Form,
    *,
    failed: bool,
) -> HttpResponse:
    return page(
        request,
        "administration/version_action.html",
        {"action": action, "procedure": procedure, "version": version, "form": form},
        failed=failed,
    )


@provincial_administrator_required
@require_http_methods(["GET", "POST"])
def procedure_retire(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in_user(request)
    procedure = _procedure(code)
    if request.method != "POST":
        form = RetireForm(initial=with_key({"on": today()}))
        return _action_page(request, "retire", procedure, None, form, failed=False)
    form = RetireForm(request.POST)
    if not form.is_valid():
        return _action_page(request, "retire", procedure, None, form, failed=True)
    on, reason = form.cleaned_data["on"], form.cleaned_data["reason"]

    def retire() -> str:
        retire_procedure(actor=user, procedure_code=procedure.code, on=on, reason=reason)
        return reverse("administration:procedure", args=[procedure.code])

    try:
        url, done = idempotency.run_once(user, form_key(form), retire)
    except DomainError as error:
        show_domain_error(form, error)
        return _action_page(request, "retire", procedure, None, form, failed=True)
    if done:
        messages.success(
            request,
            _("Thủ tục %(code)s ngừng tiếp nhận hồ sơ từ %(day)s.")
            % {"code": procedure.code, "day": f"{on:%d/%m/%Y}"},
        )
    return redirect(url)
