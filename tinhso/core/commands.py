"""Plumbing shared by the operator commands (``tinhso <command>``)."""

from __future__ import annotations

import getpass
import uuid
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from tinhso.audit.context import AuditContext, bind
from tinhso.lib.errors import DomainError


def pending_migrations() -> list[str]:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def ensure_migrated(stdout: Any = None) -> None:
    """On SQLite (the zero-setup default) apply pending migrations; elsewhere say what to run."""
    pending = pending_migrations()
    if not pending:
        return
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        if stdout is not None:
            stdout.write(f"Đang khởi tạo cơ sở dữ liệu ({len(pending)} migration)…\n")
        call_command("migrate", interactive=False, verbosity=0)
        return
    raise CommandError(
        f"Cơ sở dữ liệu chưa được cập nhật ({len(pending)} migration chưa áp dụng). "
        "Chạy trước: tinhso migrate"
    )


class OperatorCommand(BaseCommand):
    """Base for operator commands: migrates a fresh data directory, binds the audit context to
    the operating-system user, and turns domain errors into a clean message and exit code 1."""

    requires_migrations_checks = False

    def execute(self, *args: Any, **options: Any) -> str | None:
        ensure_migrated(self.stderr)
        label = f"cli:{_os_user()}"
        with bind(AuditContext(request_id=f"cli-{uuid.uuid4().hex[:16]}", actor_label=label)):
            try:
                return super().execute(*args, **options)
            except DomainError as exc:
                raise CommandError(exc.detail) from None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
