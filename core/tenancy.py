"""Dealer scoping: the scoped query is the easy one, the unscoped one stands out.

Every business table mixes in :class:`DealerScoped`, which adds ``dealer_id``
and the class methods below. Plugins write::

    await Note.scoped(dealer_id).select().where(Note.title == "x")
    await Note.scoped(dealer_id).objects().first()
    await Note.scoped(dealer_id).insert(title="x")   # dealer_id filled in

and the rare cross-dealer read (e.g. the leads plugin's whole-base search)
must say so in the code: ``Note.unscoped_select(...)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from piccolo.columns import ForeignKey, OnDelete
from piccolo.table import Table

from core.db import valid_id
from core.inserts import insert_rows
from core.tables import Dealer

T = TypeVar("T", bound=Table)


class Scoped(Generic[T]):
    """Query builders for one table, already filtered to one dealer."""

    __slots__ = ("dealer_id", "table")

    def __init__(self, table: type[T], dealer_id: int) -> None:
        if not isinstance(dealer_id, int) or dealer_id <= 0:
            raise ValueError(f"a dealer id is required to query {table._meta.tablename}")
        self.table = table
        self.dealer_id = dealer_id

    @property
    def _where(self) -> Any:
        return self.table.dealer_id == self.dealer_id  # type: ignore[attr-defined]

    def select(self, *columns: Any) -> Any:
        return self.table.select(*columns).where(self._where)

    def objects(self) -> Any:
        return self.table.objects().where(self._where)

    def count(self) -> Any:
        return self.table.count().where(self._where)

    def exists(self) -> Any:
        return self.table.exists().where(self._where)

    def update(self, values: dict[Any, Any] | None = None, **kwargs: Any) -> Any:
        return self.table.update(values or {}, **kwargs).where(self._where)

    def delete(self) -> Any:
        return self.table.delete().where(self._where)

    def new(self, **values: Any) -> T:
        """An unsaved row already carrying the dealer."""
        return self.table(dealer_id=self.dealer_id, **values)

    async def insert(self, **values: Any) -> T:
        """Write one row and return it, saved, with its id (:func:`core.inserts.insert_rows`)."""
        row = self.new(**values)
        await insert_rows([row])
        return row

    async def insert_many(self, rows: Iterable[dict[str, Any]]) -> list[T]:
        """Write the rows in one statement and return them, saved, with their ids."""
        made = [self.new(**values) for values in rows]
        await insert_rows(made)
        return made

    async def get(self, pk: int) -> T | None:
        if not valid_id(pk):
            return None
        return await self.objects().where(self.table._meta.primary_key == pk).first()


class DealerScoped:
    """Mixin for business tables: a ``dealer_id`` column and scoped queries."""

    dealer_id = ForeignKey(references=Dealer, on_delete=OnDelete.restrict, index=True)

    @classmethod
    def scoped(cls: type[T], dealer_id: int) -> Scoped[T]:  # type: ignore[misc]
        return Scoped(cls, dealer_id)

    @classmethod
    def unscoped_select(cls, *columns: Any) -> Any:
        """A query over every dealer's rows: use only where a module defines it."""
        return cls.select(*columns)  # type: ignore[attr-defined]
