"""Payments of orders, the cash-desk and bank totals per period, and the receipt / invoice documents.

Public services for other parts and plugins: :mod:`plugins.orders.payments.services`
(``add``, ``for_order``, ``summary``, ``totals``, ``refunds``). The order card
shows :mod:`plugins.orders.payments.panel` (``context(ctx, order)`` +
``orders/payments/_panel.html``). Status changes go through the core's
workflow engine (``PAYMENT_MACHINE`` in :mod:`plugins.orders.machines`), which
alone writes the status and the dates it stamps.
"""
