"""Existing dealers get the currency of their country, read from their language (new ones choose theirs)."""

from core.migrations import sql_migration

ID = "2026-12-01T22:09:09:000000"
VERSION = "1.38.0"
DESCRIPTION = "Currencies of existing dealers from their language"

STATEMENTS = [
    "UPDATE core_dealer SET currency = CASE language WHEN 'cs' THEN 'CZK' WHEN 'ru' THEN 'RUB' "
    "WHEN 'zh' THEN 'CNY' ELSE 'EUR' END WHERE currency = 'EUR'",
]


async def forwards():
    return sql_migration(ID, "core", DESCRIPTION, STATEMENTS)
