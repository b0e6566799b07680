"""Tiny real files of each kind, generated in the test (no fixtures on disk)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from PIL import Image


def pdf_bytes(marker: str = "") -> bytes:
    """A minimal but well-formed one-page PDF (header, objects, xref, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if marker:
        out += f"% {marker}\n".encode()
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def image_bytes(image_format: str, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(buffer, format=image_format)
    return buffer.getvalue()


def png_bytes(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    return image_bytes("PNG", colour)


def jpeg_bytes(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    return image_bytes("JPEG", colour)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a pdf")
    return buffer.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
# The start of a Windows PE executable: "MZ" header, PE offset, "PE\0\0" signature.
EXE = (
    b"MZ\x90\x00\x03"
    + b"\x00" * 55
    + b"\x80\x00\x00\x00"
    + b"\x00" * 64
    + b"PE\x00\x00"
    + (b"\x00" * 200)
)


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def make_citizen(username: str, citizen_id: str, **extra: Any) -> Any:
    from tinhso.identity.services import create_user

    return create_user(
        actor=None,
        username=username,
        kind="citizen",
        full_name=extra.pop("full_name", "Trần Thị Bình"),
        password="Mat-khau-thu-nghiem-2026",
        citizen_id=citizen_id,
        **extra,
    )
