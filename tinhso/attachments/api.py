"""``/api/v1/documents`` — the applicant's data store: upload once, list, read back."""
# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

import datetime as dt
import re
import unicodedata
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status as Reply

from tinhso.attachments import services
from tinhso.attachments.models import StoredDocument
from tinhso.core.auth import staff_or_citizen
from tinhso.identity.models import User
from tinhso.lib.errors import InvalidInput

router = Router(tags=["kho giấy tờ"], auth=staff_or_citizen)


class DocumentOut(Schema):
    id: int
    holder_id_number: str = Field(description="Số định danh cá nhân hoặc mã số thuế chủ giấy tờ")
    title: str
    original_name: str
    content_type: str = Field(description="Kiểu nội dung nhận dạng từ chính tệp")
    size: int = Field(description="Kích thước (byte)")
    sha256: str
    source: StoredDocument.Source
    issued_by_agency_code: str = Field(description="Cơ quan cấp (với kết quả giải quyết)")
    created_at: dt.datetime


@router.post(
    "",
    response={200: DocumentOut, 201: DocumentOut},
    summary="Lưu một giấy tờ vào kho (PDF, JPEG, PNG; tối đa 20 MB)",
    description=(
        "Công dân, doanh nghiệp tải giấy tờ vào kho của chính mình; cán bộ Bộ phận Một cửa "
        "số hoá tại quầy cho người nộp có số định danh/mã số thuế `holder_id_number`. 201: đã "
        "lưu; 200: chủ giấy tờ đã có đúng tệp này, trả lại giấy tờ cũ. 413: quá 20 MB; 415: "
        "không phải PDF/JPEG/PNG hoặc đuôi tệp, kiểu khai báo không khớp nội dung."
    ),
)
def upload_document(
    request: HttpRequest,
    file: File[UploadedFile],
    title: Form[str] = "",
    holder_id_number: Form[str] = "",
) -> Reply[StoredDocument]:
    user = request.user
    if isinstance(user, User) and user.kind == User.Kind.STAFF:
        if not holder_id_number.strip():
            raise InvalidInput(
                "Cần số định danh cá nhân hoặc mã số thuế của người nộp.",
                errors={"holder_id_number": "trống"},
            )
        source = StoredDocument.Source.DESK_SCAN
        holder = holder_id_number
    else:
        own = (getattr(user, "citizen_id", None) or getattr(user, "tax_code", None)) or ""
        if not own and not holder_id_number.strip():
            raise InvalidInput(
                "Tài khoản chưa có số định danh cá nhân hoặc mã số thuế, nên chưa có kho giấy "
                "tờ; vui lòng cập nhật thông tin tài khoản.",
                errors={"holder_id_number": "trống"},
            )
        source = StoredDocument.Source.UPLOAD
        holder = holder_id_number or own
    document, created = services.store_or_find_document(
        actor=user, holder_id_number=holder, uploaded=file, title=title, source=source
    )
    return Reply(201 if created else 200, document)


@router.get("", response=list[DocumentOut], summary="Giấy tờ trong kho của tôi")
@paginate(PageNumberPagination, page_size=50)
def list_documents(request: HttpRequest) -> QuerySet[StoredDocument]:
    return services.documents_visible_to(request.user)


@router.get("/{document_id}", response=DocumentOut, summary="Thông tin một giấy tờ")
def get_document(request: HttpRequest, document_id: int) -> StoredDocument:
    return services.get_document_for(request.user, document_id)


def content_disposition(name: str, *, as_attachment: bool = True) -> str:
    """``attachment; filename="<ASCII fallback>"; filename*=UTF-8''<RFC 5987>``: old clients get
    the name without diacritics, current ones the Vietnamese name."""
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(ch for ch in folded if not unicodedata.combining(ch))
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", ascii_name).strip() or "giay-to"
    disposition = "attachment" if as_attachment else "inline"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get(
    "/{document_id}/content",
    response={200: None},
    summary="Tải tệp giấy tờ (đã kiểm tra mã SHA-256)",
    openapi_extra={
        "responses": {
            200: {
                "description": "Nội dung tệp",
                "content": {t: {} for t in services.ACCEPTED_TYPES},
            }
        }
    },
)
def get_document_content(request: HttpRequest, document_id: int) -> HttpResponse:
    return document_response(services.get_document_for(request.user, document_id))


def document_response(document: StoredDocument) -> HttpResponse:
    """The verified file, served so that a browser never runs anything in it."""
    content = services.read_document(document)
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition(services.download_name(document))
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    # User-supplied content: never let a browser run anything in it from our origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
