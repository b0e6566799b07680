"""HTML to PDF with WeasyPrint, using only the fonts shipped in ``fonts/``.

The expensive part of WeasyPrint's setup — a Fontconfig configuration with our @font-face fonts
loaded, and the parsed print stylesheet — is built once per thread and reused: Fontconfig and
Pango objects are not safe to share between threads, and building them takes longer than laying
out an A5 form.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

APP_DIR = Path(__file__).resolve().parent
FONTS_DIR = APP_DIR / "fonts"
STYLESHEET = APP_DIR / "styles" / "forms.css"
#: QR codes use error correction level M (15 %), raised by segno when the URL leaves room.
QR_ERROR_LEVEL = "m"


class LocalOnlyFetcher(weasyprint.URLFetcher):
    """Resources may come only from this app's folder (fonts, stylesheet) or data: URIs.

    The templates escape every value, so no caller data can name a URL; this is the second
    line: a rendering never touches the network or other files, and a missing font is an error
    instead of a silent fall-back to whatever the host has installed.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> Any:
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(APP_DIR):
                raise ValueError(f"Không được đọc tệp ngoài ứng dụng in: {url}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class _Engine:
    font_config: Any
    stylesheet: Any
    fetcher: LocalOnlyFetcher


_local = threading.local()


def _engine() -> _Engine:
    engine: _Engine | None = getattr(_local, "engine", None)
    if engine is None:
        fetcher = LocalOnlyFetcher()
        font_config = FontConfiguration()
        try:
            stylesheet = weasyprint.CSS(
                filename=str(STYLESHEET), font_config=font_config, url_fetcher=fetcher
            )
        except FatalURLFetchingError as exc:  # a BaseException: do not let it escape as one
            raise RuntimeError(f"Không nạp được phông chữ của biểu mẫu: {exc}") from exc
        engine = _Engine(font_config=font_config, stylesheet=stylesheet, fetcher=fetcher)
        _local.engine = engine
    return engine


def html_to_pdf(html: str) -> bytes:
    """Lay out ``html`` with the shared print stylesheet and return the PDF bytes.

    The output depends only on the HTML (the creation date comes from its
    ``dcterms.created`` meta element), so the same data renders to the same bytes.
    """
    engine = _engine()
    document = weasyprint.HTML(
        string=html, base_url=APP_DIR.as_uri() + "/", url_fetcher=engine.fetcher
    )
    try:
        pdf: bytes = document.write_pdf(
            stylesheets=[engine.stylesheet],
            font_config=engine.font_config,
            pdf_identifier=b"tinhso-printing",
        )
    except FatalURLFetchingError as exc:
        raise RuntimeError(f"Biểu mẫu dùng tài nguyên không được phép: {exc}") from exc
    return pdf


def qr_data_uri(content: str) -> str:
    """A QR code of ``content`` as an SVG data URI, scaled by CSS (no intrinsic size)."""
    code = segno.make(content, error=QR_ERROR_LEVEL, micro=False)
    uri: str = code.svg_data_uri(border=4, omitsize=True, dark="#000", light="#fff")
    return uri
