"""Substring search over the customers' search keys (name_key, email_key, phone_rev), filled from the rows there.

SQLite: an FTS5 trigram table with external content and the triggers that
keep it in step; PostgreSQL: pg_trgm (and btree_gin) and one GIN index on
(dealer_id, the keys). See :mod:`core.substring`. The columns are written
out here rather than read from the plugin, so the migration stays as it ran.
"""

from forecourt import SubstringIndex

ID = "2026-12-02T07:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Substring (trigram) index on the customers' search keys"


async def forwards():
    index = SubstringIndex("customers_customer", ("name_key", "email_key", "phone_rev"))
    return index.migration(ID, "customers", DESCRIPTION)
