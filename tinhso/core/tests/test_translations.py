"""The English translation is complete and compiled: every text of the pages and messages
(``make messages`` extracts them) has an English string, and the committed ``django.mo`` is
what ``msgfmt`` makes of ``django.po``. Needs GNU gettext (``make test`` installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

REPO = Path(__file__).resolve().parents[3]
LOCALE = REPO / "tinhso" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
FIX = "Chạy / run: make messages, then translate the new entries in tinhso/locale/en/."


def _msgids(po_text: str) -> set[str]:
    ids = set()
    for block in po_text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.MULTILINE)
        if match:
            text = "".join(re.findall(r'"(.*)"', match.group(1)))
            if text:
                ids.add(text)
    return ids


def _gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: sudo apt-get install -y gettext")
    return path


def test_every_text_has_an_english_translation() -> None:
    untranslated = subprocess.run(
        [_gettext_tool("msgattrib"), "--untranslated", "--no-wrap", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        [_gettext_tool("msgattrib"), "--only-fuzzy", "--no-wrap", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert _msgids(untranslated) == set(), FIX
    assert _msgids(fuzzy) == set(), FIX


def test_the_compiled_catalogue_matches_its_source(tmp_path: Path) -> None:
    compiled = tmp_path / "django.mo"
    subprocess.run([_gettext_tool("msgfmt"), "--check", "-o", str(compiled), str(PO)], check=True)
    assert compiled.read_bytes() == MO.read_bytes(), FIX


def test_the_catalogue_holds_every_text_of_the_source(tmp_path: Path) -> None:
    """A fresh extraction finds no text that the committed catalogue lacks."""
    _gettext_tool("xgettext")
    # makemessages writes next to the nearest `locale` directory: extract from a copy of the
    # sources without one, so the committed catalogue is never touched.
    source = tmp_path / "source"
    shutil.copytree(
        REPO / "tinhso",
        source / "tinhso",
        ignore=shutil.ignore_patterns("locale", "__pycache__", "*.gz", "*.ttf", "*.png"),
    )
    fresh = tmp_path / "locale"
    fresh.mkdir()
    cwd = os.getcwd()
    try:
        os.chdir(source)
        with override_settings(LOCALE_PATHS=[fresh]):
            call_command("makemessages", locale=["en"], verbosity=0)
    finally:
        os.chdir(cwd)
    extracted = _msgids((fresh / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    missing = extracted - _msgids(PO.read_text(encoding="utf-8"))
    assert sorted(missing) == [], FIX


@pytest.mark.django_db
def test_english_is_served_when_chosen_and_vietnamese_otherwise(client, settings) -> None:
    vietnamese = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert vietnamese["Content-Language"] == "vi"
    assert 'lang="vi"' in vietnamese.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/")
    html = english.content.decode()
    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert "Bỏ qua, đến nội dung chính" not in html
