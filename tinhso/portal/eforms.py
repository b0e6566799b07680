"""From a procedure version's e-form (JSON Schema + UI hints, see :mod:`tinhso.catalog.eforms`)
to pages of Django forms.

* **Pages.** If the UI hints name sections (``"sections": [{"title": "…", "fields": [top-level
  names]}]``) each section is a page. Otherwise each top-level *object* (``child``, ``mother``…)
  is a page of its own, titled with its label, and consecutive plain top-level fields share a
  page ("Nội dung tờ khai"). One thing per page, as the GOV.UK pattern asks.
* **Fields.** strings → text (``textarea``/``email``/``tel``/``hidden`` widgets from the hints),
  ``format: date`` or the ``date`` widget → a date field, integers and numbers → text fields with
  a numeric keyboard that also accept a decimal comma, ``enum`` → radios (or a select when the
  hints say so or there are many options), booleans → a checkbox, arrays of enums → checkboxes,
  arrays of strings → a text area (one item per line). Nested objects become fieldsets.
* **Validation of record** stays :func:`tinhso.catalog.services.validate_form_data`: the Django
  fields here only turn text into typed values (a number that is not a number is reported here);
  the schema's rules (required, lengths, patterns, formats, ranges) are checked by the catalogue
  and its per-field messages are put back next to the fields (:meth:`EForm.add_errors`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DEPTH = 6
RADIO_LIMIT = 6
NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


# --- fields that parse, and leave the rules to the schema ----------------------------------


class SchemaFieldMixin:
    """``required`` only marks the label; the "missing" message comes from the schema check,
    so every rule has one wording whatever the page."""

    empty_values: Any
    label: Any

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            return
        super().validate(value)  # type: ignore[misc]


class TextField(SchemaFieldMixin, forms.CharField):
    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return unicodedata.normalize("NFC", text or "")


class NumberField(SchemaFieldMixin, forms.CharField):
    def __init__(self, *, integer: bool, **kwargs: Any) -> None:
        self.integer = integer
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = str(super().to_python(value) or "").replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        if not NUMBER.match(text):
            kind = _("số nguyên") if self.integer else _("số")
            raise ValidationError(
                _("%(label)s: phải là %(kind)s.") % {"label": self.label, "kind": kind}
            )
        number = Decimal(text.replace(",", "."))
        if self.integer:
            if number != number.to_integral_value():
                raise ValidationError(_("%(label)s: phải là số nguyên.") % {"label": self.label})
            return int(number)
        return int(number) if number == number.to_integral_value() else float(number)


class DateField(SchemaFieldMixin, forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"], **kwargs)
        self.error_messages["invalid"] = _(
            "%(label)s: không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 31/01/2026)."
        ) % {"label": kwargs.get("label", "")}

    def to_python(self, value: Any) -> Any:
        day = super().to_python(value)
        return day.isoformat() if isinstance(day, dt.date) else day


class ChoiceField(SchemaFieldMixin, forms.ChoiceField):
    pass


class MultipleChoiceField(SchemaFieldMixin, forms.MultipleChoiceField):
    pass


class BooleanField(forms.BooleanField):
    def validate(self, value: Any) -> None:
        return


class LinesField(SchemaFieldMixin, forms.CharField):
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = unicodedata.normalize("NFC", str(value or ""))
        return [line.strip() for line in text.splitlines() if line.strip()]


# --- the layout of an e-form ---------------------------------------------------------------


@dataclass
class EField:
    path: str
    name: str
    label: str
    help: str
    kind: str  # text, textarea, email, tel, hidden, date, integer, number, choice, multi, lines,
    # boolean, unsupported
    required: bool
    required_in_parent: bool
    schema: dict[str, Any]
    choices: list[tuple[Any, str]] = field(default_factory=list)
    widget: str = ""
    placeholder: str = ""

    @property
    def is_group(self) -> bool:
        return False


@dataclass
class EGroup:
    path: str
    label: str
    help: str
    items: list[EField | EGroup]

    @property
    def is_group(self) -> bool:
        return True


@dataclass
class EPage:
    number: int
    title: str
    keys: list[str]
    items: list[EField | EGroup]
    # A page that is one object: its label is the page heading, no fieldset around it.
    is_single_group: bool = False


def field_name(path: str) -> str:
    return path.replace(".", "__")


def _resolve(schema: Any, root: dict[str, Any]) -> dict[str, Any]:
    """Local ``$ref`` (``#/$defs/x``) resolved once; anything else as it is."""
    if not isinstance(schema, dict):
        return {}
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        if isinstance(target, dict):
            return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if not kind:
        if "properties" in schema:
            return "object"
        if "enum" in schema or "const" in schema:
            return "enum"
        return "string"
    return str(kind)


class EForm:
    """The pages of one version's e-form, and the conversions between its Django forms and
    the JSON the dossier keeps."""

    def __init__(self, schema: dict[str, Any] | None, ui: dict[str, Any] | None) -> None:
        self.schema = schema if isinstance(schema, dict) else {}
        self.ui = ui if isinstance(ui, dict) else {}
        hints = self.ui.get("fields")
        self.hints: dict[str, Any] = hints if isinstance(hints, dict) else {}
        self.fields: dict[str, EField] = {}
        self.groups: dict[str, EGroup] = {}
        self.pages: list[EPage] = self._pages() if self.schema.get("properties") else []

    # building ---------------------------------------------------------------------------------

    def _hint(self, path: str, key: str) -> Any:
        hint = self.hints.get(path)
        return hint.get(key) if isinstance(hint, dict) else None

    def _label(self, path: str, schema: dict[str, Any]) -> str:
        return str(self._hint(path, "label") or schema.get("title") or path.rsplit(".", 1)[-1])

    def _help(self, path: str, schema: dict[str, Any]) -> str:
        return str(self._hint(path, "help") or schema.get("description") or "")

    def _top_level_order(self) -> list[str]:
        properties = list((self.schema.get("properties") or {}).keys())
        order = self.ui.get("order")
        ordered = [n for n in order if n in properties] if isinstance(order, list) else []
        return ordered + [name for name in properties if name not in ordered]

    def _item(
        self, name: str, schema: Any, path: str, required: bool, chain_required: bool, depth: int
    ) -> EField | EGroup:
        schema = _resolve(schema, self.schema)
        kind = _type(schema)
        if kind == "object" and depth < MAX_DEPTH:
            own_required = set(schema.get("required") or [])
            items = [
                self._item(
                    child,
                    sub,
                    f"{path}.{child}",
                    child in own_required,
                    chain_required and required,
                    depth + 1,
                )
                for child, sub in (schema.get("properties") or {}).items()
            ]
            group = EGroup(path, self._label(path, schema), self._help(path, schema), items)
            self.groups[path] = group
            return group
        widget = str(self._hint(path, "widget") or "")
        choices_hint = self._hint(path, "choices")
        labels = choices_hint if isinstance(choices_hint, dict) else {}
        item = EField(
            path=path,
            name=field_name(path),
            label=self._label(path, schema),
            help=self._help(path, schema),
            kind="text",
            required=required and chain_required,
            required_in_parent=required,
            schema=schema,
            widget=widget,
            placeholder=str(self._hint(path, "placeholder") or ""),
        )
        options: list[Any] | None = None
        if "enum" in schema and isinstance(schema["enum"], list):
            options = list(schema["enum"])
        elif "const" in schema and kind != "boolean":
            options = [schema["const"]]
        if options is not None:
            item.kind = "choice"
            item.choices = [(option, str(labels.get(str(option), option))) for option in options]
        elif kind == "boolean":
            item.kind = "boolean"
        elif kind in ("integer", "number"):
            item.kind = kind
        elif kind == "array":
            items_schema = _resolve(schema.get("items"), self.schema)
            if isinstance(items_schema.get("enum"), list):
                item.kind = "multi"
                item.choices = [
                    (option, str(labels.get(str(option), option)))
                    for option in items_schema["enum"]
                ]
            elif _type(items_schema) == "string":
                item.kind = "lines"
            else:
                item.kind = "unsupported"
        elif kind == "string":
            if schema.get("format") == "date" or widget == "date":
                item.kind = "date"
            elif widget in ("textarea", "email", "tel", "hidden"):
                item.kind = widget
            elif schema.get("format") == "email":
                item.kind = "email"
            elif (schema.get("maxLength") or 0) > 300:
                item.kind = "textarea"
        else:
            item.kind = "unsupported"
        self.fields[item.name] = item
        return item

    def _pages(self) -> list[EPage]:
        required = set(self.schema.get("required") or [])
        properties = self.schema.get("properties") or {}
        items = {
            name: self._item(name, properties[name], name, name in required, True, 0)
            for name in self._top_level_order()
        }
        sections = self.ui.get("sections")
        pages: list[EPage] = []
        if isinstance(sections, list) and sections:
            used: set[str] = set()
            for section in sections:
                if not isinstance(section, dict):
                    continue
                names = [
                    n
                    for n in section.get("fields") or []
                    if isinstance(n, str) and n in items and n not in used
                ]
                if not names:
                    continue
                used.update(names)
                title = str(section.get("title") or _("Nội dung tờ khai"))
                pages.append(EPage(len(pages) + 1, title, names, [items[n] for n in names]))
            rest = [name for name in items if name not in used]
            if rest:
                pages.append(
                    EPage(len(pages) + 1, _("Thông tin khác"), rest, [items[n] for n in rest])
                )
        else:
            plain: list[str] = []

            def flush() -> None:
                if plain:
                    pages.append(
                        EPage(
                            len(pages) + 1,
                            _("Nội dung tờ khai"),
                            list(plain),
                            [items[n] for n in plain],
                        )
                    )
                    plain.clear()

            for name, item in items.items():
                if isinstance(item, EGroup):
                    flush()
                    pages.append(EPage(len(pages) + 1, item.label, [name], [item], True))
                else:
                    plain.append(name)
            flush()
        return pages

    # reading ----------------------------------------------------------------------------------

    def page(self, number: int) -> EPage | None:
        if 1 <= number <= len(self.pages):
            return self.pages[number - 1]
        return None

    def page_of(self, path: str) -> EPage | None:
        top = path.split(".", 1)[0]
        return next((page for page in self.pages if top in page.keys), None)

    def whole(self) -> EPage:
        """Every page as one (the administrators' preview)."""
        keys = [key for page in self.pages for key in page.keys]
        items = [item for page in self.pages for item in page.items]
        return EPage(0, _("Biểu mẫu điện tử"), keys, items)

    def fields_of(self, page: EPage) -> list[EField]:
        return list(_fields_in(page.items))

    @property
    def unsupported(self) -> list[EField]:
        return [f for f in self.fields.values() if f.kind == "unsupported"]

    # Django forms -----------------------------------------------------------------------------

    def django_field(self, item: EField) -> forms.Field:
        common: dict[str, Any] = {
            "label": item.label,
            "help_text": item.help,
            "required": item.required,
        }
        attrs: dict[str, str] = {}
        if item.placeholder:
            attrs["placeholder"] = item.placeholder
        if item.kind == "choice":
            choices = [(str(value), label) for value, label in item.choices]
            use_select = item.widget == "select" or (
                item.widget != "radio" and len(choices) > RADIO_LIMIT
            )
            if use_select:
                return ChoiceField(
                    choices=[("", _("— Chọn —")), *choices], widget=forms.Select, **common
                )
            return ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        if item.kind == "multi":
            return MultipleChoiceField(
                choices=[(str(value), label) for value, label in item.choices],
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        if item.kind == "boolean":
            return BooleanField(**common)
        if item.kind in ("integer", "number"):
            attrs["inputmode"] = "numeric" if item.kind == "integer" else "decimal"
            return NumberField(
                integer=item.kind == "integer", widget=forms.TextInput(attrs=attrs), **common
            )
        if item.kind == "date":
            return DateField(
                widget=forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d"),
                **common,
            )
        if item.kind == "lines":
            common["help_text"] = " ".join(
                part for part in (item.help, _("Mỗi dòng một mục.")) if part
            )
            return LinesField(widget=forms.Textarea(attrs={"rows": 4, **attrs}), **common)
        widgets: dict[str, forms.Widget] = {
            "textarea": forms.Textarea(attrs={"rows": 3, **attrs}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", **attrs}),
            "tel": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", **attrs}),
            "hidden": forms.HiddenInput(),
        }
        widget = widgets.get(item.kind, forms.TextInput(attrs=attrs))
        return TextField(widget=widget, **common)

    def form_for(
        self,
        page: EPage,
        *,
        data: Any = None,
        values: dict[str, Any] | None = None,
        prefill_defaults: bool = True,
    ) -> EFormPageForm:
        """The Django form of ``page``, bound to ``data`` (a POST) or showing ``values`` (the
        draft's JSON; the schema's defaults when nothing was saved for this page yet)."""
        form = EFormPageForm(data=data)
        saved = values or {}
        has_saved = any(key in saved for key in page.keys)
        for item in self.fields_of(page):
            if item.kind == "unsupported":
                continue
            form.fields[item.name] = self.django_field(item)
            value = _get(saved, item.path)
            if value is None and not has_saved and prefill_defaults:
                value = item.schema.get("default")
            if value is not None:
                form.initial[item.name] = _initial(item, value)
        return form

    def page_data(self, page: EPage, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The JSON of the page's top-level keys from a valid Django form."""
        data: dict[str, Any] = {}
        for item in self.fields_of(page):
            if item.name not in cleaned:
                continue
            value = _json_value(item, cleaned[item.name])
            if value is None:
                continue
            _set(data, item.path, value)
        return _prune(data)

    def merged(
        self, page: EPage, saved: dict[str, Any], page_values: dict[str, Any]
    ) -> dict[str, Any]:
        merged = {k: v for k, v in (saved or {}).items() if k not in page.keys}
        merged.update(page_values)
        return merged

    def add_errors(self, form: forms.Form, errors: dict[str, str], page: EPage) -> dict[str, str]:
        """Put the catalogue's messages (``form.<path>`` → message) next to the fields of this
        page; return those that belong to other pages."""
        elsewhere: dict[str, str] = {}
        for key, message in errors.items():
            path = key.removeprefix("form").lstrip(".")
            if not path:
                form.add_error(None, message)
                continue
            target = self.field_for(path)
            if path.split(".", 1)[0] not in page.keys:
                elsewhere[key] = message
            elif target is not None and target.name in form.fields:
                if target.name not in form.errors:
                    form.add_error(target.name, message)
            else:
                form.add_error(None, message)
        return elsewhere

    def field_for(self, path: str) -> EField | None:
        """The field a message about ``path`` belongs to (array indexes dropped; a message
        about a group goes to its first field)."""
        parts = [p for p in path.split(".") if not p.isdigit()]
        while parts:
            candidate = ".".join(parts)
            item = self.fields.get(field_name(candidate))
            if item is not None:
                return item
            group = self.groups.get(candidate)
            if group is not None:
                first = next(_fields_in(group.items), None)
                return first
            parts.pop()
        return None

    # check your answers -----------------------------------------------------------------------

    def answers(self, page: EPage, values: dict[str, Any]) -> list[dict[str, Any]]:
        rows = []
        for item in self.fields_of(page):
            if item.kind in ("hidden", "unsupported"):
                continue
            rows.append(
                {
                    "label": item.label,
                    "value": display_value(item, _get(values or {}, item.path)),
                    "name": item.name,
                }
            )
        return rows


class EFormPageForm(forms.Form):
    # Errors come from the server (one wording); the browser's own bubbles would differ.
    use_required_attribute = False


def _fields_in(items: list[EField | EGroup]) -> Iterator[EField]:
    for item in items:
        if isinstance(item, EGroup):
            yield from _fields_in(item.items)
        else:
            yield item


def _get(values: dict[str, Any], path: str) -> Any:
    current: Any = values
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def _set(values: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    current = values
    for part in parts[:-1]:
        current = current.setdefault(part, {})
    current[parts[-1]] = value


def _prune(values: Any) -> Any:
    if isinstance(values, dict):
        pruned = {k: _prune(v) for k, v in values.items()}
        return {k: v for k, v in pruned.items() if v not in ({}, None)}
    return values


def _initial(item: EField, value: Any) -> Any:
    if item.kind == "multi":
        return [str(v) for v in value] if isinstance(value, list) else []
    if item.kind == "lines":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if item.kind == "boolean":
        return bool(value)
    if item.kind in ("integer", "number") and isinstance(value, int | float):
        return str(value).replace(".", ",") if isinstance(value, float) else str(value)
    return str(value)


def _json_value(item: EField, value: Any) -> Any:
    if item.kind == "boolean":
        return True if value else (False if item.required_in_parent else None)
    if value in (None, "", []):
        return None
    if item.kind == "choice":
        return next((option for option, _label in item.choices if str(option) == value), value)
    if item.kind == "multi":
        return [
            next((option for option, _label in item.choices if str(option) == v), v) for v in value
        ]
    return value


def display_value(item: EField, value: Any) -> str:
    """How an answer reads on the check-your-answers page."""
    if item.kind == "boolean":
        return _("Có") if value else _("Không")
    if value is None or value == "" or value == []:
        return ""
    if item.kind in ("choice", "multi"):
        labels = {str(option): label for option, label in item.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if item.kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if item.kind == "lines" and isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - str() of a number is always valid
            return str(value)
        text = format(number, "f")
        return text.replace(".", ",")
    return str(value)


def layout(form: forms.Form, items: list[EField | EGroup]) -> list[dict[str, Any]]:
    """What the template draws: bound fields, and fieldsets for nested objects."""
    nodes: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, EGroup):
            nodes.append(
                {
                    "group": True,
                    "label": item.label,
                    "help": item.help,
                    "children": layout(form, item.items),
                }
            )
        elif item.name in form.fields:
            nodes.append({"group": False, "field": form[item.name]})
        else:
            nodes.append({"group": False, "unsupported": True, "label": item.label})
    return nodes
