import datetime as dt
import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from tinhso.attachments import services
from tinhso.attachments.errors import DocumentCorrupted, PayloadTooLarge, UnsupportedMediaType
from tinhso.attachments.models import StoredDocument
from tinhso.attachments.services import (
    MAX_DOCUMENT_BYTES,
    atomic_with_files,
    documents_of,
    documents_visible_to,
    get_document_for,
    issue_result_document,
    read_document,
    store_document,
    store_or_find_document,
    sweep_orphaned_files,
)
from tinhso.attachments.tests.factories import (
    EXE,
    HTML,
    files_under,
    jpeg_bytes,
    make_citizen,
    pdf_bytes,
    png_bytes,
    zip_bytes,
)
from tinhso.audit.models import AuditEntry
from tinhso.lib.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db
AN = "082090001111"  # the citizen persona's personal ID


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def assert_nothing_stored(media: Path) -> None:
    assert StoredDocument.objects.count() == 0
    assert files_under(media) == [] if media.exists() else True
    assert not AuditEntry.objects.filter(action="attachments.document.store").exists()


def upload(name: str, content: bytes, content_type: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "make", "content_type", "extension"),
    [
        ("Tờ khai.pdf", pdf_bytes, "application/pdf", "pdf"),
        ("Ảnh chân dung.jpg", jpeg_bytes, "image/jpeg", "jpg"),
        ("CCCD mặt trước.png", png_bytes, "image/png", "png"),
    ],
)
def test_pdf_jpeg_and_png_are_stored_sniffed_and_checksummed(
    citizen: Any, media: Path, name: str, make: Any, content_type: str, extension: str
) -> None:
    content = make()
    document = store_document(
        actor=citizen,
        holder_id_number=AN,
        uploaded=upload(name, content, "application/octet-stream"),
        title="  Giấy   tờ  ",
    )
    document.refresh_from_db()
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.original_name == name
    assert document.title == "Giấy tờ"
    assert document.holder_id_number == AN
    assert document.owner == citizen
    assert document.created_by == citizen
    assert document.source == "upload"
    assert re.fullmatch(
        rf"documents/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{extension}", document.file.name
    )
    assert files_under(media) == [document.file.name]
    assert (media / document.file.name).read_bytes() == content
    assert read_document(document) == content


def test_bytes_with_a_name_are_accepted_and_the_name_is_cleaned(citizen: Any, media: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Tờ khai")
    assert len(decomposed) == 9
    document = store_document(
        actor=citizen,
        holder_id_number=f" {AN} ",
        uploaded=pdf_bytes(),
        name=f"C:\\fakepath\\{decomposed}.pdf",
        title="",
    )
    assert document.original_name == "Tờ khai.pdf"
    assert document.title == "Tờ khai"


def test_a_dot_that_is_not_a_file_type_claims_nothing(citizen: Any, media: Path) -> None:
    document = store_document(
        actor=citizen, holder_id_number=AN, uploaded=pdf_bytes(), name="CCCD bản 2.v2", title="x"
    )
    assert document.content_type == "application/pdf"
    assert services.download_name(document) == "CCCD bản 2.v2.pdf"


def test_a_png_named_pdf_is_refused_with_415_and_nothing_is_stored(
    citizen: Any, media: Path
) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        store_document(
            actor=citizen,
            holder_id_number=AN,
            uploaded=upload("Tờ khai.pdf", png_bytes()),
            title="Tờ khai",
        )
    assert caught.value.status == 415
    assert caught.value.code == "media_type_mismatch"
    assert caught.value.detail == (
        "Tên tệp có đuôi .pdf nhưng nội dung là ảnh PNG: tệp không đúng định dạng khai báo."
    )
    assert_nothing_stored(media)


@pytest.mark.parametrize(
    ("content", "sniffed"),
    [(HTML, None), (EXE, "application/x-msdownload"), (zip_bytes(), "application/zip")],
    ids=["html", "exe", "zip"],
)
def test_html_exe_and_zip_disguised_as_pdf_are_refused(
    citizen: Any, media: Path, content: bytes, sniffed: str | None
) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        store_document(
            actor=citizen,
            holder_id_number=AN,
            uploaded=upload("don.pdf", content, "application/pdf"),
            title="Đơn",
        )
    assert caught.value.status == 415
    assert caught.value.code == "unsupported_media_type"
    assert caught.value.extra == {"sniffed_content_type": sniffed}
    assert caught.value.detail.startswith("Chỉ nhận tệp PDF, JPEG hoặc PNG; nội dung tệp gửi lên")
    assert_nothing_stored(media)


def test_a_pdf_declared_as_png_is_refused(citizen: Any, media: Path) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        store_document(
            actor=citizen,
            holder_id_number=AN,
            uploaded=upload("scan", pdf_bytes(), "image/png"),
            title="Bản quét",
        )
    assert caught.value.code == "media_type_mismatch"
    assert caught.value.detail == "Tệp được khai là image/png nhưng nội dung là PDF."
    assert_nothing_stored(media)


def test_declared_type_parameters_and_aliases_are_understood(citizen: Any, media: Path) -> None:
    document = store_document(
        actor=citizen,
        holder_id_number=AN,
        uploaded=upload("anh.JPEG", jpeg_bytes(), "image/jpg; charset=binary"),
        title="Ảnh",
    )
    assert document.content_type == "image/jpeg"


def test_exactly_the_limit_is_accepted(citizen: Any, media: Path) -> None:
    header = pdf_bytes()
    content = header + b"%" * (MAX_DOCUMENT_BYTES - len(header))
    document = store_document(
        actor=citizen, holder_id_number=AN, uploaded=upload("lon.pdf", content), title="Lớn"
    )
    assert document.size == MAX_DOCUMENT_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize("as_bytes", [True, False], ids=["bytes", "uploaded-file"])
def test_one_byte_over_the_limit_is_refused_with_413(
    citizen: Any, media: Path, as_bytes: bool
) -> None:
    header = pdf_bytes()
    content = header + b"%" * (MAX_DOCUMENT_BYTES + 1 - len(header))
    uploaded: Any = content if as_bytes else upload("lon.pdf", content)
    with pytest.raises(PayloadTooLarge) as caught:
        store_document(
            actor=citizen, holder_id_number=AN, uploaded=uploaded, name="lon.pdf", title="Lớn"
        )
    assert caught.value.status == 413
    assert caught.value.detail == "Tệp vượt quá dung lượng tối đa 20 MB."
    assert caught.value.extra == {"max_bytes": MAX_DOCUMENT_BYTES}
    assert_nothing_stored(media)


def test_an_endless_stream_is_read_only_one_byte_past_the_limit(citizen: Any, media: Path) -> None:
    class Endless:
        name = "vo-tan.pdf"
        consumed = 0

        def read(self, size: int) -> bytes:
            self.consumed += size
            return (b"%PDF-1.4\n" + b"0" * size)[:size]

    stream = Endless()
    with pytest.raises(PayloadTooLarge):
        store_document(actor=citizen, holder_id_number=AN, uploaded=stream, title="x")
    assert stream.consumed == MAX_DOCUMENT_BYTES + 1
    assert_nothing_stored(media)


def test_an_empty_file_is_invalid_input(citizen: Any, media: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        store_document(
            actor=citizen, holder_id_number=AN, uploaded=upload("rong.pdf", b""), title="Rỗng"
        )
    assert caught.value.status == 422
    assert caught.value.detail == "Tệp gửi lên rỗng."
    assert_nothing_stored(media)


@pytest.mark.parametrize(
    ("holder", "detail"),
    [
        ("", "Cần số định danh cá nhân hoặc mã số thuế của chủ giấy tờ."),
        (
            "12345",
            "Số định danh cá nhân (12 chữ số) hoặc mã số thuế (10 chữ số, hoặc 10-3 chữ "
            "số) không hợp lệ.",
        ),
        ("999090001111", "Mã tỉnh nơi đăng ký khai sinh 999 không tồn tại."),
        ("0100100101", "Mã số thuế sai chữ số kiểm tra."),
    ],
)
def test_the_holder_must_be_a_valid_personal_id_or_tax_code(
    one_stop_officer: Any, media: Path, holder: str, detail: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        store_document(
            actor=one_stop_officer,
            holder_id_number=holder,
            uploaded=pdf_bytes(),
            name="a.pdf",
            title="a",
            source="desk_scan",
        )
    assert caught.value.detail == detail
    assert_nothing_stored(media)


def test_who_may_store_for_whom(
    citizen: Any, specialist: Any, one_stop_officer: Any, media: Path
) -> None:
    other = "079095002222"
    refusals = [
        (citizen, other, "upload", "Chỉ được tải giấy tờ vào kho dữ liệu của chính mình."),
        (citizen, AN, "desk_scan", "Tài khoản công dân, doanh nghiệp chỉ được tải giấy tờ lên."),
        (citizen, AN, "result", "Tài khoản công dân, doanh nghiệp chỉ được tải giấy tờ lên."),
        (
            specialist,
            AN,
            "desk_scan",
            "Chỉ cán bộ Bộ phận Một cửa được số hoá giấy tờ tại quầy cho người nộp.",
        ),
        (
            one_stop_officer,
            AN,
            "upload",
            "Chỉ cán bộ Bộ phận Một cửa được số hoá giấy tờ tại quầy cho người nộp.",
        ),
    ]
    for actor, holder, source, detail in refusals:
        with pytest.raises(PermissionDenied) as caught:
            store_document(
                actor=actor,
                holder_id_number=holder,
                uploaded=pdf_bytes(),
                name="a.pdf",
                title="a",
                source=source,
            )
        assert caught.value.detail == detail, (actor, source)
    assert_nothing_stored(media)


def test_the_same_file_twice_for_one_holder_is_kept_once(citizen: Any, media: Path) -> None:
    content = pdf_bytes("giay khai sinh")
    first, created = store_or_find_document(
        actor=citizen, holder_id_number=AN, uploaded=upload("a.pdf", content), title="Lần 1"
    )
    again, created_again = store_or_find_document(
        actor=citizen, holder_id_number=AN, uploaded=upload("b.pdf", content), title="Lần 2"
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert again.title == "Lần 1"
    assert files_under(media) == [first.file.name]
    assert AuditEntry.objects.filter(action="attachments.document.store").count() == 1
    other_holder = store_document(
        actor=None, holder_id_number="079095002222", uploaded=content, name="a.pdf", title="x"
    )
    assert other_holder.pk != first.pk
    assert len(files_under(media)) == 2


def test_a_concurrent_identical_upload_returns_the_winner_and_removes_its_file(
    citizen: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = pdf_bytes("dong thoi")
    digest = hashlib.sha256(content).hexdigest()
    original = services.ContentFile
    winners: list[StoredDocument] = []

    def racing_content_file(data: bytes) -> Any:
        # Between our "already stored?" check and our insert, another request commits a row.
        if not winners:
            winners.append(
                StoredDocument.objects.create(
                    holder_id_number=AN,
                    title="Người thắng",
                    original_name="w.pdf",
                    content_type="application/pdf",
                    size=len(content),
                    sha256=digest,
                    file="documents/2025/01/winner.pdf",
                    source="upload",
                )
            )
        return original(data)

    monkeypatch.setattr(services, "ContentFile", racing_content_file)
    document, created = store_or_find_document(
        actor=citizen, holder_id_number=AN, uploaded=content, name="a.pdf", title="x"
    )
    assert created is False
    assert document.pk == winners[0].pk
    assert files_under(media) == []
    assert StoredDocument.objects.count() == 1


def test_a_failure_after_the_file_is_written_leaves_no_row_and_no_file(
    citizen: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_audit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "record", broken_audit)
    with pytest.raises(RuntimeError):
        store_document(
            actor=citizen, holder_id_number=AN, uploaded=pdf_bytes(), name="a.pdf", title="a"
        )
    assert StoredDocument.objects.count() == 0
    assert files_under(media) == []


def test_a_failing_insert_deletes_the_written_file(
    citizen: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_save(self: StoredDocument, *args: Any, **kwargs: Any) -> None:
        assert files_under(media) != []  # the file was written first
        raise IntegrityError("disk full in the database")

    monkeypatch.setattr(StoredDocument, "save", failing_save)
    with pytest.raises(IntegrityError):
        store_document(
            actor=citizen, holder_id_number=AN, uploaded=pdf_bytes(), name="a.pdf", title="a"
        )
    assert files_under(media) == []


class Boom(Exception):
    pass


def test_atomic_with_files_removes_files_of_a_larger_change_that_fails(
    citizen: Any, media: Path
) -> None:
    with pytest.raises(Boom), atomic_with_files():
        store_document(
            actor=citizen, holder_id_number=AN, uploaded=pdf_bytes("1"), name="a.pdf", title="a"
        )
        store_document(
            actor=citizen, holder_id_number=AN, uploaded=png_bytes(), name="b.png", title="b"
        )
        assert len(files_under(media)) == 2
        raise Boom  # e.g. the dossier that would hold them is refused
    assert StoredDocument.objects.count() == 0
    assert files_under(media) == []


@pytest.mark.django_db(transaction=True)
def test_atomic_with_files_also_follows_set_rollback_and_nesting(citizen: Any, media: Path) -> None:
    with atomic_with_files():
        store_document(
            actor=citizen,
            holder_id_number=AN,
            uploaded=pdf_bytes("kept"),
            name="a.pdf",
            title="kept",
        )
        with atomic_with_files():
            store_document(
                actor=citizen,
                holder_id_number=AN,
                uploaded=pdf_bytes("inner"),
                name="b.pdf",
                title="inner",
            )
        transaction.set_rollback(True)
    assert StoredDocument.objects.count() == 0
    assert files_under(media) == []

    with atomic_with_files():
        kept = store_document(
            actor=citizen, holder_id_number=AN, uploaded=pdf_bytes("ok"), name="a.pdf", title="ok"
        )
    assert files_under(media) == [kept.file.name]


def test_orphans_of_a_plain_rolled_back_transaction_are_swept(citizen: Any, media: Path) -> None:
    kept = store_document(
        actor=citizen, holder_id_number=AN, uploaded=pdf_bytes("kept"), name="a.pdf", title="kept"
    )
    with pytest.raises(Boom), transaction.atomic():
        store_document(
            actor=citizen,
            holder_id_number=AN,
            uploaded=pdf_bytes("lost"),
            name="b.pdf",
            title="lost",
        )
        raise Boom
    assert len(files_under(media)) == 2  # a plain atomic() cannot clean up: the sweep does
    assert sweep_orphaned_files(older_than=dt.timedelta(hours=1)) == []  # too young to judge
    old = (dt.datetime.now() - dt.timedelta(hours=2)).timestamp()
    for path in media.rglob("*.pdf"):
        os.utime(path, (old, old))
    orphans = sweep_orphaned_files(older_than=dt.timedelta(hours=1))
    assert len(orphans) == 1
    assert orphans[0] != kept.file.name
    assert files_under(media) == [kept.file.name]
    entry = AuditEntry.objects.get(action="attachments.storage.sweep")
    assert entry.after == {"deleted": 1, "names": orphans}


def test_a_desk_scan_is_found_by_the_holder_who_signs_up_later(
    one_stop_officer: Any, media: Path
) -> None:
    scan = store_document(
        actor=one_stop_officer,
        holder_id_number="079095002222",
        uploaded=pdf_bytes("scan"),
        name="Giấy khai sinh.pdf",
        title="Giấy khai sinh",
        source="desk_scan",
    )
    assert (scan.owner, scan.created_by, scan.source) == (None, one_stop_officer, "desk_scan")
    newcomer = make_citizen("congdan.binh", "079095002222")
    assert get_document_for(newcomer, scan.pk) == scan
    assert list(documents_visible_to(newcomer)) == [scan]
    assert list(documents_of("079095002222")) == [scan]


def test_access_to_a_document_goes_through_the_chokepoint(
    citizen: Any, one_stop_officer: Any, other_agency_officer: Any, media: Path
) -> None:
    document = store_document(
        actor=citizen, holder_id_number=AN, uploaded=pdf_bytes(), name="a.pdf", title="a"
    )
    stranger = make_citizen("congdan.binh", "079095002222")
    refused = [
        (stranger, document.pk, {}),
        (one_stop_officer, document.pk, {}),
        (other_agency_officer, document.pk, {}),
        (citizen, document.pk + 1000, {}),
        (citizen, "abc", {}),
        (None, document.pk, {}),
        (stranger, document.pk, {"allow_staff": True}),
    ]
    for user, document_id, options in refused:
        with pytest.raises(NotFound) as caught:
            get_document_for(user, document_id, **options)
        assert caught.value.detail == "Không tìm thấy giấy tờ trong kho."
    assert get_document_for(citizen, document.pk) == document
    assert get_document_for(one_stop_officer, str(document.pk), allow_staff=True) == document
    assert list(documents_visible_to(stranger)) == []
    assert list(documents_visible_to(one_stop_officer)) == []


def test_a_result_issued_by_an_agency_lands_in_the_store(
    citizen: Any, leader: Any, media: Path
) -> None:
    content = pdf_bytes("giay phep")
    result = issue_result_document(
        actor=leader,
        holder_id_number=AN,
        content=content,
        name="Giấy phép xây dựng.pdf",
        title="Giấy phép xây dựng",
        agency_code="000.00.08.h99",
    )
    assert (result.source, result.issued_by_agency_code) == ("result", "000.00.08.H99")
    assert result.owner is None
    assert get_document_for(citizen, result.pk) == result
    with pytest.raises(PermissionDenied):
        issue_result_document(
            actor=citizen,
            holder_id_number=AN,
            content=pdf_bytes("x"),
            name="x.pdf",
            title="x",
            agency_code="000.00.08.H99",
        )
    with pytest.raises(InvalidInput):
        issue_result_document(
            actor=leader,
            holder_id_number=AN,
            content=pdf_bytes("y"),
            name="y.pdf",
            title="y",
            agency_code=" ",
        )


def test_a_result_identical_to_an_earlier_upload_marks_that_document_as_issued(
    citizen: Any, leader: Any, media: Path
) -> None:
    content = pdf_bytes("ban sao")
    uploaded = store_document(
        actor=citizen, holder_id_number=AN, uploaded=content, name="a.pdf", title="Bản sao"
    )
    result = issue_result_document(
        actor=leader,
        holder_id_number=AN,
        content=content,
        name="kq.pdf",
        title="Kết quả",
        agency_code="000.00.04.H99",
    )
    assert result.pk == uploaded.pk
    assert (result.source, result.issued_by_agency_code) == ("result", "000.00.04.H99")
    entry = AuditEntry.objects.get(action="attachments.document.mark_result")
    assert entry.before == {"source": "upload", "issued_by_agency_code": ""}


def test_storing_is_audited_without_the_content(citizen: Any, media: Path) -> None:
    content = pdf_bytes("audit")
    document = store_document(
        actor=citizen, holder_id_number=AN, uploaded=content, name="Đơn.pdf", title="Đơn"
    )
    entry = AuditEntry.objects.get(action="attachments.document.store")
    assert entry.actor_id == citizen.pk
    assert (entry.object_type, entry.object_id) == ("attachments.storeddocument", str(document.pk))
    assert entry.after == {
        "holder_id_number": AN,
        "title": "Đơn",
        "original_name": "Đơn.pdf",
        "content_type": "application/pdf",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "source": "upload",
        "issued_by_agency_code": "",
        "file": document.file.name,
    }


def test_tampered_or_missing_storage_is_an_error_not_silent(
    citizen: Any, media: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tampered = store_document(
        actor=citizen, holder_id_number=AN, uploaded=pdf_bytes("1"), name="a.pdf", title="Một"
    )
    missing = store_document(
        actor=citizen, holder_id_number=AN, uploaded=pdf_bytes("2"), name="b.pdf", title="Hai"
    )
    same_size = bytearray((media / tampered.file.name).read_bytes())
    same_size[20] ^= 0xFF
    (media / tampered.file.name).write_bytes(bytes(same_size))
    (media / missing.file.name).unlink()

    with pytest.raises(DocumentCorrupted) as caught:
        read_document(tampered)
    assert caught.value.status == 500
    assert caught.value.detail == (
        "Tệp của giấy tờ «Một» trong kho lưu trữ bị hỏng hoặc đã bị thay đổi (mã kiểm tra "
        "SHA-256 không khớp); không thể cung cấp. Sự cố đã được ghi nhận để quản trị hệ thống "
        "xử lý."
    )
    with pytest.raises(DocumentCorrupted, match="tệp không còn trong kho lưu trữ"):
        read_document(missing)
    (media / tampered.file.name).write_bytes(pdf_bytes("1") + b"extra")
    with pytest.raises(DocumentCorrupted, match="kích thước khác với khi lưu"):
        read_document(tampered)

    with pytest.raises(CommandError, match=r"^HỎNG: 2 giấy tờ không khớp mã kiểm tra\.$"):
        call_command("documents", "verify")
    output = capsys.readouterr().out
    assert f"#{tampered.pk} {tampered.file.name}:" in output
    assert f"#{missing.pk} {missing.file.name}:" in output


@pytest.mark.django_db(transaction=True)
def test_two_clients_storing_the_same_file_at_once_get_one_document(
    citizen: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (SQLite serialises them)")
    import threading

    content = pdf_bytes("cung luc")
    barrier = threading.Barrier(2, timeout=10)
    original = services.ContentFile

    def both_checked_first(data: bytes) -> Any:
        barrier.wait()  # both requests have seen "not stored yet"
        return original(data)

    monkeypatch.setattr(services, "ContentFile", both_checked_first)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def client() -> None:
        from django.db import connection as thread_connection

        try:
            document, created = store_or_find_document(
                actor=citizen, holder_id_number=AN, uploaded=content, name="a.pdf", title="a"
            )
            results.append((document.pk, created))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=client) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert len({pk for pk, _ in results}) == 1
    assert StoredDocument.objects.count() == 1
    assert files_under(media) == [StoredDocument.objects.get().file.name]


def test_the_sweep_command_lists_then_deletes_old_orphans(
    media: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orphan = media / "documents" / "2025" / "01" / "mo-coi.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(pdf_bytes())
    old = (dt.datetime.now() - dt.timedelta(days=2)).timestamp()
    os.utime(orphan, (old, old))
    call_command("documents", "sweep", "--dry-run")
    assert capsys.readouterr().out == "documents/2025/01/mo-coi.pdf\nSẽ xoá 1 tệp mồ côi.\n"
    assert orphan.exists()
    call_command("documents", "sweep")
    assert capsys.readouterr().out == "documents/2025/01/mo-coi.pdf\nĐã xoá 1 tệp mồ côi.\n"
    assert not orphan.exists()
    call_command("documents", "verify")
    assert capsys.readouterr().out == "OK: mọi tệp trong kho khớp mã kiểm tra.\n"
