"""Storing, finding and reading the documents of the applicant's data store.

An upload is validated completely — size (read with a cap, never the whole stream blindly), type
(sniffed from the bytes; the name's extension and the declared type must agree with it), checksum
— before anything is written. The file is then written and its row inserted in one transaction;
whenever that transaction does not commit, the file is deleted again, so a refused or failed
upload leaves neither a row nor a file behind. Callers that store documents as part of a larger
change (a dossier with its components) wrap it in :func:`atomic_with_files`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import mimetypes
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

import filetype
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tinhso.attachments.errors import DocumentCorrupted, PayloadTooLarge, UnsupportedMediaType
from tinhso.attachments.models import StoredDocument
from tinhso.audit.services import record
from tinhso.identity.access import has_role
from tinhso.identity.models import Role, User
from tinhso.identity.validators import tax_code_problem
from tinhso.lib.errors import InvalidInput, NotFound, PermissionDenied
from tinhso.lib.text import normalize_text

logger = logging.getLogger(__name__)

# 20 MiB: a scanned multi-page A4 form at 200–300 dpi in PDF is typically 1–10 MB. Deliberately a
# constant, not a setting: the limit is part of the API contract (docs/attachments.md).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
SNIFF_BYTES = 8192
READ_CHUNK_BYTES = 1024 * 1024

Source = StoredDocument.Source


@dataclass(frozen=True)
class AcceptedType:
    content_type: str
    label: str
    extension: str
    extensions: frozenset[str]
    declared_aliases: frozenset[str]


# TIFF is refused on purpose: browsers cannot display it, multi-page scans belong in one PDF, and
# every desk scanner driver can produce PDF or JPEG. See docs/attachments.md.
ACCEPTED_TYPES: dict[str, AcceptedType] = {
    accepted.content_type: accepted
    for accepted in (
        AcceptedType(
            "application/pdf",
            "PDF",
            ".pdf",
            frozenset({".pdf"}),
            frozenset({"application/pdf", "application/x-pdf"}),
        ),
        AcceptedType(
            "image/jpeg",
            "ảnh JPEG",
            ".jpg",
            frozenset({".jpg", ".jpeg", ".jpe", ".jfif"}),
            frozenset({"image/jpeg", "image/jpg", "image/pjpeg"}),
        ),
        AcceptedType(
            "image/png",
            "ảnh PNG",
            ".png",
            frozenset({".png"}),
            frozenset({"image/png", "image/x-png"}),
        ),
    )
}
# What clients send when they claim nothing about the type.
NO_CLAIM = frozenset({"", "application/octet-stream", "binary/octet-stream"})
ACCEPTED_LABELS = "PDF, JPEG hoặc PNG"


def _storage() -> Storage:
    return StoredDocument._meta.get_field("file").storage


# --- validation -------------------------------------------------------------------------------


def clean_holder_id_number(value: str | None) -> str:
    """A 12-digit personal identification number or a tax code (10 or 10-3 digits)."""
    holder = re.sub(r"\s+", "", normalize_text(value or ""))
    if not holder:
        problem = "Cần số định danh cá nhân hoặc mã số thuế của chủ giấy tờ."
        raise InvalidInput(problem, errors={"holder_id_number": "trống"})
    if not re.fullmatch(r"\d{12}|\d{10}(-\d{3})?", holder):
        problem = (
            "Số định danh cá nhân (12 chữ số) hoặc mã số thuế (10 chữ số, hoặc 10-3 chữ số) "
            "không hợp lệ."
        )
        raise InvalidInput(problem, errors={"holder_id_number": problem})
    if problem_text := tax_code_problem(holder):
        raise InvalidInput(problem_text, errors={"holder_id_number": problem_text})
    return holder


def holder_ids_of(user: Any) -> set[str]:
    """The data-store keys an account answers for: its personal ID and its tax code."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {value for value in (user.citizen_id, user.tax_code) if value}


def clean_file_name(name: str) -> str:
    """The client's file name without any path, control characters or excess length (NFC)."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/")).rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if len(name) > 255:
        suffix = PurePosixPath(name).suffix[:20]
        name = name[: 255 - len(suffix)] + suffix
    return name


def _declared_extension(name: str) -> str:
    """The name's extension when it claims a known type (``.pdf``, ``.html``, ``.exe``); a dot
    inside an ordinary name ("CCCD mặt trước.v2") claims nothing."""
    suffix = PurePosixPath(name).suffix.lower()
    if not suffix:
        return ""
    known = {ext for accepted in ACCEPTED_TYPES.values() for ext in accepted.extensions}
    if suffix in known or mimetypes.guess_type(f"x{suffix}", strict=False)[0]:
        return suffix
    return ""


def sniff(content: bytes, *, name: str = "", declared_content_type: str | None = None) -> str:
    """The content type of ``content`` from its magic number, if accepted and consistent with the
    name's extension and the declared type; otherwise :class:`UnsupportedMediaType`."""
    kind = filetype.guess(content[:SNIFF_BYTES])
    sniffed = kind.mime if kind is not None else ""
    accepted = ACCEPTED_TYPES.get(sniffed)
    if accepted is None:
        described = f"có dạng {sniffed}" if sniffed else "không nhận dạng được"
        raise UnsupportedMediaType(
            f"Chỉ nhận tệp {ACCEPTED_LABELS}; nội dung tệp gửi lên {described}.",
            sniffed_content_type=sniffed or None,
        )
    extension = _declared_extension(name)
    if extension and extension not in accepted.extensions:
        raise UnsupportedMediaType(
            f"Tên tệp có đuôi {extension} nhưng nội dung là {accepted.label}: tệp không đúng "
            "định dạng khai báo.",
            code="media_type_mismatch",
            sniffed_content_type=sniffed,
        )
    declared = (declared_content_type or "").split(";", 1)[0].strip().lower()
    if declared not in NO_CLAIM and declared not in accepted.declared_aliases:
        raise UnsupportedMediaType(
            f"Tệp được khai là {declared} nhưng nội dung là {accepted.label}.",
            code="media_type_mismatch",
            sniffed_content_type=sniffed,
        )
    return sniffed


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"Tệp vượt quá dung lượng tối đa {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.",
        max_bytes=MAX_DOCUMENT_BYTES,
    )


def _read_at_most(stream: IO[bytes] | Any, limit: int) -> bytes:
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(min(remaining, READ_CHUNK_BYTES))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_upload(uploaded: Any) -> bytes:
    """The bytes of an upload (a Django ``File``/``UploadedFile`` or ``bytes``), refusing more
    than :data:`MAX_DOCUMENT_BYTES`: at most one byte beyond the cap is ever read."""
    if isinstance(uploaded, bytes | bytearray | memoryview):
        content = bytes(uploaded)
    else:
        # The size Django computed from the bytes received (not a client claim): a fast refusal.
        size = getattr(uploaded, "size", None)
        if isinstance(size, int) and size > MAX_DOCUMENT_BYTES:
            raise _too_large()
        if hasattr(uploaded, "seek"):
            uploaded.seek(0)
        content = _read_at_most(uploaded, MAX_DOCUMENT_BYTES + 1)
    if len(content) > MAX_DOCUMENT_BYTES:
        raise _too_large()
    if not content:
        raise InvalidInput("Tệp gửi lên rỗng.", errors={"file": "rỗng"})
    return content


def _clean_title(title: str | None, original_name: str) -> str:
    cleaned = normalize_text(title or "") or PurePosixPath(original_name).stem or "Giấy tờ"
    if len(cleaned) > 300:
        raise InvalidInput("Tên giấy tờ dài quá 300 ký tự.", errors={"title": "dài quá 300 ký tự"})
    return cleaned


def _check_may_store(actor: Any, holder: str, source: str) -> None:
    """Citizens and businesses upload into their own store; one-stop officers scan at the desk
    for a named holder; results come from staff (the issuing workflow checks which staff) or the
    system (``actor=None``: CLI, tasks)."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied("Cần đăng nhập để lưu giấy tờ.")
    if actor.kind == User.Kind.STAFF:
        if source == Source.RESULT:
            return
        if source == Source.DESK_SCAN and has_role(actor, Role.ONE_STOP_OFFICER):
            return
        raise PermissionDenied(
            "Chỉ cán bộ Bộ phận Một cửa được số hoá giấy tờ tại quầy cho người nộp."
        )
    if source != Source.UPLOAD:
        raise PermissionDenied("Tài khoản công dân, doanh nghiệp chỉ được tải giấy tờ lên.")
    if holder not in holder_ids_of(actor):
        raise PermissionDenied("Chỉ được tải giấy tờ vào kho dữ liệu của chính mình.")


# --- files that follow their transaction -------------------------------------------------------

_file_trackers: ContextVar[tuple[list[str], ...]] = ContextVar(
    "attachments_file_trackers", default=()
)


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # pragma: no cover - logged; the orphan sweep removes it later
        logger.exception("Không xoá được tệp %s; lệnh `tinhso documents sweep` sẽ dọn.", name)


def _track(name: str) -> None:
    trackers = _file_trackers.get()
    if trackers:
        trackers[-1].append(name)


@contextmanager
def atomic_with_files() -> Iterator[None]:
    """``transaction.atomic()`` that also removes the document files written inside it when the
    block does not commit (an exception, or ``set_rollback``). Use it instead of
    ``transaction.atomic()`` when storing documents as part of a larger change.

    Nested inside another transaction, the files are handed to the enclosing
    ``atomic_with_files`` (if any); a plain enclosing ``atomic()`` that later rolls back leaves
    files without rows, which ``tinhso documents sweep`` deletes."""
    written: list[str] = []
    token = _file_trackers.set((*_file_trackers.get(), written))
    try:
        with transaction.atomic():
            yield
    except BaseException:
        storage = _storage()
        for name in written:
            _delete_quietly(storage, name)
        raise
    finally:
        _file_trackers.reset(token)
    if not written:
        return
    if transaction.get_connection().in_atomic_block:
        for name in written:
            _track(name)
        return
    kept = set(StoredDocument.objects.filter(file__in=written).values_list("file", flat=True))
    storage = _storage()
    for name in written:
        if name not in kept:
            _delete_quietly(storage, name)


# --- storing -----------------------------------------------------------------------------------


def _audit_after(document: StoredDocument) -> dict[str, Any]:
    return {
        "holder_id_number": document.holder_id_number,
        "title": document.title,
        "original_name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "source": document.source,
        "issued_by_agency_code": document.issued_by_agency_code,
        "file": document.file.name,
    }


def _mark_as_result(actor: Any, document: StoredDocument, agency_code: str) -> StoredDocument:
    """The same bytes arrive as an agency's result after the holder had supplied them: the
    document now counts as issued by that agency."""
    with transaction.atomic():
        before = {"source": document.source, "issued_by_agency_code": ""}
        changed = (
            StoredDocument.objects.filter(pk=document.pk)
            .exclude(source=Source.RESULT)
            .update(source=Source.RESULT, issued_by_agency_code=agency_code)
        )
        if changed:
            record(
                "attachments.document.mark_result",
                actor=actor,
                target=document,
                before=before,
                after={"source": Source.RESULT, "issued_by_agency_code": agency_code},
            )
    document.refresh_from_db()
    return document


def store_or_find_document(
    *,
    actor: Any,
    holder_id_number: str,
    uploaded: Any,
    title: str | None,
    source: str = Source.UPLOAD,
    declared_content_type: str | None = None,
    name: str | None = None,
    agency_code: str = "",
) -> tuple[StoredDocument, bool]:
    """Like :func:`store_document`, also telling whether a new document was created (``False``:
    the holder already had these exact bytes, and that document is returned)."""
    if source not in Source.values:
        raise InvalidInput(f"Nguồn giấy tờ {source!r} không hợp lệ.", errors={"source": source})
    holder = clean_holder_id_number(holder_id_number)
    _check_may_store(actor, holder, source)
    if name is None:
        name = str(getattr(uploaded, "name", "") or "")
    if declared_content_type is None:
        declared_content_type = getattr(uploaded, "content_type", None)
    content = read_upload(uploaded)
    original_name = clean_file_name(name)
    content_type = sniff(content, name=original_name, declared_content_type=declared_content_type)
    accepted = ACCEPTED_TYPES[content_type]
    if not original_name:
        original_name = f"giay-to{accepted.extension}"
    clean_title = _clean_title(title, original_name)
    sha256 = hashlib.sha256(content).hexdigest()
    agency_code = normalize_text(agency_code).upper()

    existing = StoredDocument.objects.filter(holder_id_number=holder, sha256=sha256).first()
    if existing is not None:
        if source == Source.RESULT and existing.source != Source.RESULT:
            existing = _mark_as_result(actor, existing, agency_code)
        return existing, False

    is_account_holder = actor is not None and actor.kind != User.Kind.STAFF
    document = StoredDocument(
        holder_id_number=holder,
        owner=actor if is_account_holder else None,
        title=clean_title,
        original_name=original_name,
        content_type=content_type,
        size=len(content),
        sha256=sha256,
        source=source,
        issued_by_agency_code=agency_code if source == Source.RESULT else "",
        created_by=actor,
    )
    storage = _storage()
    saved_name = ""
    try:
        with transaction.atomic():
            document.file.save(f"document{accepted.extension}", ContentFile(content), save=False)
            saved_name = document.file.name or ""
            _track(saved_name)
            try:
                with transaction.atomic():
                    document.save(force_insert=True)
            except IntegrityError:
                # A concurrent request stored the same bytes for this holder and committed first.
                winner = StoredDocument.objects.filter(
                    holder_id_number=holder, sha256=sha256
                ).first()
                if winner is None:
                    raise
                _delete_quietly(storage, saved_name)
                return winner, False
            record(
                "attachments.document.store",
                actor=actor,
                target=document,
                after=_audit_after(document),
            )
    except BaseException:
        if saved_name:
            _delete_quietly(storage, saved_name)
        raise
    return document, True


def store_document(
    *,
    actor: Any,
    holder_id_number: str,
    uploaded: Any,
    title: str | None,
    source: str = Source.UPLOAD,
    declared_content_type: str | None = None,
    name: str | None = None,
) -> StoredDocument:
    """Keep a document in ``holder_id_number``'s data store and return it.

    ``uploaded`` is a Django ``UploadedFile``/``File`` (its ``name`` and ``content_type`` are the
    client's claims unless ``name``/``declared_content_type`` are given) or ``bytes`` with
    ``name``. Refused with 413 (over :data:`MAX_DOCUMENT_BYTES`), 415 (not PDF/JPEG/PNG, or the
    extension or declared type disagrees with the content), 422 (empty, bad holder) or 403 (not
    allowed to store for this holder), with nothing written. The same bytes stored twice for
    one holder return the existing document."""
    document, _created = store_or_find_document(
        actor=actor,
        holder_id_number=holder_id_number,
        uploaded=uploaded,
        title=title,
        source=source,
        declared_content_type=declared_content_type,
        name=name,
    )
    return document


def issue_result_document(
    *,
    actor: Any,
    holder_id_number: str,
    content: bytes,
    name: str,
    title: str,
    agency_code: str,
) -> StoredDocument:
    """Put a result an agency issued (a licence, a certificate) into the holder's data store, so
    it can be reused in later dossiers. The calling workflow has checked that ``actor`` may
    return this result; here only staff or the system may issue."""
    agency_code = normalize_text(agency_code).upper()
    if not agency_code or len(agency_code) > 20:
        raise InvalidInput(
            "Cần mã cơ quan cấp kết quả (tối đa 20 ký tự).", errors={"agency_code": agency_code}
        )
    document, _created = store_or_find_document(
        actor=actor,
        holder_id_number=holder_id_number,
        uploaded=content,
        title=title,
        source=Source.RESULT,
        name=name,
        agency_code=agency_code,
    )
    return document


# --- finding and reading -----------------------------------------------------------------------


def documents_of(holder_id_number: str) -> QuerySet[StoredDocument]:
    """Every document in a holder's data store, newest first. Not a chokepoint: the caller has
    established that its user may see this holder's documents."""
    return StoredDocument.objects.filter(holder_id_number=holder_id_number).order_by(
        "-created_at", "-pk"
    )


def documents_visible_to(user: Any) -> QuerySet[StoredDocument]:
    """The documents an account holds itself: those it owns and those kept under its personal
    ID or tax code (e.g. scanned at the desk before it had an account), newest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return StoredDocument.objects.none()
    condition = Q(owner_id=user.pk)
    ids = holder_ids_of(user)
    if ids:
        condition |= Q(holder_id_number__in=ids)
    return StoredDocument.objects.filter(condition).order_by("-created_at", "-pk")


def get_document_for(user: Any, document_id: Any, *, allow_staff: bool = False) -> StoredDocument:
    """The chokepoint: the document if ``user`` owns it or holds it (same personal ID or tax
    code); a staff member only with ``allow_staff=True``, passed by a caller that has already
    checked that this staff member may see it (a dossier's components). Else NotFound."""
    not_found = NotFound("Không tìm thấy giấy tờ trong kho.")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise not_found
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        raise not_found from None
    document = StoredDocument.objects.filter(pk=pk).first()
    if document is None:
        raise not_found
    if document.owner_id is not None and document.owner_id == user.pk:
        return document
    if document.holder_id_number in holder_ids_of(user):
        return document
    if allow_staff and user.kind == User.Kind.STAFF:
        return document
    raise not_found


def _corrupted(document: StoredDocument, problem: str) -> DocumentCorrupted:
    logger.error("Giấy tờ #%s (%s): %s", document.pk, document.file.name, problem)
    return DocumentCorrupted(
        f"Tệp của giấy tờ «{document.title}» trong kho lưu trữ bị hỏng hoặc đã bị thay đổi "
        f"({problem}); không thể cung cấp. Sự cố đã được ghi nhận để quản trị hệ thống xử lý.",
        document_id=document.pk,
    )


def read_document(document: StoredDocument) -> bytes:
    """The document's bytes, verified against the size and SHA-256 taken when it was stored:
    tampered or damaged storage raises :class:`DocumentCorrupted` rather than serving it."""
    try:
        with _storage().open(document.file.name or "", "rb") as handle:
            content = _read_at_most(handle, document.size + 1)
    except (FileNotFoundError, OSError):
        raise _corrupted(document, "tệp không còn trong kho lưu trữ") from None
    if len(content) != document.size:
        raise _corrupted(document, "kích thước khác với khi lưu")
    if not hmac.compare_digest(hashlib.sha256(content).hexdigest(), document.sha256):
        raise _corrupted(document, "mã kiểm tra SHA-256 không khớp")
    return content


def download_name(document: StoredDocument) -> str:
    """The name to offer for download: the original name, with the extension of the actual
    content type when the original lacks one."""
    accepted = ACCEPTED_TYPES.get(document.content_type)
    name = document.original_name or "giay-to"
    if accepted and PurePosixPath(name).suffix.lower() not in accepted.extensions:
        name += accepted.extension
    return name


# --- maintenance -------------------------------------------------------------------------------


def _walk(storage: Storage, directory: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for file_name in sorted(files):
        yield f"{directory}/{file_name}"
    for sub in sorted(directories):
        yield from _walk(storage, f"{directory}/{sub}")


def sweep_orphaned_files(
    *, actor: Any = None, older_than: dt.timedelta = dt.timedelta(hours=24), dry_run: bool = False
) -> list[str]:
    """Delete files under ``documents/`` that no row refers to and that are older than
    ``older_than`` (younger ones may belong to a transaction still running). They are left by a
    process killed between writing a file and committing, or by a plain ``atomic()`` block
    that stored a document and then rolled back."""
    storage = _storage()
    cutoff = timezone.now() - older_than
    names = list(_walk(storage, "documents"))
    referenced: set[str] = set()
    for start in range(0, len(names), 500):
        batch = names[start : start + 500]
        referenced |= set(
            StoredDocument.objects.filter(file__in=batch).values_list("file", flat=True)
        )
    orphans = [
        name
        for name in names
        if name not in referenced and storage.get_modified_time(name) < cutoff
    ]
    if orphans and not dry_run:
        for name in orphans:
            _delete_quietly(storage, name)
        record(
            "attachments.storage.sweep",
            actor=actor,
            object_type="attachments.storage",
            object_id="documents",
            after={"deleted": len(orphans), "names": orphans[:100]},
        )
    return orphans


def verify_documents() -> Iterator[tuple[StoredDocument, str]]:
    """Every stored document whose file is missing or no longer matches its checksum."""
    for document in StoredDocument.objects.order_by("pk").iterator(chunk_size=500):
        try:
            read_document(document)
        except DocumentCorrupted as exc:
            yield document, exc.detail
