"""Amounts of money in Vietnamese words, as receipts write them ("Bằng chữ: Hai trăm nghìn đồng").

The usual administrative style: groups of three digits named nghìn, triệu, tỷ (and "nghìn tỷ"
above), "linh" for a zero tens digit before a unit ("một trăm linh năm"), "mốt" for a final 1
after a tens digit from 20 ("hai mươi mốt"), "lăm" for a final 5 after a tens digit ("mười lăm"),
"không trăm" for an empty hundreds digit inside a larger number ("một triệu không trăm năm
mươi nghìn")."""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", "nghìn", "triệu")


def _three(number: int, *, full: bool) -> list[str]:
    """Words of 0 ≤ number < 1000; ``full`` when a higher group precedes (say "không trăm")."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def _words(number: int, *, full: bool) -> list[str]:
    """0 < number; above a billion, the billions are named recursively ("hai nghìn năm trăm tỷ")."""
    billions, rest = divmod(number, 1_000_000_000)
    words: list[str] = []
    if billions:
        words += [*_words(billions, full=full), "tỷ"]
    groups = [rest // 1_000_000, rest // 1000 % 1000, rest % 1000]
    for group, name in zip(groups, GROUPS[2::-1], strict=True):
        if group:
            words += _three(group, full=full or bool(words))
            if name:
                words.append(name)
    return words


def number_in_words(number: int) -> str:
    """``205000`` → ``hai trăm linh năm nghìn`` (lower case, no unit)."""
    if number < 0:
        raise ValueError("number must not be negative")
    if number == 0:
        return DIGITS[0]
    return " ".join(_words(number, full=False))


def amount_in_words(amount: int) -> str:
    """``200000`` → ``Hai trăm nghìn đồng``."""
    text = f"{number_in_words(amount)} đồng"
    return text[0].upper() + text[1:]
