"""Typed readers for environment variables.

Every reader refuses a malformed value with an ``ImproperlyConfigured`` error that names the
variable, so a typo stops start-up instead of silently falling back to a default.
``NAME_FILE`` variants let secrets come from files (container secrets).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value is None:
        return None
    return value.strip()


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} không hợp lệ: dùng true hoặc false (invalid boolean; use true or false)."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={value!r} không phải số nguyên (not an integer)."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} nhỏ hơn mức tối thiểu {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} lớn hơn mức tối đa {maximum}.")
    return number


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None or value == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"{name}={value!r} có phần tử rỗng; ngăn cách các giá trị bằng dấu phẩy."
        )
    return items


def env_path(name: str, default: Path, environ: Mapping[str, str] | None = None) -> Path:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise ImproperlyConfigured(f"{name}={value!r} không phải là thư mục (not a directory).")
    return path.resolve()


def env_secret(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Return ``NAME`` or the content of the file named by ``NAME_FILE``; ``None`` if neither."""
    file_name = _raw(f"{name}_FILE", environ)
    direct = _raw(name, environ)
    if file_name and direct:
        raise ImproperlyConfigured(f"Chỉ đặt một trong {name} hoặc {name}_FILE, không đặt cả hai.")
    if file_name:
        try:
            secret = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE={file_name!r}: không đọc được tệp ({exc.strerror})."
            ) from None
        if not secret:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r}: tệp rỗng.")
        return secret
    return direct or None
