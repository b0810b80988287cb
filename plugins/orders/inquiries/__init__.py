"""Inquiries ("Обращения", manual 002): calls and requests that may become orders.

An inquiry comes from the telephony webhook (``POST /orders/api/calls``,
:mod:`plugins.orders.api`) or is made by hand. A repeat caller — the same
phone number in any formatting, compared as reversed E.164 digits
(``phone_rev``) — has the call added to their open inquiry; otherwise a
new inquiry is made and linked to the customer the customers plugin finds
for the number (when that module is on). The card shows the caller's
customer, earlier orders and inquiries, the calls, the timeline and the
status actions (``INQUIRY_MACHINE``). A duplicate is merged into its main
inquiry after a preview (:mod:`.merge`).

- :mod:`.services` — reading a form, numbering, creating, taking a call, what the card shows;
- :mod:`.merge` — the preview and the merge (the "merge" transition's effect);
- :mod:`.pages` — the list, the form, the card and the merge pages;
- :mod:`.telephony` — the dealer administrator's page of telephony keys;
- :mod:`.demo` — demo inquiries.
"""
