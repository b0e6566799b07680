"""Agency identifier formats.

QCVN 102:2016 — ``V1V2V3.Z1Z2.Y1Y2.MX1X2`` (13 characters, read right to left: level 1 last).
QĐ 20/2020/QĐ-TTg — dot-separated groups growing left to right, first group ``MX1X2``, ≤ 35
characters of ``[0-9A-Z.]``.
"""

from __future__ import annotations

import re

QCVN102_PATTERN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
QD20_PATTERN = re.compile(r"^[A-Y]\d{2}(\.[0-9A-Z]+)*$")


def is_qcvn102(code: str) -> bool:
    return bool(QCVN102_PATTERN.match(code))


def is_qd20(identifier: str) -> bool:
    return len(identifier) <= 35 and bool(QD20_PATTERN.match(identifier))


def qd20_from_qcvn102(code: str) -> str:
    """The QĐ 20 form of a QCVN 102 code: ``000.01.12.H56`` -> ``H56.12.01``."""
    level4, level3, level2, level1 = code.split(".")
    groups = [level1]
    for group in (level2, level3, level4):
        if set(group) == {"0"}:
            break
        groups.append(group)
    return ".".join(groups)


def normalize_code(value: str) -> str:
    return value.strip().upper()
