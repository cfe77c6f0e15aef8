"""The table of the ``throttle`` cache (``settings.CACHES``): the sign-in lockout's and the rate
limits' counts, shared by every worker process of the embedded default (Django's database
cache). Created with Django's own ``createcachetable`` schema, so ``microcred migrate`` is all a
new installation needs; with ``REDIS_URL`` the counts live in Redis and the table stays empty."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "microcred_throttle_cache"


def create(apps, schema_editor):
    command = CreateCacheTable(no_color=True)
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_two_factor")]

    operations = [migrations.RunPython(create, drop)]
