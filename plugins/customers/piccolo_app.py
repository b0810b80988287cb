from pathlib import Path

from piccolo.conf.apps import AppConfig

from plugins.customers.tables import Counter, Customer, FollowUp, Note

APP_CONFIG = AppConfig(
    app_name="customers",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Customer, Note, FollowUp, Counter],
    migration_dependencies=["core.piccolo_app"],
)
