from pathlib import Path

from piccolo.conf.apps import AppConfig

from plugins.orders.tables import (
    Call,
    CatalogueImport,
    Inquiry,
    Order,
    OrderLine,
    OrderSetting,
    Payment,
    Product,
    Stock,
    Warehouse,
)

APP_CONFIG = AppConfig(
    app_name="orders",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Product, Warehouse, Stock, Order, OrderLine, Payment, Inquiry, Call, CatalogueImport, OrderSetting],
    migration_dependencies=["core.piccolo_app"],
)
