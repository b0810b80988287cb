from pathlib import Path

from piccolo.conf.apps import AppConfig

from fc_notes.tables import Event, Note

APP_CONFIG = AppConfig(
    app_name="notes",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Note, Event],
    migration_dependencies=["core.piccolo_app"],
)
