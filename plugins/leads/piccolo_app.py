from pathlib import Path

from piccolo.conf.apps import AppConfig

from plugins.leads.tables import IntakeKey, IntakeLead, Lead, Setting

APP_CONFIG = AppConfig(
    app_name="leads",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Lead, Setting, IntakeKey, IntakeLead],
    migration_dependencies=["core.piccolo_app"],
)
