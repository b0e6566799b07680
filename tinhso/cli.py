"""The ``tinhso`` console command: Django's ``manage.py`` plus the operator commands."""

from __future__ import annotations

import os
import sys

# Commands that must run on an unmigrated database, migrate by themselves, or need no database.
_NO_AUTO_MIGRATE = {
    "migrate",
    "serve",
    "makemigrations",
    "sqlmigrate",
    "showmigrations",
    "squashmigrations",
    "test",
    "check",
    "help",
    "version",
    "collectstatic",
    "findstatic",
    "compilemessages",
    "makemessages",
    "startapp",
    "startproject",
    "diffsettings",
    "optimizemigration",
    "--help",
    "-h",
    "--version",
}


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        print(f"Lỗi cấu hình / configuration error: {exc}", file=sys.stderr)  # noqa: T201
        raise SystemExit(2) from None

    from django.core.management import execute_from_command_line

    if arguments and arguments[0] not in _NO_AUTO_MIGRATE:
        # Every command works on a fresh data directory: SQLite is migrated first; on
        # PostgreSQL the operator is told to run `tinhso migrate`.
        from django.core.management.base import CommandError

        from tinhso.core.commands import ensure_migrated

        try:
            ensure_migrated(sys.stderr)
        except CommandError as exc:
            print(exc, file=sys.stderr)  # noqa: T201
            raise SystemExit(1) from None
    execute_from_command_line(["tinhso", *arguments])


if __name__ == "__main__":
    main()
