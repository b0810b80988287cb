"""The faster SQLite converters give exactly what Piccolo's give, on values as stored and through a real file."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
from piccolo.engine import sqlite as piccolo_sqlite

from core import sqlite_convert

CASES = {
    "INTEGER": (b"0", b"7", b"-42", b"9223372036854775807", b"1.0", b"-3.0"),
    "NUMERIC": (b"0", b"12.5", b"12.50", b"-0.01", b"1234567890.12", b"3"),
    "TIMESTAMPTZ": (b"2026-12-04 10:11:12.123456+00:00", b"2026-12-04 10:11:12+00:00", b"2026-12-04 10:11:12",
                    b"2026-12-04T00:00:00+00:00", b"2026-03-29 01:59:59.999999"),
    "BOOLEAN": (b"0", b"1"),
}


@pytest.mark.parametrize("declared", sorted(CASES))
def test_each_converter_returns_what_piccolos_returns(declared: str) -> None:
    ours = {"INTEGER": sqlite_convert._integer, "NUMERIC": sqlite_convert._numeric,
            "TIMESTAMPTZ": sqlite_convert._timestamptz, "BOOLEAN": sqlite_convert._boolean}[declared]
    for stored in CASES[declared]:
        theirs = piccolo_sqlite.CONVERTERS[declared](stored)
        mine = ours(stored)
        assert (type(mine), mine) == (type(theirs), theirs), stored
        if isinstance(mine, dt.datetime):
            assert mine.tzinfo is not None and mine.utcoffset() == dt.timedelta(0)


def test_a_real_file_reads_back_typed_values(tmp_path) -> None:
    sqlite_convert.install()
    connection = sqlite3.connect(tmp_path / "convert.sqlite", detect_types=sqlite3.PARSE_DECLTYPES)
    connection.execute("CREATE TABLE t (n INTEGER, price NUMERIC(12, 2), at TIMESTAMPTZ, ok BOOLEAN)")
    at = dt.datetime(2026, 12, 4, 9, 30, 15, 250000, tzinfo=dt.UTC)
    connection.execute("INSERT INTO t VALUES (?, ?, ?, ?)",
                       (12, piccolo_sqlite.convert_numeric_in(Decimal("19.99")),
                        piccolo_sqlite.convert_datetime_in(at), True))
    connection.execute("INSERT INTO t VALUES (NULL, NULL, NULL, NULL)")
    rows = connection.execute("SELECT n, price, at, ok FROM t ORDER BY rowid").fetchall()
    connection.close()
    assert rows[0] == (12, Decimal("19.99"), at, True)
    assert isinstance(rows[0][1], Decimal) and rows[0][2].tzinfo is not None
    assert rows[1] == (None, None, None, None)  # NULL never reaches a converter
