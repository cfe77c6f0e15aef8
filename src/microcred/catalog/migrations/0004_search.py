"""Full-text search of the catalog, and the indexes its pages need.

Nothing here changes Django's model state: the search structures live beside the model and the
database keeps them in step (triggers), so every write path (services, bulk loads, the admin)
keeps the index current without code of ours. ``microcred.catalog.search`` queries them.

- SQLite: an FTS5 table ``catalog_search`` of the published micro-credentials (external
  content, porter stemming), maintained by insert/update/delete triggers. Careful: when a later
  migration makes Django rebuild ``catalog_microcredential`` on SQLite (most AlterField), the
  triggers go with the old table; re-create them (``SQLITE_TRIGGERS``) in that migration.
  ``tests/catalog/test_catalog_search.py`` fails if they are missing.
- PostgreSQL: a ``search_document`` tsvector column (weights A title, B competency, topic and
  tags, C key method and research), set by a BEFORE trigger, with a GIN index.
"""

from django.db import migrations

SQLITE_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS catalog_search USING fts5(
    title, competency, topic, tags, key_method, research,
    content='catalog_microcredential', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2')"""
# Only published versions are indexed: a search then needs no join to leave the others out.
# External content: a row is removed with the 'delete' command and the values it was indexed
# with (https://sqlite.org/fts5.html#external_content_tables).
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS catalog_search_insert
    AFTER INSERT ON catalog_microcredential WHEN new.status = 'published' BEGIN
      INSERT INTO catalog_search(rowid, title, competency, topic, tags, key_method, research)
      VALUES (new.id, new.title, new.competency, new.topic, new.tags, new.key_method, new.research);
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_search_delete
    AFTER DELETE ON catalog_microcredential WHEN old.status = 'published' BEGIN
      INSERT INTO catalog_search(catalog_search, rowid, title, competency, topic, tags, key_method, research)
      VALUES ('delete', old.id, old.title, old.competency, old.topic, old.tags, old.key_method, old.research);
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_search_update
    AFTER UPDATE OF status, title, competency, topic, tags, key_method, research ON catalog_microcredential BEGIN
      INSERT INTO catalog_search(catalog_search, rowid, title, competency, topic, tags, key_method, research)
      SELECT 'delete', old.id, old.title, old.competency, old.topic, old.tags, old.key_method, old.research
      WHERE old.status = 'published';
      INSERT INTO catalog_search(rowid, title, competency, topic, tags, key_method, research)
      SELECT new.id, new.title, new.competency, new.topic, new.tags, new.key_method, new.research
      WHERE new.status = 'published';
    END""",
]
SQLITE_FILL = """
INSERT INTO catalog_search(rowid, title, competency, topic, tags, key_method, research)
SELECT id, title, competency, topic, tags, key_method, research FROM catalog_microcredential WHERE status = 'published'"""
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalog_search_insert",
    "DROP TRIGGER IF EXISTS catalog_search_delete",
    "DROP TRIGGER IF EXISTS catalog_search_update",
    "DROP TABLE IF EXISTS catalog_search",
]

POSTGRES = [
    "ALTER TABLE catalog_microcredential ADD COLUMN search_document tsvector",
    """CREATE FUNCTION catalog_microcredential_search_document() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         NEW.search_document :=
           setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A')
           || setweight(to_tsvector('english'::regconfig,
                coalesce(NEW.competency, '') || ' ' || coalesce(NEW.topic, '') || ' '
                || coalesce(NEW.tags::text, '')), 'B')
           || setweight(to_tsvector('english'::regconfig,
                coalesce(NEW.key_method, '') || ' ' || coalesce(NEW.research, '')), 'C');
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER catalog_microcredential_search
       BEFORE INSERT OR UPDATE OF title, competency, topic, tags, key_method, research
       ON catalog_microcredential
       FOR EACH ROW EXECUTE FUNCTION catalog_microcredential_search_document()""",
    "UPDATE catalog_microcredential SET title = title",
    "CREATE INDEX catalog_mc_search_document ON catalog_microcredential "
    "USING GIN (search_document)",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS catalog_microcredential_search ON catalog_microcredential",
    "DROP FUNCTION IF EXISTS catalog_microcredential_search_document()",
    "ALTER TABLE catalog_microcredential DROP COLUMN IF EXISTS search_document",
]

# Both databases: the catalog's order (title, then id for a stable page boundary), alone and
# within the common filters,
# and the "has anything changed?" fingerprint behind the cached facets and vocabulary.
INDEXES = [
    "CREATE INDEX catalog_mc_status_title ON catalog_microcredential (status, title, id)",
    "CREATE INDEX catalog_mc_status_topic ON catalog_microcredential (status, topic, title, id)",
    "CREATE INDEX catalog_mc_status_audience ON catalog_microcredential "
    "(status, audience, title, id)",
    "CREATE INDEX catalog_mc_status_issuer ON catalog_microcredential "
    "(status, organization_id, title, id)",
    "CREATE INDEX catalog_mc_updated_at ON catalog_microcredential (updated_at)",
]
INDEXES_DROP = [
    "DROP INDEX IF EXISTS catalog_mc_status_title",
    "DROP INDEX IF EXISTS catalog_mc_status_topic",
    "DROP INDEX IF EXISTS catalog_mc_status_audience",
    "DROP INDEX IF EXISTS catalog_mc_status_issuer",
    "DROP INDEX IF EXISTS catalog_mc_updated_at",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = list(INDEXES)
    if vendor == "sqlite":
        statements += [SQLITE_TABLE, *SQLITE_TRIGGERS, SQLITE_FILL]
    elif vendor == "postgresql":
        statements += POSTGRES
    for sql in statements:
        schema_editor.execute(sql, params=None)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = list(INDEXES_DROP)
    if vendor == "sqlite":
        statements += SQLITE_DROP
    elif vendor == "postgresql":
        statements += POSTGRES_DROP
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_authoring_model_versions_stacks"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
