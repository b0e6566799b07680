"""Interactive e-forms (biểu mẫu điện tử) defined as data: a JSON Schema (draft 2020-12) says what
is valid, UI hints (``form_ui``) say how to show it. The server validates every submission against
the schema of the procedure version the dossier is received under and answers in Vietnamese, one
message per field, so the portal can show each message next to its field and in a summary.

UI hints (all optional)::

    {
      "order": ["child_full_name", "child_birth_date", ...],   # top-level fields, in order
      "fields": {
        "child_full_name": {"label": "Họ, chữ đệm và tên của trẻ", "widget": "text",
                            "help": "…", "placeholder": "…"},
        "child_sex": {"label": "Giới tính", "widget": "radio",
                      "choices": {"nam": "Nam", "nu": "Nữ"}},
        "father.citizen_id": {"label": "Số định danh cá nhân của cha",
                              "pattern_message": "gồm đúng 12 chữ số"}
      }
    }

Nested fields are named by their dotted path (``father.citizen_id``); items of arrays by the
path of the array (``children.full_name`` for ``children[0].full_name``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jsonschema import Draft202012Validator, SchemaError
from jsonschema.exceptions import (
    ValidationError,
    relevance,
)

from tinhso.lib.errors import InvalidInput

FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER
SUPPORTED_FORMATS = frozenset(FORMAT_CHECKER.checkers)
WIDGETS = frozenset(
    {"text", "textarea", "date", "number", "select", "radio", "checkbox", "email", "tel", "hidden"}
)
FIELD_HINTS = frozenset({"label", "widget", "help", "placeholder", "choices", "pattern_message"})
MAX_SCHEMA_DEPTH = 8
TYPE_NAMES = {
    "string": "chuỗi ký tự",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "giá trị đúng/sai",
    "array": "danh sách",
    "object": "nhóm thông tin",
    "null": "giá trị rỗng",
}
FORMAT_MESSAGES = {
    "date": "không phải ngày hợp lệ (dạng năm-tháng-ngày, ví dụ 2026-01-31)",
    "email": "không phải địa chỉ thư điện tử hợp lệ",
    "idn-email": "không phải địa chỉ thư điện tử hợp lệ",
    "ipv4": "không phải địa chỉ IPv4 hợp lệ",
    "ipv6": "không phải địa chỉ IPv6 hợp lệ",
    "uuid": "không phải mã UUID hợp lệ",
    "regex": "không phải biểu thức chính quy hợp lệ",
}


# --- checking a form definition -----------------------------------------------------------


def _walk(schema: Any, path: str, depth: int = 0) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every sub-schema under properties/items with the dotted path of its field."""
    if not isinstance(schema, dict) or depth > MAX_SCHEMA_DEPTH:
        return
    yield path, schema
    for name, sub in (schema.get("properties") or {}).items():
        yield from _walk(sub, f"{path}.{name}" if path else name, depth + 1)
    items = schema.get("items")
    if isinstance(items, dict):
        for name, sub in (items.get("properties") or {}).items():
            yield from _walk(sub, f"{path}.{name}" if path else name, depth + 1)


def _formats(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, sub in value.items():
            if key == "format" and isinstance(sub, str):
                yield sub
            else:
                yield from _formats(sub)
    elif isinstance(value, list):
        for sub in value:
            yield from _formats(sub)


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, sub in value.items():
            if key == "$ref" and isinstance(sub, str):
                yield sub
            else:
                yield from _refs(sub)
    elif isinstance(value, list):
        for sub in value:
            yield from _refs(sub)


def field_paths(schema: dict[str, Any]) -> set[str]:
    return {path for path, _ in _walk(schema, "") if path}


def check_form_definition(
    schema: Any, ui: Any, errors: dict[str, str], prefix: str = "form_schema"
) -> None:
    """Add an entry to ``errors`` for each problem of the schema and its UI hints.

    An empty schema means "this procedure has no e-form". Otherwise it must be a valid draft
    2020-12 schema for an object, reference only itself (no network), and use only formats the
    server can check (so nothing is silently left unchecked)."""
    ui_key = "form_ui"
    if not isinstance(schema, dict):
        errors[prefix] = "Biểu mẫu điện tử phải là một đối tượng JSON Schema."
        return
    if not isinstance(ui, dict):
        errors[ui_key] = "Gợi ý hiển thị phải là một đối tượng JSON."
        return
    if not schema:
        if ui:
            errors[ui_key] = "Có gợi ý hiển thị nhưng không có biểu mẫu (form_schema rỗng)."
        return
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "(gốc)"
        errors[prefix] = f"JSON Schema không hợp lệ tại {where}: {exc.message}"
        return
    if schema.get("type") != "object":
        errors[prefix] = 'Biểu mẫu phải có "type": "object" ở gốc (mỗi trường là một thuộc tính).'
        return
    external = sorted({ref for ref in _refs(schema) if not ref.startswith("#")})
    if external:
        errors[prefix] = (
            "Biểu mẫu chỉ được tham chiếu bên trong chính nó ($ref bắt đầu bằng #); "
            f"không hỗ trợ: {', '.join(external)}."
        )
        return
    unknown_formats = sorted(set(_formats(schema)) - SUPPORTED_FORMATS)
    if unknown_formats:
        errors[prefix] = (
            f"Định dạng chưa được máy chủ kiểm tra: {', '.join(unknown_formats)}; "
            f"dùng một trong: {', '.join(sorted(SUPPORTED_FORMATS))} hoặc pattern."
        )
        return
    paths = field_paths(schema)
    top_level = set((schema.get("properties") or {}).keys())
    order = ui.get("order", [])
    if not isinstance(order, list) or not all(isinstance(name, str) for name in order):
        errors[f"{ui_key}.order"] = "order phải là danh sách tên trường."
    else:
        missing = [name for name in order if name not in top_level]
        if missing:
            errors[f"{ui_key}.order"] = "Không có trong biểu mẫu: " + ", ".join(missing) + "."
        elif len(set(order)) != len(order):
            errors[f"{ui_key}.order"] = "Một trường được nêu hai lần."
    fields = ui.get("fields", {})
    if not isinstance(fields, dict):
        errors[f"{ui_key}.fields"] = "fields phải là đối tượng: tên trường → gợi ý hiển thị."
        return
    for name, hints in fields.items():
        key = f"{ui_key}.fields.{name}"
        if name not in paths:
            errors[key] = f"Trường {name!r} không có trong biểu mẫu."
        elif not isinstance(hints, dict):
            errors[key] = "Gợi ý hiển thị của một trường phải là đối tượng JSON."
        elif set(hints) - FIELD_HINTS:
            errors[key] = "Gợi ý không hỗ trợ: " + ", ".join(sorted(set(hints) - FIELD_HINTS)) + "."
        elif "widget" in hints and hints["widget"] not in WIDGETS:
            errors[key] = (
                f"Kiểu hiển thị {hints['widget']!r} không hỗ trợ; chọn một trong: "
                + ", ".join(sorted(WIDGETS))
                + "."
            )
        elif not all(isinstance(hints.get(k, ""), str) for k in FIELD_HINTS - {"choices"}):
            errors[key] = "label, widget, help, placeholder, pattern_message phải là chuỗi."
        elif "choices" in hints and not isinstance(hints["choices"], dict):
            errors[key] = "choices phải là đối tượng: giá trị → nhãn hiển thị."


# --- validating submitted data --------------------------------------------------------------


def _clean(value: Any) -> Any:
    """NFC-normalise and trim strings; drop empty strings and nulls from objects so that a blank
    field counts as "not filled in" (and a required one is reported as such)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, dict):
        cleaned = {str(key): _clean(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in ("", None)}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def _field_path(parts: Any) -> str:
    return ".".join(str(part) for part in parts)


def _hint_path(parts: Any) -> str:
    return ".".join(str(part) for part in parts if not isinstance(part, int))


class _Labels:
    def __init__(self, schema: dict[str, Any], ui: dict[str, Any]) -> None:
        self.schemas = dict(_walk(schema, ""))
        fields = ui.get("fields") if isinstance(ui, dict) else None
        self.hints: dict[str, dict[str, Any]] = fields if isinstance(fields, dict) else {}

    def hint(self, path: str, key: str) -> Any:
        hints = self.hints.get(path)
        return hints.get(key) if isinstance(hints, dict) else None

    def label(self, path: str) -> str:
        label = self.hint(path, "label")
        if label:
            return str(label)
        title = (self.schemas.get(path) or {}).get("title")
        return str(title) if title else (path or "Biểu mẫu")

    def choice(self, path: str, value: Any) -> str:
        choices = self.hint(path, "choices")
        if isinstance(choices, dict) and str(value) in choices:
            return str(choices[str(value)])
        return str(value)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{Decimal(str(value)):,}".replace(",", ".") if isinstance(value, int) else str(value)


def _message(error: ValidationError, path: str, labels: _Labels) -> str:
    label = labels.label(path)
    validator = error.validator
    value = error.validator_value
    if validator == "type":
        kinds = value if isinstance(value, list) else [value]
        return f"{label}: phải là {' hoặc '.join(TYPE_NAMES.get(k, str(k)) for k in kinds)}."
    if validator == "minLength":
        if value == 1:
            return f"{label}: chưa nhập (bắt buộc)."
        return f"{label}: cần ít nhất {value} ký tự."
    if validator == "maxLength":
        return f"{label}: tối đa {value} ký tự."
    if validator == "pattern":
        hint = labels.hint(path, "pattern_message")
        return f"{label}: {hint or 'không đúng định dạng'}."
    if validator == "format":
        return f"{label}: {FORMAT_MESSAGES.get(str(value), 'không đúng định dạng ' + str(value))}."
    if validator == "enum":
        options = ", ".join(labels.choice(path, option) for option in value)
        return f"{label}: chọn một trong: {options}."
    if validator == "const":
        return f"{label}: phải là {labels.choice(path, value)}."
    if validator == "minimum":
        return f"{label}: không được nhỏ hơn {_number(value)}."
    if validator == "maximum":
        return f"{label}: không được lớn hơn {_number(value)}."
    if validator == "exclusiveMinimum":
        return f"{label}: phải lớn hơn {_number(value)}."
    if validator == "exclusiveMaximum":
        return f"{label}: phải nhỏ hơn {_number(value)}."
    if validator == "minItems":
        return f"{label}: cần ít nhất {value} mục."
    if validator == "maxItems":
        return f"{label}: tối đa {value} mục."
    if validator in ("anyOf", "oneOf"):
        return f"{label}: không khớp với lựa chọn nào được phép."
    return f"{label}: chưa hợp lệ."


def form_errors(
    schema: dict[str, Any], ui: dict[str, Any], data: Any
) -> tuple[Any, dict[str, str]]:
    """The cleaned data and a dict ``form.<path>`` → Vietnamese message (empty when valid)."""
    cleaned = _clean(data)
    if not schema:
        schema = {"type": "object", "additionalProperties": False}
    validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    labels = _Labels(schema, ui)
    errors: dict[str, str] = {}
    for error in sorted(validator.iter_errors(cleaned), key=relevance, reverse=True):
        parts = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    path = _field_path([*parts, name])
                    label = labels.label(_hint_path([*parts, name]))
                    errors.setdefault(f"form.{path}", f"{label}: chưa nhập (bắt buộc).")
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set((error.schema.get("properties") or {}).keys()) if error.schema else set()
            for name in error.instance:
                if name not in allowed:
                    path = _field_path([*parts, name])
                    errors.setdefault(f"form.{path}", f"Trường {name!r} không có trong biểu mẫu.")
            continue
        key = f"form.{_field_path(parts)}" if parts else "form"
        errors.setdefault(key, _message(error, _hint_path(parts), labels))
    return cleaned, dict(sorted(errors.items()))


def validate_form(schema: dict[str, Any], ui: dict[str, Any], data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput(
            "Biểu mẫu điện tử chưa hợp lệ: dữ liệu phải là một đối tượng JSON.",
            code="invalid_form",
            errors={"form": "Dữ liệu biểu mẫu phải là một đối tượng JSON."},
        )
    cleaned, errors = form_errors(schema, ui, data)
    if errors:
        raise InvalidInput(
            "Biểu mẫu điện tử chưa hợp lệ: " + " ".join(errors.values()),
            code="invalid_form",
            errors=errors,
        )
    return dict(cleaned)
