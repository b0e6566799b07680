"""Text normalisation used at every input boundary."""

from __future__ import annotations

import unicodedata


def normalize_text(value: str) -> str:
    """NFC-normalise and trim; collapse internal runs of white space."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def fold_text(value: str) -> str:
    """Fold for diacritic-insensitive search: 'Đăng ký' -> 'dang ky'."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
