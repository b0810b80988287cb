from pathlib import Path

from piccolo.conf.apps import AppConfig

from fc_deals.tables import Deal, Heard

APP_CONFIG = AppConfig(
    app_name="deals",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Deal, Heard],
    migration_dependencies=["core.piccolo_app"],
)
