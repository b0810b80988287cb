from pathlib import Path

from piccolo.conf.apps import AppConfig

from plugins.quicklinks.tables import Brand, CartItem, Checkout, Link, Rate, Use

APP_CONFIG = AppConfig(
    app_name="quicklinks",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Link, Use, CartItem, Checkout, Brand, Rate],
    migration_dependencies=["core.piccolo_app", "plugins.customers.piccolo_app", "plugins.orders.piccolo_app"],
)
