"""Read rendered PDFs back with poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm) and zbar."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

POPPLER = ("pdftotext", "pdfinfo", "pdffonts", "pdftoppm")


def _run(*command: str, data: bytes) -> str:
    missing = [name for name in POPPLER if shutil.which(name) is None]
    if missing:
        pytest.skip(f"poppler-utils is not installed (missing {', '.join(missing)})")
    result = subprocess.run(command, input=data, capture_output=True, check=True)
    return result.stdout.decode()


def text(pdf: bytes, *, page: int | None = None, layout: bool = True) -> str:
    """``pdftotext -layout`` (or in reading order) of the whole document or of one page."""
    options = ["-f", str(page), "-l", str(page)] if page else []
    if layout:
        options.append("-layout")
    return _run("pdftotext", *options, "-", "-", data=pdf)


def words(pdf: bytes, *, page: int | None = None, layout: bool = True) -> str:
    """The text with every run of white space collapsed, for phrases that wrap."""
    return " ".join(text(pdf, page=page, layout=layout).split())


def info(pdf: bytes) -> dict[str, str]:
    output = _run("pdfinfo", "-rawdates", "-", data=pdf)
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in output.splitlines())
    }


def page_size(pdf: bytes) -> tuple[float, float]:
    """Width and height in points, rounded to two decimals."""
    match = re.match(r"([\d.]+) x ([\d.]+) pts", info(pdf)["Page size"])
    assert match, info(pdf)
    return round(float(match[1]), 2), round(float(match[2]), 2)


def pages(pdf: bytes) -> int:
    return int(info(pdf)["Pages"])


def fonts(pdf: bytes) -> list[tuple[str, str]]:
    """(name without the subset prefix, embedded yes/no) of every font."""
    lines = _run("pdffonts", "-", data=pdf).splitlines()[2:]
    result = []
    for line in lines:
        name = line.split()[0].partition("+")[2] or line.split()[0]
        embedded = re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s", line)
        assert embedded, line
        result.append((name, embedded[1]))
    return result


def qr_codes(pdf: bytes, folder: Path, *, page: int = 1) -> list[str]:
    """Decode the QR codes on ``page`` (rendered at 200 dpi) with zbarimg."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (Debian package zbar-tools) is not installed: QR codes not decoded")
    pdf_path = folder / "form.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            str(pdf_path),
            str(folder / "page"),
        ],
        check=True,
    )
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(folder / "page.png")],
        capture_output=True,
        check=False,
    )
    # Exit status 4: the image holds no symbol.
    assert result.returncode in {0, 4}, result.stderr
    return result.stdout.decode().splitlines()
