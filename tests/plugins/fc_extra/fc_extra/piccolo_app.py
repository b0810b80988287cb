from pathlib import Path

from piccolo.conf.apps import AppConfig

from fc_extra.tables import Mark

APP_CONFIG = AppConfig(
    app_name="extra",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Mark],
    migration_dependencies=["fc_notes.piccolo_app"],
)
