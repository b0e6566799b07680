"""The dossier page of the staff workspace and its actions.

Thin views: each action parses its form (tinhso.workspace.forms), calls the service function of
``tinhso.dossiers.services`` and turns a ``DomainError`` into form errors (422), the "somebody
else acted first" page (409), a refusal (403) or a 404. Success: POST-redirect-GET with a message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tinhso.attachments.services import (
    ACCEPTED_TYPES,
    atomic_with_files,
    download_name,
    get_document_for,
    read_document,
    read_upload,
)
from tinhso.core.http import already_done, pdf_response, remember
from tinhso.dossiers import services
from tinhso.dossiers.access import get_dossier_for
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.standard_forms import control_sheet_data, form_pdf, issue_form
from tinhso.dossiers.workflow import TRANSITIONS
from tinhso.identity.models import User
from tinhso.lib.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from tinhso.postal.queries import postal_summary
from tinhso.postal.services import is_desk_officer
from tinhso.printing.services import FormKind
from tinhso.workspace import forms
from tinhso.workspace.queries import DossierPage, dossier_page

CONFLICT_MESSAGE = gettext_lazy(
    "Hồ sơ đã được người khác xử lý trong lúc bạn thao tác. Không có thay đổi nào được lưu; "
    "dưới đây là trạng thái mới nhất của hồ sơ."
)
# Conflicts that mean "the dossier moved on under you"; the others are refusals of this input
# (already extended, too late to extend, …) shown on the form itself.
MOVED_ON = {"concurrent_change", "illegal_transition", "step_not_active"}
FIELD_OF_ERROR = {
    "step_code": "step",
    "file": "result_file",
    "title": "result_title",
    "new_due_at": "new_due_date",
    "items": "components",
}


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff only; citizens and businesses go to their account page."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not isinstance(user, User):
            raise DjangoPermissionDenied
        if user.kind != User.Kind.STAFF:
            return redirect("portal:account")
        return view(request, user, *args, **kwargs)

    return wrapper


def _page(user: User, code: str) -> DossierPage:
    try:
        return dossier_page(user, code)
    except NotFound:
        raise Http404(code) from None


def _dossier(user: User, code: str) -> Dossier:
    try:
        return get_dossier_for(user, code)
    except NotFound:
        raise Http404(code) from None


def render_dossier(
    request: HttpRequest,
    user: User,
    code: str,
    *,
    status: int = 200,
    problem: str = "",
) -> HttpResponse:
    page = _page(user, code)
    actions = [
        (action, forms.ConfirmForm(dossier=page.dossier, user=user) if action.on_page else None)
        for action in (ACTIONS_BY_NAME[name] for name in page.actions if name in ACTIONS_BY_NAME)
    ]
    return render(
        request,
        "workspace/dossier.html",
        {
            "page": page,
            "dossier": page.dossier,
            "actions": actions,
            "control_sheet_form": forms.ConfirmForm(dossier=page.dossier, user=user),
            "problem": problem,
            "postal": postal_summary(page.dossier),
            "handles_post": is_desk_officer(user, page.dossier),
        },
        status=status,
    )


@require_GET
@staff_only
def dossier(request: HttpRequest, user: User, code: str) -> HttpResponse:
    return render_dossier(request, user, code)


# --- actions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str  # the action of the state machine (services.allowed_actions)
    slug: str  # in the URL
    title: Any  # page title and heading
    button: Any
    form_class: type[forms.ActionForm]
    perform: Callable[[User, Dossier, forms.ActionForm], Any]
    success: Any
    finished: Any = None  # the message when the action finished processing (last step)
    on_page: bool = False  # a single confirm button on the dossier page
    warning: bool = False  # a destructive action: red button

    @property
    def rule(self) -> str:
        return TRANSITIONS[self.name].deadline


def _call(service: Callable[..., Any]) -> Callable[[User, Dossier, forms.ActionForm], Any]:
    def perform(user: User, dossier: Dossier, form: forms.ActionForm) -> Any:
        return service(actor=user, dossier=dossier, **form.service_arguments())

    return perform


def _return_result(user: User, dossier: Dossier, form: forms.ActionForm) -> Any:
    upload = form.cleaned_data.get("result_file")
    if upload is not None:
        services.attach_result(
            actor=user,
            dossier=dossier,
            content=read_upload(upload),
            name=upload.name or "ket-qua",
            title=form.cleaned_data.get("result_title") or dossier.procedure_version.name,
        )
    return services.return_result(actor=user, dossier=dossier, **form.service_arguments())


ACTIONS = [
    Action(
        "accept",
        "tiep-nhan",
        gettext_lazy("Tiếp nhận hồ sơ"),
        gettext_lazy("Tiếp nhận"),
        forms.ConfirmForm,
        _call(services.accept_dossier),
        gettext_lazy("Đã tiếp nhận hồ sơ; giấy tiếp nhận và hẹn trả kết quả đã được cấp."),
        on_page=True,
    ),
    Action(
        "refuse",
        "tu-choi",
        gettext_lazy("Từ chối tiếp nhận hồ sơ"),
        gettext_lazy("Từ chối tiếp nhận"),
        forms.RefuseForm,
        _call(services.refuse_dossier),
        gettext_lazy("Đã từ chối tiếp nhận hồ sơ; phiếu từ chối đã được cấp."),
        warning=True,
    ),
    Action(
        "request_supplement",
        "yeu-cau-bo-sung",
        gettext_lazy("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
        gettext_lazy("Gửi yêu cầu bổ sung"),
        forms.SupplementRequestForm,
        _call(services.request_supplement),
        gettext_lazy("Đã gửi yêu cầu bổ sung; phiếu yêu cầu bổ sung đã được cấp."),
    ),
    Action(
        "supplement",
        "nhan-bo-sung",
        gettext_lazy("Nhận hồ sơ bổ sung tại quầy"),
        gettext_lazy("Xác nhận đã nhận bổ sung"),
        forms.ProvideSupplementForm,
        _call(services.provide_supplement),
        gettext_lazy("Đã nhận hồ sơ bổ sung; thời hạn được tính lại."),
    ),
    Action(
        "start_processing",
        "chuyen-xu-ly",
        gettext_lazy("Chuyển hồ sơ sang xử lý"),
        gettext_lazy("Chuyển xử lý"),
        forms.ConfirmForm,
        _call(services.start_processing),
        gettext_lazy("Đã chuyển hồ sơ sang bước đầu của quy trình xử lý."),
        on_page=True,
    ),
    Action(
        "complete_step",
        "hoan-thanh-buoc",
        gettext_lazy("Hoàn thành bước xử lý"),
        gettext_lazy("Hoàn thành bước"),
        forms.CompleteStepForm,
        _call(services.complete_step),
        gettext_lazy("Đã hoàn thành bước và bàn giao cho bước tiếp theo."),
        finished=gettext_lazy(
            "Đã hoàn thành bước cuối: hồ sơ đã xử lý xong và chờ Bộ phận Một cửa trả kết quả."
        ),
    ),
    Action(
        "require_payment",
        "yeu-cau-nop-phi",
        gettext_lazy("Yêu cầu thực hiện nghĩa vụ tài chính"),
        gettext_lazy("Yêu cầu nộp phí, lệ phí"),
        forms.RequirePaymentForm,
        _call(services.require_payment),
        gettext_lazy("Đã yêu cầu người nộp thực hiện nghĩa vụ tài chính."),
    ),
    Action(
        "settle_payment",
        "xac-nhan-nop-phi",
        gettext_lazy("Xác nhận đã nộp phí hoặc miễn, giảm"),
        gettext_lazy("Xác nhận"),
        forms.SettlePaymentForm,
        _call(services.settle_payment),
        gettext_lazy("Đã ghi nhận nghĩa vụ tài chính; hồ sơ tiếp tục được xử lý."),
    ),
    Action(
        "extend",
        "gia-han",
        gettext_lazy("Gia hạn và xin lỗi"),
        gettext_lazy("Gia hạn"),
        forms.ExtendForm,
        _call(services.extend_dossier),
        gettext_lazy("Đã gia hạn; văn bản xin lỗi và hẹn lại ngày trả đã được cấp."),
    ),
    Action(
        "stop",
        "dung-xu-ly",
        gettext_lazy("Dừng xử lý hồ sơ"),
        gettext_lazy("Dừng xử lý"),
        forms.StopForm,
        _call(services.stop_dossier),
        gettext_lazy("Đã dừng xử lý hồ sơ."),
        warning=True,
    ),
    Action(
        "withdraw",
        "rut-ho-so",
        gettext_lazy("Rút hồ sơ theo đề nghị của người nộp"),
        gettext_lazy("Rút hồ sơ"),
        forms.WithdrawForm,
        _call(services.withdraw_dossier),
        gettext_lazy("Đã ghi nhận việc rút hồ sơ."),
        warning=True,
    ),
    Action(
        "return_result",
        "tra-ket-qua",
        gettext_lazy("Trả kết quả"),
        gettext_lazy("Trả kết quả"),
        forms.ReturnResultForm,
        _return_result,
        gettext_lazy("Đã trả kết quả cho người nộp."),
    ),
]
ACTIONS_BY_NAME = {action.name: action for action in ACTIONS}
ACTIONS_BY_SLUG = {action.slug: action for action in ACTIONS}


def _form(
    action: Action, dossier: Dossier, user: User, data: Any = None, files: Any = None
) -> forms.ActionForm:
    kwargs: dict[str, Any] = {"dossier": dossier, "user": user}
    if action.form_class is forms.CompleteStepForm:
        kwargs["steps"] = forms.completable_steps(user, dossier)
    return action.form_class(data, files, **kwargs)


def _render_action(
    request: HttpRequest, action: Action, dossier: Dossier, form: forms.ActionForm, status: int
) -> HttpResponse:
    following: list[Any] = []
    if isinstance(form, forms.CompleteStepForm):
        steps = list(dossier.steps.all())
        active = [s.position for s in steps if s.state == "active"]
        later = sorted({s.position for s in steps if s.state == "pending"})
        if active and later:
            following = [s for s in steps if s.position == later[0]]
    return render(
        request,
        "workspace/dossier_action.html",
        {"action": action, "dossier": dossier, "form": form, "following": following},
        status=status,
    )


def _apply_errors(form: forms.ActionForm, exc: DomainError) -> None:
    errors = exc.extra.get("errors") or {}
    placed = False
    for name, message in errors.items():
        field = FIELD_OF_ERROR.get(name, name)
        if field in form.fields and field not in ("version", "idempotency_key"):
            form.add_error(field, exc.detail if len(errors) == 1 else str(message))
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


@require_http_methods(["GET", "POST"])
@staff_only
def dossier_action(request: HttpRequest, user: User, code: str, slug: str) -> HttpResponse:
    action = ACTIONS_BY_SLUG.get(slug)
    if action is None:
        raise Http404(slug)
    dossier = _dossier(user, code)
    # The steps are read by allowed_actions and the step form: load them once.
    dossier = (
        Dossier.objects.filter(pk=dossier.pk)
        .select_related("agency__parent", "procedure_version__procedure")
        .prefetch_related("steps__agency", "procedure_version__components")
        .get()
    )
    if request.method == "GET":
        if action.name not in services.allowed_actions(user, dossier):
            return _not_allowed(request, user, dossier, action)
        return _render_action(request, action, dossier, _form(action, dossier, user), 200)

    form = _form(action, dossier, user, request.POST, request.FILES)
    key = str(request.POST.get("idempotency_key", ""))[:100]
    if key and already_done(request, key):
        messages.info(request, _("Thao tác này đã được ghi nhận trước đó; không thực hiện lại."))
        return redirect("workspace:dossier", code=dossier.code)
    posted_version = str(request.POST.get("version", ""))
    if posted_version and posted_version != str(dossier.version):
        return render_dossier(
            request, user, dossier.code, status=409, problem=str(CONFLICT_MESSAGE)
        )
    if action.name not in services.allowed_actions(user, dossier):
        return _not_allowed(request, user, dossier, action)
    if not form.is_valid():
        return _render_action(request, action, dossier, form, 422)
    try:
        # One transaction for the whole action; a stored result file goes if it rolls back.
        with atomic_with_files():
            outcome = action.perform(user, dossier, form)
    except Conflict as exc:
        if exc.code not in MOVED_ON:
            form.add_error(None, exc.detail)
            return _render_action(request, action, dossier, form, 409)
        return render_dossier(
            request,
            user,
            dossier.code,
            status=409,
            problem=f"{CONFLICT_MESSAGE} {exc.detail}",
        )
    except InvalidInput as exc:
        _apply_errors(form, exc)
        return _render_action(request, action, dossier, form, 422)
    except PermissionDenied as exc:
        return render_dossier(request, user, dossier.code, status=403, problem=exc.detail)
    except NotFound:
        raise Http404(code) from None
    except DomainError as exc:  # too large (413), unsupported type (415): the uploaded file
        _apply_errors(form, exc)
        return _render_action(request, action, dossier, form, exc.status)
    if key:
        remember(request, key)
    finished = getattr(outcome, "status", None) == Status.PROCESSED
    messages.success(
        request, str(action.finished if finished and action.finished else action.success)
    )
    return redirect("workspace:dossier", code=dossier.code)


def _not_allowed(
    request: HttpRequest, user: User, dossier: Dossier, action: Action
) -> HttpResponse:
    """The action is not among those allowed now: the state moved on (409) or the person holds
    no role for it (403)."""
    rule = TRANSITIONS[action.name]
    if dossier.status not in rule.sources:
        return render_dossier(
            request,
            user,
            dossier.code,
            status=409,
            problem=_("Hồ sơ đang ở trạng thái «%(status)s»; không thể «%(action)s».")
            % {"status": _(dossier.get_status_display()), "action": str(action.button).lower()},
        )
    return render_dossier(
        request,
        user,
        dossier.code,
        status=403,
        problem=_("Bạn không có vai trò để «%(action)s» hồ sơ này.")
        % {"action": str(action.button).lower()},
    )


# --- documents and forms ---------------------------------------------------------------------


@require_GET
@staff_only
@xframe_options_sameorigin
def dossier_document(request: HttpRequest, user: User, code: str, document_id: int) -> HttpResponse:
    """A component of the dossier, inline so the page can preview it in a frame of the same
    origin (X-Frame-Options: SAMEORIGIN on this response only; the site default is DENY)."""
    dossier = _dossier(user, code)
    link = dossier.documents.filter(document_id=document_id).first()
    if link is None:
        raise Http404(str(document_id))
    try:
        document = get_document_for(user, link.document_id, allow_staff=True)
        content = read_document(document)
    except NotFound:
        raise Http404(str(document_id)) from None
    except DomainError as exc:
        return render(
            request, "workspace/document_problem.html", {"problem": exc.detail}, status=500
        )
    inline = document.content_type in ACCEPTED_TYPES
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(not inline, download_name(document)) or ""
    )
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    # Only PDF, JPEG and PNG are ever stored; no script may run from them on our origin.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
        "object-src 'self'; frame-ancestors 'self'"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_only
def issued_form_pdf(request: HttpRequest, user: User, code: str, form_id: int) -> HttpResponse:
    dossier = _dossier(user, code)
    form = dossier.forms.filter(pk=form_id).select_related("dossier").first()
    if form is None:
        raise Http404(str(form_id))
    try:
        pdf = form_pdf(form)
    except DomainError as exc:
        return render(
            request, "workspace/document_problem.html", {"problem": exc.detail}, status=500
        )
    return pdf_response(pdf, f"{dossier.code}-{form.kind}.pdf")


@require_POST
@staff_only
def print_control_sheet(request: HttpRequest, user: User, code: str) -> HttpResponse:
    """Issue the process control sheet as it stands now; it joins the issued forms."""
    dossier = _dossier(user, code)
    key = str(request.POST.get("idempotency_key", ""))[:100]
    if key and already_done(request, key):
        return redirect(reverse("workspace:dossier", kwargs={"code": dossier.code}) + "#bieu-mau")
    try:
        with transaction.atomic():
            issued = issue_form(
                dossier, FormKind.CONTROL_SHEET, control_sheet_data(dossier), actor=user
            )
    except DomainError as exc:
        return render_dossier(request, user, dossier.code, status=exc.status, problem=exc.detail)
    if key:
        remember(request, key)
    messages.success(
        request,
        _("Đã lập %(title)s; tải bản PDF trong mục Biểu mẫu đã cấp.") % {"title": issued.title},
    )
    return redirect(reverse("workspace:dossier", kwargs={"code": dossier.code}) + "#bieu-mau")
