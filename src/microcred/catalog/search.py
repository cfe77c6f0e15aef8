"""Full-text search of the published catalog, ranked by relevance, on SQLite and PostgreSQL.

The index is built by migration ``0004_search`` and kept current by database triggers:

- SQLite: FTS5 (``catalog_search``), ranked with ``bm25()``; columns weighted title 10,
  competency/topic/tags 4, key method/research 1.
- PostgreSQL: a stored, weighted ``tsvector`` (A title; B competency, topic, tags; C key method,
  research) with a GIN index, queried with ``SearchQuery`` and ranked with ``SearchRank``.

What people type is never FTS syntax: it is cut into words, and every word must match (after
stemming). Quotes, ``*``, ``NEAR``, ``-`` and the like are just characters, so no query can
fail (FTS5 raises on malformed syntax; see https://sqlite.org/fts5.html#full_text_query_syntax).

When nothing matches, :func:`suggestion` offers the closest words of the catalog's vocabulary
(titles, topics and tags of what is published), cached until the catalog changes.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Max, QuerySet
from django.db.models.expressions import RawSQL

from microcred.catalog.models import MicroCredential

__all__ = ["FtsResults", "catalog_fingerprint", "search_index_installed",
           "search_micro_credentials", "search_terms", "suggestion", "vocabulary"]

# Relevance weights of the FTS5 columns, in the order 0004_search declares them:
# title, competency, topic, tags, key_method, research.
_BM25 = "bm25(catalog_search, 10.0, 4.0, 4.0, 4.0, 1.0, 1.0)"
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12
MAX_TERM_LENGTH = 64


def search_terms(query: str) -> list[str]:
    """The words of ``query``, lowercased, without any search-engine syntax."""
    words = [w.lower()[:MAX_TERM_LENGTH] for w in _WORD.findall(query or "")]
    return list(dict.fromkeys(w for w in words if w.strip("_")))[:MAX_TERMS]


def _fts5_query(terms: list[str]) -> str:
    # Each word as an FTS5 string ("..."), so operators and punctuation are plain text.
    return " AND ".join('"{}"'.format(t.replace('"', '""')) for t in terms)


class FtsResults:
    """The matches of an FTS5 query within ``qs``, most relevant first, as a lazy sequence a
    ``Paginator`` can page (``count()`` and slices).

    The FTS index holds only published versions, so a search without filters is the index
    alone. With filters, ``+rowid IN (<qs>)`` keeps what they allow: the ``+`` stops SQLite
    handing the rowid constraint to FTS5, which would otherwise run the full-text query once
    per candidate row (a hundred times slower on 10,000 rows). A page is one query for the
    ranked ids and one for the rows.
    """

    def __init__(self, qs: QuerySet[MicroCredential], match: str, *, filtered: bool) -> None:
        self._qs = qs
        self._match = match
        self._filtered = filtered
        self._count: int | None = None

    def _where(self) -> tuple[str, tuple[Any, ...]]:
        if not self._filtered:
            return "catalog_search MATCH %s", (self._match,)
        sql, params = self._qs.order_by().values("id").query.sql_with_params()
        return f"catalog_search MATCH %s AND +rowid IN ({sql})", (self._match, *params)

    def count(self) -> int:
        if self._count is None:
            where, params = self._where()
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM catalog_search WHERE {where}",  # noqa: S608
                               params)
                self._count = int(cursor.fetchone()[0])
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[MicroCredential]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("FtsResults only supports slices")
        start = index.start or 0
        limit = -1 if index.stop is None else max(0, index.stop - start)
        where, params = self._where()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM catalog_search WHERE {where} "  # noqa: S608
                f"ORDER BY {_BM25}, rowid LIMIT %s OFFSET %s", (*params, limit, start))
            ids = [row[0] for row in cursor.fetchall()]
        rows = {mc.pk: mc for mc in self._qs.filter(pk__in=ids)} if ids else {}
        return [rows[pk] for pk in ids if pk in rows]


def search_micro_credentials(qs: QuerySet[MicroCredential], query: str, *,
                             filtered: bool = True) -> QuerySet[MicroCredential] | FtsResults:
    """``qs`` narrowed to what matches ``query``, most relevant first.

    ``qs`` must be published versions only; ``filtered=False`` says it is all of them (on
    SQLite the index alone then answers). An empty query (no words) returns ``qs`` unchanged.
    On SQLite the result is an :class:`FtsResults` (count and slices), elsewhere a queryset.
    """
    terms = search_terms(query)
    if not terms:
        return qs
    vendor = connection.vendor
    if vendor == "sqlite":
        return FtsResults(qs, _fts5_query(terms), filtered=filtered)
    if vendor == "postgresql":
        document = RawSQL('"catalog_microcredential"."search_document"', (),
                          output_field=SearchVectorField())
        search = SearchQuery(" ".join(terms), config="english", search_type="plain")
        return qs.alias(search_document=document).filter(search_document=search).annotate(
            search_rank=SearchRank(F("search_document"), search),
        ).order_by("-search_rank", "title", "id")
    # Any other database: every word somewhere in the title or the competency.
    for term in terms:
        qs = qs.filter(title__icontains=term) | qs.filter(competency__icontains=term)
    return qs


def search_index_installed() -> bool:
    """Whether the triggers that keep the index current exist (a SQLite table rebuild by a
    later migration drops them)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name "
                           "IN ('catalog_search_insert', 'catalog_search_delete', "
                           "'catalog_search_update')")
            return bool(cursor.fetchone()[0] == 3)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger "
                           "WHERE tgname = 'catalog_microcredential_search'")
            return bool(cursor.fetchone()[0] == 1)
    return False


def catalog_fingerprint() -> str:
    """Changes whenever any micro-credential is written (publishing, superseding and retiring
    all save the row, which moves ``updated_at``); one index lookup."""
    aggregate = MicroCredential.objects.aggregate(last=Max("updated_at"))
    last = aggregate["last"]
    return last.isoformat() if last else "empty"


def vocabulary(fingerprint: str | None = None) -> list[str]:
    """Every word of the published titles, topics and tags (cached per catalog state)."""
    fingerprint = fingerprint or catalog_fingerprint()
    key = f"catalog:vocabulary:{fingerprint}"
    words: list[str] | None = cache.get(key)
    if words is None:
        found: set[str] = set()
        rows = MicroCredential.objects.filter(
            status=MicroCredential.Status.PUBLISHED).values_list("title", "topic", "tags")
        for title, topic, tags in rows.iterator(chunk_size=2000):
            text = " ".join([title, topic, *(str(t) for t in tags or [])])
            found.update(w.lower() for w in _WORD.findall(text) if len(w) >= 3)
        words = sorted(found)
        cache.set(key, words, timeout=24 * 3600)
    return words


def suggestion(query: str) -> str | None:
    """A corrected query ("formative" for "formtive"), or None when no word is close."""
    terms = search_terms(query)
    if not terms:
        return None
    words = vocabulary()
    known = set(words)
    corrected: list[str] = []
    changed = False
    for term in terms:
        if term in known or len(term) < 3:
            corrected.append(term)
            continue
        close = difflib.get_close_matches(term, words, n=1, cutoff=0.75)
        if close:
            corrected.append(close[0])
            changed = True
        else:
            corrected.append(term)
    return " ".join(corrected) if changed else None
