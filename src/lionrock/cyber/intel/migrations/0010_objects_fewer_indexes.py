# Fewer indexes written per stored object: the collection's and the creating organisation's own foreign-key
# indexes go (composite indexes lead with each), the versions' uniqueness is led by the id so that it also
# serves lookups by id (one randomly keyed index instead of two), and the correlation key loses
# PostgreSQL's second (LIKE) index.
#
# On PostgreSQL the schema is changed by index statements only. SQLite cannot drop a uniqueness declared
# in its CREATE TABLE without copying the table, and Django's own operations would copy it once per
# field: there the objects table is copied once, after the other changes, into the new shape.

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

POSTGRESQL = (
    'ALTER TABLE "intel_stixobject" ADD CONSTRAINT "stix_id_version_unique" '
    'UNIQUE ("stix_id", "modified", "collection_id")',
    'ALTER TABLE "intel_stixobject" DROP CONSTRAINT IF EXISTS "stix_version_unique"',
    'DROP INDEX IF EXISTS "stix_id_modified"',
    'DROP INDEX IF EXISTS "intel_stixobject_collection_id_15acd48d"',
    'DROP INDEX IF EXISTS "intel_stixobject_created_by_org_id_86f5bd4a"',
    'DROP INDEX IF EXISTS "intel_observablevalue_key_aa8d9012_like"',
    'ALTER INDEX "intel_observablevalue_key_aa8d9012" RENAME TO "intel_value_key"',
)
OTHER = (
    'DROP INDEX IF EXISTS "intel_observablevalue_key_aa8d9012"',
    'CREATE INDEX IF NOT EXISTS "intel_value_key" ON "intel_observablevalue" ("key")',
)
POSTGRESQL_BACK = (
    'ALTER TABLE "intel_stixobject" ADD CONSTRAINT "stix_version_unique" '
    'UNIQUE ("collection_id", "stix_id", "modified")',
    'ALTER TABLE "intel_stixobject" DROP CONSTRAINT IF EXISTS "stix_id_version_unique"',
    'CREATE INDEX "stix_id_modified" ON "intel_stixobject" ("stix_id", "modified")',
    'CREATE INDEX "intel_stixobject_collection_id_15acd48d" ON "intel_stixobject" ("collection_id")',
    'CREATE INDEX "intel_stixobject_created_by_org_id_86f5bd4a" ON "intel_stixobject" ("created_by_org_id")',
    'ALTER INDEX "intel_value_key" RENAME TO "intel_observablevalue_key_aa8d9012"',
    'CREATE INDEX "intel_observablevalue_key_aa8d9012_like" ON "intel_observablevalue" '
    '("key" varchar_pattern_ops)',
)
OTHER_BACK = (
    # The table keeps the new shape's uniqueness (the same columns, so the same rule).
    'CREATE INDEX "stix_id_modified" ON "intel_stixobject" ("stix_id", "modified")',
    'CREATE INDEX "intel_stixobject_collection_id_15acd48d" ON "intel_stixobject" ("collection_id")',
    'CREATE INDEX "intel_stixobject_created_by_org_id_86f5bd4a" ON "intel_stixobject" ("created_by_org_id")',
    'DROP INDEX IF EXISTS "intel_value_key"',
    'CREATE INDEX "intel_observablevalue_key_aa8d9012" ON "intel_observablevalue" ("key")',
)


def _run(statements: dict[str, tuple[str, ...]], schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for statement in statements.get(vendor, statements["other"]):
        schema_editor.execute(statement)


def forwards(apps: Any, schema_editor: Any) -> None:
    _run({"postgresql": POSTGRESQL, "other": OTHER}, schema_editor)


def backwards(apps: Any, schema_editor: Any) -> None:
    _run({"postgresql": POSTGRESQL_BACK, "other": OTHER_BACK}, schema_editor)


def sqlite_table_remade(apps: Any, schema_editor: Any) -> None:
    """SQLite: the objects table copied once into the model's new shape (its indexes and uniqueness)."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor._remake_table(apps.get_model("intel", "StixObject"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("intel", "0009_object_references_backfill"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="stixobject",
                    name="stix_version_unique",
                ),
                migrations.RemoveIndex(
                    model_name="stixobject",
                    name="stix_id_modified",
                ),
                migrations.AlterField(
                    model_name="observablevalue",
                    name="key",
                    field=models.CharField(max_length=40),
                ),
                migrations.AlterField(
                    model_name="stixobject",
                    name="collection",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stix_objects",
                        to="intel.collection",
                    ),
                ),
                migrations.AlterField(
                    model_name="stixobject",
                    name="created_by_org",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
                migrations.AddIndex(
                    model_name="observablevalue",
                    index=models.Index(fields=["key"], name="intel_value_key"),
                ),
                migrations.AddConstraint(
                    model_name="stixobject",
                    constraint=models.UniqueConstraint(
                        fields=("stix_id", "modified", "collection"), name="stix_id_version_unique"
                    ),
                ),
            ],
        ),
        migrations.RunPython(sqlite_table_remade, migrations.RunPython.noop),
    ]
