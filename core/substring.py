"""Substring search within a dealer: "1234" in the middle of a number, "ová" inside a name, "gmail" in an e-mail.

A :class:`SubstringIndex` names a dealer-scoped table and the normalised
text columns it searches (``fold``-ed names, lower-case e-mails, reversed
phone digits — the same keys the prefix search ranges over, so case and
accents are folded exactly as there). It is, per engine:

- **SQLite**: an FTS5 table with the ``trigram`` tokenizer and external
  content (``<table>_fts``; it stores the index, not a second copy of the
  text) and three triggers on the table that keep it in step. The triggers
  run inside the statement that writes the row, so the index changes in the
  same transaction as the row, whatever wrote it (the query builder, raw
  SQL, a bulk load, a cascade).
- **PostgreSQL**: one ``pg_trgm`` GIN index ``<table>_trgm`` on
  ``(dealer_id, column gin_trgm_ops, …)`` (``btree_gin`` puts the dealer in
  the same index, so a fragment is looked up within one dealer's rows).

Trigrams need at least :data:`MIN_CHARS` characters; callers keep their
prefix search for shorter terms (:meth:`SubstringIndex.fragments` gives
None then). A list uses :meth:`SubstringIndex.lookup_sql`, which on SQLite
first probes how common the fragment is (the FTS5 table has no dealer).
:func:`ranked_page` puts the prefix (and exact) matches first
and the other substring matches after them, each part in the list's own
keyset order, with one page token across both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.combination import WhereRaw

from core.listing import Keyset

MIN_CHARS = 3  #: the shortest fragment a trigram index can look up
#: on SQLite, a fragment found in more rows than this over every dealer is looked for along the dealer's rows
BROAD = 2000
#: page-token markers: a page of the prefix matches, a page of the other substring matches
_FIRST, _THEN = "1~", "2~"

Fetch = Callable[[str, int], Awaitable[Sequence[dict[str, Any]]]]


def _like(fragment: str) -> str:
    """A PostgreSQL ``LIKE`` pattern for "contains ``fragment``" (``%``, ``_`` and ``\\`` taken literally)."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class SubstringIndex:
    """A trigram index on ``columns`` of the dealer-scoped ``table`` (see the module's docstring).

    Guaranteed: :meth:`contains_sql` finds exactly the rows whose column
    holds the fragment (no false matches: SQLite re-checks with ``instr``,
    PostgreSQL's ``LIKE`` is escaped); it never widens the caller's dealer
    condition, which stays the caller's (``dealer_id = {}``).
    """

    table: str
    columns: tuple[str, ...]

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    @property
    def gin(self) -> str:
        return f"{self.table}_trgm"

    def statements(self, kind: str) -> list[str]:
        """The DDL that makes the index for engine ``kind`` and fills it from the rows already there."""
        cols = ", ".join(self.columns)
        if kind == "postgres":
            ops = ", ".join(f"{c} gin_trgm_ops" for c in self.columns)
            return ["CREATE EXTENSION IF NOT EXISTS pg_trgm", "CREATE EXTENSION IF NOT EXISTS btree_gin",
                    f"CREATE INDEX IF NOT EXISTS {self.gin} ON {self.table} USING gin (dealer_id, {ops})"]
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        delete = f"INSERT INTO {self.fts} ({self.fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
        insert = f"INSERT INTO {self.fts} (rowid, {cols}) VALUES (new.id, {new});"
        return [
            # detail=none: the index holds which rows have a trigram, not where (LIKE re-checks the row);
            # columnsize=0: no per-row token counts (nothing ranks by them)
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.fts} USING fts5({cols}, content='{self.table}', "
            "content_rowid='id', tokenize='trigram', detail='none', columnsize=0)",
            f"CREATE TRIGGER IF NOT EXISTS {self.fts}_insert AFTER INSERT ON {self.table} BEGIN {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.fts}_delete AFTER DELETE ON {self.table} BEGIN {delete} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.fts}_update AFTER UPDATE OF {cols} ON {self.table} "
            f"BEGIN {delete} {insert} END",
            f"INSERT INTO {self.fts} ({self.fts}) VALUES ('rebuild')",  # the rows already there
        ]

    def migration(self, migration_id: str, app_name: str, description: str) -> MigrationManager:
        """A migration (a file of its own) that makes the index on whichever engine it runs on."""
        from core import db

        manager = MigrationManager(migration_id=migration_id, app_name=app_name, description=description)

        async def run() -> None:
            for statement in self.statements(db.engine_kind()):
                await db.engine().run_ddl(statement)

        manager.add_raw(run)
        return manager

    def fragments(self, fragments: Mapping[str, str]) -> dict[str, str] | None:
        """The fragments trigrams can look up (:data:`MIN_CHARS` or more), None if none is left."""
        wanted = {c: f for c, f in fragments.items() if len(f) >= MIN_CHARS}
        return wanted or None

    def contains_sql(self, fragments: Mapping[str, str],
                     kind: str | None = None) -> tuple[str, tuple[str, ...]] | None:
        """"Any of these columns holds its fragment" for hand-written SQL (``{}`` placeholders).

        ``fragments`` maps a column to the normalised text to look for in
        it; fragments shorter than :data:`MIN_CHARS` are left out, and None
        means none was left (the caller keeps its prefix search).
        """
        from core import db

        wanted = {c: f for c, f in fragments.items() if len(f) >= MIN_CHARS}
        unknown = set(wanted) - set(self.columns)
        if unknown:
            raise ValueError(f"{self.table} has no substring index on {sorted(unknown)}")
        if not wanted:
            return None
        if (kind or db.engine_kind()) == "postgres":
            return ("(" + " OR ".join(f"{c} LIKE {{}}" for c in wanted) + ")",
                    tuple(_like(f) for f in wanted.values()))
        # one FTS lookup a column (FTS5 cannot use its index for an OR of LIKEs), then the exact check
        lookups = " UNION ".join(f"SELECT rowid FROM {self.fts} WHERE {c} LIKE {{}}" for c in wanted)
        check = " OR ".join(f"instr({c}, {{}}) > 0" for c in wanted)
        return (f"(id IN ({lookups}) AND ({check}))",
                tuple(f"%{f}%" for f in wanted.values()) + tuple(wanted.values()))

    def contains(self, fragments: Mapping[str, str]) -> WhereRaw | None:
        """The same condition for the query builder (``query.where(...)``), or None."""
        found = self.contains_sql(fragments)
        return None if found is None else WhereRaw(found[0], *found[1])

    async def lookup_sql(self, fragments: Mapping[str, str]) -> tuple[str, tuple[Any, ...]] | None:
        """:meth:`contains_sql`, planned for how common the fragment is (what a list should use).

        PostgreSQL's GIN index holds the dealer, so it is :meth:`contains_sql`.
        SQLite's FTS5 table does not: a common fragment ("ová" is in one
        name in ten) gives the rows of every dealer, so its ids are probed
        first, at most :data:`BROAD`. A narrow fragment is then those ids; a
        broad one is checked row by row along the list's own index, where a
        page of it is found within a few hundred of the dealer's rows. Either
        way the cost no longer grows with the other dealers' rows.
        """
        from piccolo.querystring import QueryString

        from core import db

        found = self.contains_sql(fragments)
        if found is None or db.engine_kind() == "postgres":
            return found
        wanted = {c: f for c, f in fragments.items() if len(f) >= MIN_CHARS}
        check = " OR ".join(f"instr({c}, {{}}) > 0" for c in wanted)
        found_ids: set[int] = set()
        for column, fragment in wanted.items():  # one probe a column, each stopping after BROAD + 1 rows
            probe = QueryString(f"SELECT rowid AS id FROM {self.fts} WHERE {column} LIKE {{}} LIMIT {BROAD + 1}",
                                f"%{fragment}%")
            rows = await db.engine().run_querystring(probe)
            found_ids.update(row["id"] for row in rows)
            if len(rows) > BROAD or len(found_ids) > BROAD:
                return f"({check})", tuple(wanted.values())
        ids = sorted(found_ids)
        return (f"(id IN ({', '.join(['{}'] * len(ids)) or 'NULL'}) AND ({check}))",
                (*ids, *wanted.values()))


async def ranked_page(keyset: Keyset, after: str, limit: int, first: Fetch,
                      then: Fetch | None) -> tuple[list[dict[str, Any]], str]:
    """One page of ``first``'s rows (prefix/exact matches), then ``then``'s (the other substring matches).

    ``first(token, n)`` / ``then(token, n)`` read up to ``n`` rows after
    the ``keyset`` token (``""``: from the start) in the keyset's order;
    ``then`` must leave out what ``first`` finds. Without ``then`` (a term
    too short for trigrams) this is ``keyset.page`` of ``first`` with the
    usual tokens. Guaranteed: every row comes once across the pages, all of
    ``first``'s before any of ``then``'s; a token that cannot be read gives
    the first page.
    """
    if then is None:
        return keyset.page(await first(after, limit + 1), limit)
    rows: list[dict[str, Any]] = []
    if after.startswith(_THEN):
        inner = after[len(_THEN):]
    else:
        inner = after[len(_FIRST):] if after.startswith(_FIRST) else ""
        rows, token = keyset.page(await first(inner, limit + 1), limit)
        if token:
            return rows, _FIRST + token
        inner = ""
    room = limit - len(rows)
    if room == 0:  # the prefix matches filled the page exactly: a next page only if there is more
        return rows, (_THEN if await then("", 1) else "")
    more, token = keyset.page(await then(inner, room + 1), room)
    return rows + more, (_THEN + token if token else "")
