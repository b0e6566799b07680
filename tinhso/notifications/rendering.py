"""Templates of notices: Django's template language on a separate, locked-down engine.

What a template can reach is limited three ways: the context holds only plain strings (no model
objects, so no attribute walk into the database), the engine has no loader (``include`` and
``extends`` cannot read files), and :func:`template_problem` refuses on save every tag outside a
short list (so no ``debug``, ``load``, ``url``, ``csrf_token``…) and every variable the event
does not provide. Output is plain text (no HTML escaping): e-mail bodies, SMS and Zalo texts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from django.template import Context, Engine, Library, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils.translation import gettext as _

ALLOWED_TAGS = frozenset(
    {"if", "elif", "else", "endif", "firstof", "filter", "endfilter", "comment", "endcomment"}
)
MAX_TEMPLATE_LENGTH = 5000

library = Library()


@library.filter(name="khong_dau")
def without_diacritics(value: object) -> str:
    """'Hồ sơ Đã nhận' -> 'Ho so Da nhan' (case kept), for SMS without Unicode."""
    text = str(value).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


register = library  # the name Django looks for in a builtins module
engine = Engine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    autoescape=False,
    debug=False,
    string_if_invalid="",
    libraries={},
    builtins=["tinhso.notifications.rendering"],
)


def _syntax_problem(detail: str) -> str:
    """Django's English message, said in Vietnamese for the common mistakes."""
    if match := re.match(r"Unclosed tag on line (\d+): '(\w+)'", detail):
        return _(
            "Dòng %(line)s: thẻ {%% %(tag)s %%} chưa được đóng (thiếu {%% end%(tag)s %%})."
        ) % {
            "line": match[1],
            "tag": match[2],
        }
    if match := re.match(r"Invalid filter: '([^']*)'", detail):
        return _("Bộ lọc «%(name)s» không có.") % {"name": match[1]}
    if match := re.match(r"Invalid block tag on line (\d+): '([^']*)'", detail):
        return _("Dòng %(line)s: thẻ {%% %(tag)s %%} không đúng chỗ hoặc không có.") % {
            "line": match[1],
            "tag": match[2],
        }
    return _("Mẫu sai cú pháp (%(detail)s).") % {"detail": detail.rstrip(".")}


def template_problem(text: str, variables: Mapping[str, str]) -> str | None:
    """The Vietnamese reason ``text`` cannot be used, or ``None``."""
    if len(text) > MAX_TEMPLATE_LENGTH:
        return _("Mẫu dài quá %(max)s ký tự.") % {"max": MAX_TEMPLATE_LENGTH}
    for token in Lexer(text).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = (token.split_contents() or [""])[0]
            if name not in ALLOWED_TAGS:
                return _(
                    "Dòng %(line)s: thẻ {%% %(tag)s %%} không được dùng. Chỉ dùng được: "
                    "if, elif, else, endif, firstof, filter, comment."
                ) % {"line": token.lineno, "tag": name}
        elif token.token_type == TokenType.TEXT:
            if "{{" in token.contents or "{%" in token.contents:
                return _("Dòng %(line)s: có «{{» hoặc «{%%» chưa được đóng.") % {
                    "line": token.lineno
                }
        elif token.token_type == TokenType.VAR:
            name = token.contents.split("|")[0].strip()
            if "." in name:
                return _(
                    "Dòng %(line)s: {{ %(name)s }} — chỉ dùng tên biến, không dùng dấu chấm."
                ) % {"line": token.lineno, "name": name}
            if name not in variables:
                return _(
                    "Dòng %(line)s: biến {{ %(name)s }} không có. Các biến dùng được: %(names)s."
                ) % {"line": token.lineno, "name": name, "names": ", ".join(variables)}
    try:
        template = engine.from_string(text)
        template.render(Context(dict.fromkeys(variables, "x"), autoescape=False))
    except TemplateSyntaxError as exc:
        return _syntax_problem(str(exc))
    except Exception as exc:
        return _("Mẫu không hiển thị được: %(detail)s.") % {"detail": exc}
    return None


def render(text: str, context: Mapping[str, str]) -> str:
    """Render a template that passed :func:`template_problem` (the shipped ones do, by test)."""
    return engine.from_string(text).render(Context(dict(context), autoescape=False)).strip()
