"""What the core knows of the leads plugin's records (``register_entities``).

Every write of a lead row goes through ``create_entity`` / ``update_entity``
(:mod:`plugins.leads.services`, its intake and jobs), so other plugins'
vetoes, the history and the notifications see each one.
"""

from forecourt import Entity
from forecourt import lazy_gettext as _l
from plugins.leads.tables import Lead

ENTITY = "leads.lead"

LEAD_ENTITY = Entity(
    key=ENTITY,
    table=Lead,
    label=_l("Lead"),
    url="/leads/{id}",
    search=("surname", "first_name", "phone", "email"),
    view_permission="leads.view",
    edit_permission="leads.edit",
)
