"""Current vs potential, as a status machine: the change is one click and goes to the history."""

from forecourt import Machine, State, Transition
from forecourt import lazy_gettext as _l
from plugins.customers.entity import ENTITY

CUSTOMER = Machine(
    key="customers.customer",
    title=_l("Customer status"),
    entity=ENTITY,
    field="status",
    view_permission="customers.view",
    edit_permission="customers.edit",
    states=(
        State("potential", _l("Potential"), "blue"),
        State("current", _l("Current"), "green"),
    ),
    transitions=(
        Transition("convert", _l("Became a customer"), ("potential",), "current", style="primary"),
        Transition("back", _l("Back to potential"), ("current",), "potential"),
    ),
)
