"""What a plugin declares to get a bulk import: an :class:`Importer` with its fields and three functions.

The core does the rest the same way for every plugin (:mod:`core.bulk.runs`,
:mod:`core.web.bulk`): reading the file, the column mapping (remembered per
dealer), the per-row check with its messages in the user's language, the
duplicate check within the file and against the dealer's rows, the preview,
the exactly-once confirmation, and the all-or-nothing load in batches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from core.bulk.columns import header_key
from core.context import Context


@dataclass(frozen=True)
class ImportField:
    """A field a file's column can be mapped to: ``key`` as the plugin reads it, ``label`` (lazy) as shown.

    ``aliases`` are more headers people write for it (in any language);
    ``required`` fields must be mapped before the rows are checked.
    ``example`` fills the template file.
    """

    key: str
    label: Any
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: str = ""


@dataclass(frozen=True)
class Existing:
    """A row of the dealer that a row of the file duplicates: what to call it and where its card is."""

    label: str
    url: str = ""


@dataclass(frozen=True)
class Importer:
    """A plugin's bulk import (mounted with :func:`core.web.bulk.routes`).

    * ``clean(cells, language)`` — one row's ``{field key: text}`` to the column values to write and
      ``{field key: message}`` (messages in the current language); must not touch the database.
    * ``duplicate_keys(values)`` — ``{kind: key}`` that make two rows the same (``{"phone": …,
      "email": …}``), empty keys ignored.
    * ``existing(ctx, kind, keys)`` — the dealer's rows holding those keys: ``{key: Existing}``.
    * ``write(ctx, rows)`` — insert one batch of values (inside the import's transaction; through
      :func:`forecourt.create_entities`, so vetoes, protected columns and notifications hold).

    ``base`` is the import's URL (``/customers/import``), ``done_url`` where its result links to,
    ``permission`` who may import.
    """

    key: str
    title: Any
    base: str
    done_url: str
    permission: str
    fields: tuple[ImportField, ...]
    clean: Callable[[dict[str, str], str], tuple[dict[str, Any], dict[str, str]]]
    duplicate_keys: Callable[[dict[str, Any]], dict[str, str]]
    existing: Callable[[Context, str, list[str]], Awaitable[dict[str, Existing]]]
    write: Callable[[Context, list[dict[str, Any]]], Awaitable[None]]
    duplicate_labels: dict[str, Any] | None = None  #: kind -> lazy label ("phone" -> "Phone")
    max_rows: int = 100_000
    max_bytes: int = 40 * 1024 * 1024
    batch: int = 1000

    def field(self, key: str) -> ImportField | None:
        return next((f for f in self.fields if f.key == key), None)

    def headers(self) -> dict[str, str]:
        """Compared header -> field key: the key itself, its aliases, its label in every language."""
        from core.bulk.columns import in_every_language

        found = {header_key(f.key): f.key for f in self.fields}
        for f in self.fields:
            for alias in f.aliases:
                found.setdefault(header_key(alias), f.key)
        for compared, key in in_every_language({f.key: f.label for f in self.fields}).items():
            found.setdefault(compared, key)
        return found
