import json
import subprocess
import sys
import unicodedata

import pytest

from tinhso.printing.rendering import APP_DIR, LocalOnlyFetcher
from tinhso.printing.services import FORMS, FormKind, FormSet, render_form
from tinhso.printing.tests import pdf, samples

A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)
ALL_FORMS = [(form_set, kind) for form_set, kinds in FORMS.items() for kind in kinds]
DOSSIER_FORMS = [(form_set, kind) for form_set, kind in ALL_FORMS if kind != FormKind.REGISTER]

NUMBERS = {
    FormSet.TT01_2018: {
        FormKind.RECEIPT: "Mẫu số 01",
        FormKind.SUPPLEMENT_REQUEST: "Mẫu số 02",
        FormKind.REFUSAL: "Mẫu số 03",
        FormKind.APOLOGY: "Mẫu số 04",
        FormKind.CONTROL_SHEET: "Mẫu số 05",
        FormKind.REGISTER: "Mẫu số 06",
    },
    FormSet.TT03_2025: {
        FormKind.RECEIPT: "Mẫu số 01",
        FormKind.SUPPLEMENT_REQUEST: "Mẫu số 02",
        FormKind.REFUSAL: "Mẫu số 03",
        FormKind.APOLOGY: "Mẫu số 04",
        FormKind.STOP_NOTICE: "Mẫu số 05",
        FormKind.CONTROL_SHEET: "Mẫu số 06",
        FormKind.REGISTER: "Mẫu số 07",
    },
}
TITLES = {
    FormKind.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    FormKind.SUPPLEMENT_REQUEST: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    FormKind.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    FormKind.STOP_NOTICE: "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    FormKind.CONTROL_SHEET: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    FormKind.REGISTER: "SỔ THEO DÕI HỒ SƠ",
}
APOLOGY_TITLES = {
    FormSet.TT01_2018: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    FormSet.TT03_2025: "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
}


def test_the_sets_hold_the_forms_of_the_circulars():
    assert {s: {k: spec.number for k, spec in kinds.items()} for s, kinds in FORMS.items()} == (
        NUMBERS
    )


@pytest.mark.parametrize(("form_set", "kind"), ALL_FORMS)
def test_every_form_prints_its_header_number_and_title(rendered, form_set, kind):
    form = rendered[form_set, kind]
    text = pdf.words(form.pdf)

    assert form.form_set == form_set
    assert form.template == f"printing/{form_set}/{kind}.html"
    assert form.number == NUMBERS[form_set][kind]
    title = APOLOGY_TITLES[form_set] if kind == FormKind.APOLOGY else TITLES[kind]
    assert form.title.upper() == title
    assert title in text
    assert form.number in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    # The agency block wraps beside the national motto: read it in reading order.
    assert "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH ĐỒNG THÁP" in (
        pdf.words(form.pdf, layout=False)
    )
    issued = (
        "ngày 05 tháng 02 năm 2025"
        if kind in {"apology", "stop_notice", "register"}
        else ("ngày 22 tháng 01 năm 2025")
    )
    assert f"Đồng Tháp, {issued}" in text
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(("form_set", "kind"), DOSSIER_FORMS)
def test_dossier_forms_are_a5_and_carry_the_dossier_and_applicant(rendered, form_set, kind):
    form = rendered[form_set, kind]
    text = pdf.words(form.pdf)

    assert pdf.page_size(form.pdf) == A5
    assert samples.DOSSIER_CODE in text
    assert samples.APPLICANT_NAME in text  # stacked diacritics: ễ, ị, ườ
    assert "Đăng ký thành lập hộ kinh doanh" in text


@pytest.mark.parametrize("form_set", list(FormSet))
def test_receipt_prints_both_copies_with_the_due_date(rendered, form_set):
    form = rendered[form_set, FormKind.RECEIPT]
    first, second = pdf.words(form.pdf, page=1), pdf.words(form.pdf, page=2)

    assert pdf.pages(form.pdf) == 2
    for page, copy in ((first, "(Liên 1: Lưu)"), (second, "(Liên 2: Giao khách hàng)")):
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page
        assert copy in page
        assert "Tiếp nhận hồ sơ của: Nguyễn Thị Hường" in page
        assert "4. Thời gian nhận hồ sơ: 10 giờ 30 phút, ngày 22 tháng 01 năm 2025" in page
        assert (
            "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 05 tháng 02 năm 2025"
            in page
        )
        assert "Bản sao giấy tờ pháp lý của cá nhân" in page
        assert "Vào Sổ theo dõi hồ sơ, Quyển số: 01, Số thứ tự: 125" in page
        assert "NGƯỜI NỘP HỒ SƠ" in page
        assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in page
        assert "Trần Văn Bình" in page


def test_each_kind_prints_its_own_content(rendered):
    def text(form_set, kind):
        return pdf.words(rendered[form_set, kind].pdf)

    supplement = text(FormSet.TT03_2025, FormKind.SUPPLEMENT_REQUEST)
    assert "Số: 000.00.01.H19-250122-0001/" in supplement
    assert "Ghi đầy đủ ngành, nghề kinh doanh và địa điểm kinh doanh" in supplement
    assert "Lý do: Giấy đề nghị chưa ghi ngành, nghề kinh doanh" in supplement
    assert "NGƯỜI HƯỚNG DẪN" in supplement

    refusal_2018 = text(FormSet.TT01_2018, FormKind.REFUSAL)
    refusal_2025 = text(FormSet.TT03_2025, FormKind.REFUSAL)
    assert "Qua xem xét, Bộ phận tiếp nhận và trả kết quả thông báo không tiếp nhận" in (
        refusal_2018
    )
    assert "Qua xem xét, Bộ phận Một cửa thông báo không tiếp nhận" in refusal_2025
    assert "danh mục ngành, nghề cấm đầu tư kinh doanh." in refusal_2025

    apology_2018 = text(FormSet.TT01_2018, FormKind.APOLOGY)
    apology_2025 = text(FormSet.TT03_2025, FormKind.APOLOGY)
    assert "Thời gian hẹn trả kết quả lại: 16 giờ 00 phút, ngày 10 tháng 02 năm 2025" in (
        apology_2018
    )
    assert "đề nghị gia hạn thời gian giải quyết hồ sơ đến" in apology_2025
    signature = pdf.words(rendered[FormSet.TT03_2025, FormKind.APOLOGY].pdf, layout=False)
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC (Ký, ghi rõ họ tên và đóng dấu) Lê Thị Ngọc Ánh" in signature
    assert "- Ủy ban nhân dân xã Mỹ Hiệp;" in apology_2025

    stop = text(FormSet.TT03_2025, FormKind.STOP_NOTICE)
    assert "Căn cứ Nghị định số 118/2025/NĐ-CP" in stop
    assert "thông báo dừng giải quyết hồ sơ nêu trên" in stop

    control = text(FormSet.TT01_2018, FormKind.CONTROL_SHEET)
    assert "Giao: 14:00 22/01/2025" in control
    assert "Người nhận: Đặng Thu Hằng" in control
    assert "trước hạn" in control
    assert "đúng hạn" in control


def test_register_is_a4_landscape_and_repeats_its_header_on_every_page(rendered):
    form = rendered[FormSet.TT03_2025, FormKind.REGISTER]
    count = pdf.pages(form.pdf)

    assert pdf.page_size(form.pdf) == A4_LANDSCAPE
    assert count >= 4  # 120 rows
    seen = ""
    for page in range(1, count + 1):
        text = pdf.words(form.pdf, page=page)
        assert "STT Mã hồ sơ Tổ chức, cá nhân Tên thủ tục hành chính Nhận hồ sơ" in text
        assert f"Trang {page}/{count}" in text
        seen += text
    assert "SỔ THEO DÕI HỒ SƠ Quyển số: 01 — Năm 2025" in pdf.words(form.pdf, page=1)
    for row in samples.register()["rows"]:
        assert row["dossier_code"] in seen


def test_empty_register_prints_its_header():
    form = render_form(FormKind.REGISTER, samples.register(rows=0))

    assert pdf.pages(form.pdf) == 1
    assert "Chưa có hồ sơ." in pdf.words(form.pdf)


@pytest.mark.parametrize(("form_set", "kind"), ALL_FORMS)
def test_fonts_are_the_shipped_liberation_serif_embedded(rendered, form_set, kind):
    fonts = pdf.fonts(rendered[form_set, kind].pdf)

    assert fonts
    for name, embedded in fonts:
        assert name.startswith("Tinhso-Liberation-Serif"), name
        assert embedded == "yes"


def test_rendering_needs_no_host_font(tmp_path):
    """With a Fontconfig that knows no font at all, the shipped files still do the job."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>\n"
    )
    script = (
        "import sys; from tinhso.printing.rendering import html_to_pdf; sys.stdout.buffer.write("
        "html_to_pdf('<p>Nguyễn Thị Hường <b>Đặng</b> <i>Hằng</i> <b><i>Ánh</i></b></p>'))"
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script],
        capture_output=True,
        check=True,
        env={"FONTCONFIG_FILE": str(config), "PATH": "/usr/bin:/bin"},
        cwd=APP_DIR.parent.parent,
    )

    assert [name for name, _ in pdf.fonts(result.stdout)] == [
        "Tinhso-Liberation-Serif",
        "Tinhso-Liberation-Serif-Bold",
        "Tinhso-Liberation-Serif-Italic",
        "Tinhso-Liberation-Serif-Bold-Italic",
    ]
    assert pdf.words(result.stdout) == "Nguyễn Thị Hường Đặng Hằng Ánh"


@pytest.mark.parametrize(
    ("form_set", "kind"),
    [
        (FormSet.TT01_2018, FormKind.RECEIPT),
        (FormSet.TT03_2025, FormKind.RECEIPT),
        (FormSet.TT03_2025, FormKind.STOP_NOTICE),
        (FormSet.TT01_2018, FormKind.CONTROL_SHEET),
    ],
)
def test_qr_code_decodes_to_the_lookup_url(rendered, tmp_path, form_set, kind):
    assert pdf.qr_codes(rendered[form_set, kind].pdf, tmp_path) == [samples.LOOKUP_URL]


def test_register_has_no_qr_code(rendered, tmp_path):
    assert pdf.qr_codes(rendered[FormSet.TT01_2018, FormKind.REGISTER].pdf, tmp_path) == []


def test_rendering_is_deterministic_and_the_snapshot_reproduces_the_form(rendered):
    form = rendered[FormSet.TT03_2025, FormKind.RECEIPT]
    snapshot = json.loads(json.dumps(form.data))

    again = render_form(FormKind.RECEIPT, snapshot, form_set=form.form_set)

    assert again.pdf == form.pdf
    assert again.data == form.data
    assert form.data["received_at"] == "2025-01-22T10:30:00+07:00"
    assert form.data["applicant"]["name"] == "Nguyễn Thị Hường"
    assert pdf.info(form.pdf)["CreationDate"] == "D:20250122103000+07'00"


def test_text_is_normalised_to_nfc_and_times_to_vietnam():
    data = samples.receipt()
    data["applicant"] = {
        **data["applicant"],
        "name": unicodedata.normalize("NFD", " Nguyễn  Thị Hường "),
    }
    data["due_at"] = "2025-02-05T09:00:00Z"

    form = render_form(FormKind.RECEIPT, data, form_set=FormSet.TT01_2018)

    assert form.data["applicant"]["name"] == "Nguyễn Thị Hường"
    assert form.data["due_at"] == "2025-02-05T16:00:00+07:00"
    text = pdf.words(form.pdf)
    assert "Tiếp nhận hồ sơ của: Nguyễn Thị Hường" in text
    assert "16 giờ 00 phút, ngày 05 tháng 02 năm 2025" in text


def test_markup_in_data_is_printed_as_text():
    data = samples.refusal()
    data["reasons"] = ['<img src="http://example.invalid/x.png"> <b>Thiếu</b> & sai']

    form = render_form(FormKind.REFUSAL, data)

    assert '<img src="http://example.invalid/x.png"> <b>Thiếu</b> & sai' in pdf.words(form.pdf)


def test_fetcher_refuses_files_outside_the_app_and_the_network():
    fetcher = LocalOnlyFetcher()

    with pytest.raises(ValueError, match="ngoài ứng dụng in"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://example.invalid/font.ttf")
    assert (
        fetcher.fetch((APP_DIR / "fonts" / "LICENSE.txt").as_uri())
        .read()
        .startswith(b"Liberation Serif")
    )
