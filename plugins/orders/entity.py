"""What the core knows of the orders plugin's records (``register_entities``).

Every write of a product or warehouse row goes through ``create_entity`` /
``update_entity`` / ``delete_entity`` (:mod:`plugins.orders.services`); a stock
change is an update of its product (history, vetoes and notifications see it),
whose stock row is written in the same transaction.
"""

from forecourt import Entity
from forecourt import lazy_gettext as _l
from plugins.orders.tables import Product, Warehouse

PRODUCT = "orders.product"
WAREHOUSE = "orders.warehouse"

ENTITIES = [
    Entity(key=PRODUCT, table=Product, label=_l("Product"), url="/orders/{id}",
           search=("sku", "name", "vin", "model"), view_permission="orders.view",
           edit_permission="orders.edit_catalogue"),
    Entity(key=WAREHOUSE, table=Warehouse, label=_l("Warehouse"), url="/orders/warehouses#warehouse-{id}",
           search=("name",), view_permission="orders.view", edit_permission="orders.edit_catalogue"),
]
