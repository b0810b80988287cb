from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T09:30:38:898225"
VERSION = "1.38.0"
DESCRIPTION = "leads: when a late first contact was escalated"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="leads", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Lead",
        tablename="leads_lead",
        column_name="escalated_at",
        db_column_name="escalated_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
