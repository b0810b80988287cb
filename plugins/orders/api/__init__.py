"""The telephony webhook: ``POST /orders/api/calls`` — the dealer's telephony reports an incoming call.

The dealer's administrator makes a key under Inquiries → Telephony keys
(:mod:`plugins.orders.inquiries.telephony`, the core's API keys with the
purpose ``orders.telephony``); the telephony posts each call as JSON with
``Authorization: Bearer <key>``. The key says whose dealer it is. The call
becomes a :class:`~plugins.orders.tables.Call` and an inquiry ("new"), or is
added to the caller's open inquiry (:func:`plugins.orders.inquiries.services.take_call`).
The OpenAPI document is served at ``/orders/api/openapi.json``. The parts:

- :mod:`.problems` — RFC 9457 error answers (every error here is JSON, never a 5xx page);
- :mod:`.calls` — reading the body: size, type, JSON, the fields;
- :mod:`.routes` — the addresses; :mod:`.openapi` — the schema.
"""

from plugins.orders.api.routes import ROUTES

__all__ = ["ROUTES"]
