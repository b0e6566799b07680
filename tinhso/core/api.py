"""The REST API root (``/api/v1/``): one NinjaAPI, routers contributed by the apps, and errors
rendered as ``application/problem+json`` (RFC 9457) with a Vietnamese ``detail``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from tinhso.core.rendering import LocalTimeRenderer
from tinhso.lib.errors import DomainError

PROBLEM = "application/problem+json"


def problem(
    request: HttpRequest, status: int, code: str, title: str, detail: str, **extra: Any
) -> HttpResponse:
    body = {
        "type": f"https://tinhso.vn/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.path,
        **extra,
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


api = NinjaAPI(
    renderer=LocalTimeRenderer(),
    title="tinhso API",
    version="1",
    description=(
        "API của nền tảng Tỉnh số. Lỗi trả về dạng application/problem+json (RFC 9457) với "
        "`detail` tiếng Việt và `code` cho máy đọc. Xem docs/api.md."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=None,
)


TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa đăng nhập",
    403: "Không có quyền",
    404: "Không tìm thấy",
    409: "Xung đột trạng thái",
    413: "Dữ liệu quá lớn",
    415: "Kiểu dữ liệu không được hỗ trợ",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều yêu cầu",
}


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem(
        request, exc.status, exc.code, TITLES.get(exc.status, "Lỗi"), exc.detail, **exc.extra
    )


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ()) if part != "body"),
            "message": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        for error in exc.errors
    ]
    fields = ", ".join(e["field"] for e in errors if e["field"]) or "dữ liệu gửi lên"
    return problem(
        request,
        422,
        "validation_error",
        TITLES[422],
        f"Dữ liệu không hợp lệ: {fields}.",
        errors=errors,
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request, 401, "not_authenticated", TITLES[401], "Cần đăng nhập để dùng chức năng này."
    )


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = problem(
        request,
        429,
        "throttled",
        TITLES[429],
        "Bạn đã gửi quá nhiều yêu cầu; vui lòng thử lại sau ít phút.",
    )
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return problem(
        request,
        400,
        "bad_request_body",
        TITLES[400],
        "Nội dung gửi lên không đúng định dạng multipart/form-data.",
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(request, 413, "payload_too_large", TITLES[413], "Dữ liệu gửi lên quá lớn.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "not_found", TITLES[404], "Không tìm thấy đối tượng yêu cầu.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(
        request, exc.status_code, "http_error", TITLES.get(exc.status_code, "Lỗi"), str(exc)
    )


@api.get("/health", tags=["hệ thống"], summary="Tình trạng dịch vụ")
def health(request: HttpRequest) -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok"}


def register_routers() -> None:
    """Each app contributes a router; imported lazily so domain modules never import the API."""
    from tinhso.attachments.api import router as documents_router
    from tinhso.calendar.api import router as calendar_router
    from tinhso.catalog.api import router as catalog_router
    from tinhso.dossiers.api import alerts_router, statistics_router
    from tinhso.dossiers.api import public_router as lookup_router
    from tinhso.dossiers.api import router as dossiers_router
    from tinhso.organizations.api import router as organizations_router
    from tinhso.payments.api import router as payments_router
    from tinhso.postal.api import router as postal_router

    api.add_router("/calendar", calendar_router)
    api.add_router("/organizations", organizations_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/dossiers", dossiers_router)
    api.add_router("/lookup", lookup_router)
    api.add_router("/statistics", statistics_router)
    api.add_router("/alerts", alerts_router)
    api.add_router("/documents", documents_router)
    api.add_router("/payments", payments_router)
    api.add_router("/postal", postal_router)


register_routers()
