"""What the core knows of the customers plugin's records (``register_entities``).

Every write of a customer row goes through ``create_entity`` / ``update_entity``
/ ``delete_entity`` (:mod:`plugins.customers.services`), so other plugins'
vetoes, the history and the notifications see each one.
"""

from forecourt import Entity
from forecourt import lazy_gettext as _l
from plugins.customers.tables import Customer

ENTITY = "customers.customer"

CUSTOMER_ENTITY = Entity(
    key=ENTITY,
    table=Customer,
    label=_l("Customer"),
    url="/customers/{id}",
    search=("name", "phone", "email", "number"),
    view_permission="customers.view",
    edit_permission="customers.edit",
)
