"""Realistic data for every form kind: one citizen's dossier at a provincial one-stop centre.

Used by the tests and handy for previewing templates:
``python -m tinhso.printing.tests.samples /tmp/forms`` writes every form of both sets as PDF.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DOSSIER_CODE = "000.00.01.H19-250122-0001"
LOOKUP_URL = "https://dichvucong.dongthap.gov.vn/tra-cuu?ma=000.00.01.H19-250122-0001"
APPLICANT_NAME = "Nguyễn Thị Hường"
RECEIVED_AT = dt.datetime(2025, 1, 22, 10, 30, tzinfo=VN)
DUE_AT = dt.datetime(2025, 2, 5, 16, 0, tzinfo=VN)


def common(issued_at: dt.datetime = RECEIVED_AT) -> dict[str, Any]:
    return {
        "agency_name": "Trung tâm Phục vụ hành chính công tỉnh Đồng Tháp",
        "parent_agency_name": "Ủy ban nhân dân tỉnh Đồng Tháp",
        "place": "Đồng Tháp",
        "issued_at": issued_at,
    }


def dossier(issued_at: dt.datetime = RECEIVED_AT) -> dict[str, Any]:
    return {
        **common(issued_at),
        "dossier_code": DOSSIER_CODE,
        "lookup_url": LOOKUP_URL,
        "applicant": {
            "name": APPLICANT_NAME,
            "address": "Số 12, đường Nguyễn Huệ, phường Mỹ Phú, tỉnh Đồng Tháp",
            "phone": "0912 345 678",
            "email": "huong.nguyen@example.vn",
            "id_number": "087190001234",
        },
        "procedure_name": "Đăng ký thành lập hộ kinh doanh",
    }


def receipt(issued_at: dt.datetime = RECEIVED_AT) -> dict[str, Any]:
    return {
        **dossier(issued_at),
        "components": [
            {"name": "Giấy đề nghị đăng ký hộ kinh doanh", "originals": 1, "copies": 0},
            {
                "name": "Bản sao giấy tờ pháp lý của cá nhân đối với các thành viên hộ gia đình",
                "originals": 0,
                "copies": 1,
            },
            {"name": "Văn bản ủy quyền (nếu có)", "originals": 1, "copies": 0},
        ],
        "dossier_sets": 1,
        "processing_time": "03 ngày làm việc",
        "received_at": RECEIVED_AT,
        "due_at": DUE_AT,
        "return_method": "Trung tâm Phục vụ hành chính công tỉnh (nhận trực tiếp)",
        "officer_name": "Trần Văn Bình",
        "register_book": "01",
        "register_number": "125",
    }


def supplement_request(issued_at: dt.datetime = RECEIVED_AT) -> dict[str, Any]:
    return {
        **dossier(issued_at),
        "document_number": f"{DOSSIER_CODE}/HDHS",
        "received_at": RECEIVED_AT,
        "items": [
            {
                "name": "Giấy đề nghị đăng ký hộ kinh doanh",
                "originals": 1,
                "copies": 0,
                "requirement": "Ghi đầy đủ ngành, nghề kinh doanh và địa điểm kinh doanh",
            },
            {"name": "Hợp đồng thuê địa điểm kinh doanh", "originals": 0, "copies": 1},
        ],
        "reason": "Giấy đề nghị chưa ghi ngành, nghề kinh doanh; thiếu hợp đồng thuê địa điểm.",
        "guidance_contact": "ông Trần Văn Bình, số điện thoại 0277 3851 234",
        "officer_name": "Trần Văn Bình",
    }


def refusal(issued_at: dt.datetime = RECEIVED_AT) -> dict[str, Any]:
    return {
        **dossier(issued_at),
        "received_at": RECEIVED_AT,
        "reasons": [
            "Ngành, nghề đăng ký thuộc danh mục ngành, nghề cấm đầu tư kinh doanh.",
            "Tên hộ kinh doanh trùng với tên hộ kinh doanh đã đăng ký trong phạm vi cấp xã.",
        ],
        "guidance_contact": "ông Trần Văn Bình, số điện thoại 0277 3851 234",
        "officer_name": "Trần Văn Bình",
    }


def apology(issued_at: dt.datetime = DUE_AT) -> dict[str, Any]:
    return {
        **dossier(issued_at),
        "document_number": "15/PXL",
        "received_at": RECEIVED_AT,
        "previous_due_at": DUE_AT,
        "new_due_at": dt.datetime(2025, 2, 10, 16, 0, tzinfo=VN),
        "reason": "Cần xác minh thêm thông tin về địa điểm kinh doanh với Ủy ban nhân dân xã.",
        "signer_title": "KT. Giám đốc\nPhó Giám đốc",
        "signer_name": "Lê Thị Ngọc Ánh",
        "recipients": ["Ủy ban nhân dân xã Mỹ Hiệp"],
    }


def stop_notice(issued_at: dt.datetime = DUE_AT) -> dict[str, Any]:
    return {
        **dossier(issued_at),
        "document_number": "03/TB-TTPVHCC",
        "received_at": RECEIVED_AT,
        "reason": "Ông/Bà đã có văn bản đề nghị rút hồ sơ ngày 03/02/2025.",
        "legal_basis": "Nghị định số 118/2025/NĐ-CP ngày 09 tháng 6 năm 2025 của Chính phủ",
        "signer_title": "Giám đốc",
        "signer_name": "Phạm Quốc Việt",
    }


def control_sheet(issued_at: dt.datetime = RECEIVED_AT) -> dict[str, Any]:
    return {
        **dossier(issued_at),
        "received_at": RECEIVED_AT,
        "due_at": DUE_AT,
        "rows": [
            {
                "step": "Chuyển hồ sơ đến cơ quan giải quyết",
                "agency": "Phòng Kinh tế",
                "given_at": dt.datetime(2025, 1, 22, 14, 0, tzinfo=VN),
                "given_by": "Trần Văn Bình",
                "taken_at": dt.datetime(2025, 1, 22, 14, 30, tzinfo=VN),
                "taken_by": "Võ Minh Khôi",
                "result": "trước hạn",
            },
            {
                "step": "Thẩm định, trình ký",
                "agency": "Lãnh đạo Phòng Kinh tế",
                "given_at": dt.datetime(2025, 1, 24, 9, 0, tzinfo=VN),
                "given_by": "Võ Minh Khôi",
                "taken_at": dt.datetime(2025, 1, 24, 10, 15, tzinfo=VN),
                "taken_by": "Đặng Thu Hằng",
                "result": "đúng hạn",
                "note": "Đã ký",
            },
            {
                "step": "Trả kết quả cho Bộ phận Một cửa",
                "agency": "Trung tâm Phục vụ hành chính công",
                "given_at": dt.datetime(2025, 1, 24, 15, 0, tzinfo=VN),
                "given_by": "Đặng Thu Hằng",
            },
        ],
    }


def register(rows: int = 120, issued_at: dt.datetime = DUE_AT) -> dict[str, Any]:
    names = ["Nguyễn Thị Hường", "Trần Quốc Tuấn", "Lê Ngọc Ánh", "Công ty TNHH Mỹ Hưng"]
    procedures = [
        "Đăng ký thành lập hộ kinh doanh",
        "Cấp bản sao trích lục hộ tịch",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
    ]
    return {
        **common(issued_at),
        "year": 2025,
        "book_number": 1,
        "rows": [
            {
                "order_number": number,
                "dossier_code": f"000.00.01.H19-2501{22 + number % 8:02d}-{number:04d}",
                "applicant": names[number % len(names)],
                "procedure_name": procedures[number % len(procedures)],
                "received_at": RECEIVED_AT + dt.timedelta(minutes=7 * number),
                "due_at": DUE_AT,
                "returned_at": DUE_AT - dt.timedelta(days=1) if number % 3 else None,
                "status": "Đã trả kết quả" if number % 3 else "Đang xử lý",
                "note": "Trả qua bưu chính" if number % 10 == 0 else None,
            }
            for number in range(1, rows + 1)
        ],
    }


SAMPLES = {
    "receipt": receipt,
    "supplement_request": supplement_request,
    "refusal": refusal,
    "apology": apology,
    "stop_notice": stop_notice,
    "control_sheet": control_sheet,
    "register": register,
}


def main(target: str) -> None:  # pragma: no cover - a preview helper
    import django

    django.setup()
    from tinhso.printing.services import FORMS, render_form

    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    for form_set, kinds in FORMS.items():
        for kind in kinds:
            rendered = render_form(kind, SAMPLES[kind](), form_set=form_set)
            (folder / f"{form_set}-{kind}.pdf").write_bytes(rendered.pdf)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1] if len(sys.argv) > 1 else "var/forms")
