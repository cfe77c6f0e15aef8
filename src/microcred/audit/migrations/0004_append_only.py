"""Sequence numbers become required and unique, and database triggers refuse UPDATE, DELETE
(and on PostgreSQL TRUNCATE) on the audit table (``microcred.audit.db_guards``, the first
version of its triggers: ``install_v1``; 0005 replaces them).

Keep the trigger step last: on SQLite altering the table rebuilds it, which drops triggers.
"""

from django.db import migrations, models

from microcred.audit import db_guards


class Migration(migrations.Migration):

    dependencies = [("audit", "0003_chain_existing_rows")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(unique=True),
        ),
        migrations.RunPython(db_guards.install_v1, db_guards.remove_v1),
    ]
