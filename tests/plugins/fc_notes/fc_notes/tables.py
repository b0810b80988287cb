from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.table import Table

from forecourt import DealerScoped


class Note(DealerScoped, Table, tablename="notes_note"):
    title = Varchar(length=200)
    body = Text(default="")
    created_at = Timestamptz()


class Event(DealerScoped, Table, tablename="notes_event"):
    """Every hook call this plugin received, so tests can see what was called."""

    hook = Varchar(length=100)
    detail = Text(default="")
    at = Timestamptz()
