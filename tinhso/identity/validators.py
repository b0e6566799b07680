"""Vietnamese personal and business identifiers."""

from __future__ import annotations

import re

# Province codes of the 12-digit personal identification number (Circular 59/2021/TT-BCA,
# Annex I), i.e. the place of birth registration before the 2025 reorganisation.
_PROVINCE_CODES = (
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096"
)
CITIZEN_ID_PROVINCES = frozenset(_PROVINCE_CODES.split(" "))
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def citizen_id_problem(value: str) -> str | None:
    """``None`` when ``value`` is a plausible 12-digit ID, else the reason in Vietnamese."""
    if not re.fullmatch(r"\d{12}", value):
        return "Số định danh cá nhân phải gồm đúng 12 chữ số."
    if value[:3] not in CITIZEN_ID_PROVINCES:
        return f"Mã tỉnh nơi đăng ký khai sinh {value[:3]} không tồn tại."
    return None


def tax_code_problem(value: str) -> str | None:
    """Enterprise code (10 digits with check digit), branch code (10-3) or a personal ID used
    as a tax code (12 digits, since 1 July 2025)."""
    if re.fullmatch(r"\d{12}", value):
        return citizen_id_problem(value)
    match = re.fullmatch(r"(\d{10})(-\d{3})?", value)
    if not match:
        return (
            "Mã số thuế phải có 10 chữ số, 10 chữ số kèm -3 chữ số (đơn vị phụ thuộc) "
            "hoặc 12 chữ số."
        )
    digits = [int(ch) for ch in match.group(1)]
    check = 10 - sum(w * d for w, d in zip(TAX_CODE_WEIGHTS, digits, strict=False)) % 11
    if check == 10 or check != digits[9]:
        return "Mã số thuế sai chữ số kiểm tra."
    return None


def tax_code_with_check_digit(first_nine: str) -> str | None:
    """Complete a 9-digit prefix with its check digit (``None`` if no valid digit exists)."""
    digits = [int(ch) for ch in first_nine]
    check = 10 - sum(w * d for w, d in zip(TAX_CODE_WEIGHTS, digits, strict=True)) % 11
    return None if check == 10 else f"{first_nine}{check}"


def phone_problem(value: str) -> str | None:
    if not re.fullmatch(r"0\d{9}", value):
        return "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."
    return None
