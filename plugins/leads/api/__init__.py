"""Leads from other systems: a JSON intake API and ADF/XML (the car trade's lead format), per-sender keys.

A dealer administrator makes a key per sender (a lead portal, the brand's
website) under Leads -> Settings; the sender posts to ``/leads/api/intake``
(JSON) or ``/leads/api/intake/adf`` (ADF/XML) with ``Authorization: Bearer
<key>``. docs/integrations.md is the integrator's guide; the OpenAPI schema
is served at ``/leads/api/openapi.json``. The parts:

- :mod:`.access` — making, revoking and checking keys, and the rate limits;
- :mod:`.body` — the body's size, content type, encoding and syntax;
- :mod:`.jsonlead` and :mod:`.adf` — what a JSON object or ADF prospect says;
- :mod:`.receive` — storing it: one lead per sender's reference, resends;
- :mod:`.problems` — RFC 9457 error answers;
- :mod:`.routes` — the addresses; :mod:`.openapi` — the schema.
"""

from plugins.leads.api.access import keys, new_key, revoke
from plugins.leads.api.receive import record_of
from plugins.leads.api.routes import ROUTES

__all__ = ["ROUTES", "keys", "new_key", "record_of", "revoke"]
