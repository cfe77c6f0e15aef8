"""What a migration that rebuilds ``catalog_microcredential`` on SQLite must create again: the
search triggers (0004) and the language index (0005), raw SQL that Django's rebuild drops."""

import importlib


def sqlite_after_rebuild() -> list[str]:
    search = importlib.import_module("microcred.catalog.migrations.0004_search")
    language = importlib.import_module("microcred.catalog.migrations.0005_language_index")
    index = language.CREATE.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1)
    return [*search.SQLITE_TRIGGERS, index]
