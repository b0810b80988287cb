"""Existing dealers get the usual time zone of their language (new ones choose theirs)."""

from core.migrations import sql_migration

ID = "2026-11-30T09:06:25:000000"
VERSION = "1.38.0"
DESCRIPTION = "Time zones of existing dealers from their language"

STATEMENTS = [
    "UPDATE core_dealer SET timezone = CASE language WHEN 'cs' THEN 'Europe/Prague' WHEN 'ru' THEN 'Europe/Moscow' "
    "WHEN 'zh' THEN 'Asia/Shanghai' ELSE 'UTC' END WHERE timezone = 'UTC'",
]


async def forwards():
    return sql_migration(ID, "core", DESCRIPTION, STATEMENTS)
