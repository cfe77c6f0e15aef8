"""The catalog's language filter: published versions by language, in title order."""

from django.db import migrations

CREATE = ("CREATE INDEX catalog_mc_status_language ON catalog_microcredential "
          "(status, language, title, id)")
DROP = "DROP INDEX IF EXISTS catalog_mc_status_language"


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_search")]

    operations = [migrations.RunSQL(CREATE, DROP, elidable=False)]
