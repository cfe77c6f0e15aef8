"""The reviewer's note lives on the micro-credential (it was kept in the audit log, which must
hold no free text about people).

Adding a column with a default makes Django rebuild ``catalog_microcredential`` on SQLite, and
the rebuilt table has neither the search triggers of 0004 nor the index of 0005 (both raw SQL,
unknown to Django's model state): they are created again here, on SQLite only.
"""

from django.db import migrations, models

from microcred.catalog.migrations import _search_sql


def _recreate_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _search_sql.sqlite_after_rebuild():
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_language_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='microcredential',
            name='review_note',
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(_recreate_on_sqlite, migrations.RunPython.noop, elidable=False),
    ]
