"""Database-level protection of the audit trail and the chain's head row.

UPDATE is refused by a trigger on SQLite and PostgreSQL; DELETE too on PostgreSQL (SQLite's test
flush deletes rows, and the chain detects deletions anyway)."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_entry_no_update;"]

POSTGRES_FORWARD = [
    "CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_change();",
]


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def create_head(apps, schema_editor):
    head_model = apps.get_model("audit", "AuditChainHead")
    head_model.objects.get_or_create(pk=1, defaults={"sequence": 0, "entry_hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(add_triggers, remove_triggers),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
