"""What the core knows of the orders plugin's records (``register_entities``).

Every write of a product or warehouse row goes through ``create_entity`` /
``update_entity`` / ``delete_entity`` (:mod:`plugins.orders.services`); a stock
change is an update of its product (history, vetoes and notifications see it),
whose stock row is written in the same transaction.
"""

from forecourt import Entity
from forecourt import lazy_gettext as _l
from plugins.orders.tables import Inquiry, Order, Payment, Product, Warehouse

PRODUCT = "orders.product"
WAREHOUSE = "orders.warehouse"
ORDER = "orders.order"
PAYMENT = "orders.payment"
INQUIRY = "orders.inquiry"

ENTITIES = [
    Entity(key=PRODUCT, table=Product, label=_l("Product"), url="/orders/catalogue/{id}",
           search=("sku", "name", "vin", "model"), view_permission="orders.view",
           edit_permission="orders.edit_catalogue"),
    Entity(key=WAREHOUSE, table=Warehouse, label=_l("Warehouse"), url="/orders/catalogue/warehouses#warehouse-{id}",
           search=("name",), view_permission="orders.view", edit_permission="orders.edit_catalogue"),
    Entity(key=ORDER, table=Order, label=_l("Order"), url="/orders/{id}",
           search=("number", "contact_name", "contact_phone", "waybill"), view_permission="orders.sell",
           edit_permission="orders.sell"),
    Entity(key=PAYMENT, table=Payment, label=_l("Payment"), url="/orders/payments/{id}",
           view_permission="orders.sell", edit_permission="orders.sell"),
    Entity(key=INQUIRY, table=Inquiry, label=_l("Inquiry"), url="/orders/inquiries/{id}",
           search=("number", "phone", "contact_name"), protected=("merged_into_id",), view_permission="orders.sell",
           edit_permission="orders.sell"),
]
