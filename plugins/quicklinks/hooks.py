"""The quick links plugin's face to the core: routes, permissions, the customer card's panel, cleanup, demo data."""

from __future__ import annotations

from forecourt import NavItem, Permission, SlotContent, hookimpl
from forecourt import lazy_gettext as _l
from plugins.quicklinks import branding, shop


@hookimpl
def register_routes():
    from plugins.quicklinks import card, settings

    return [*branding.ROUTES, *settings.ROUTES, *card.ROUTES, *shop.ROUTES]


@hookimpl
def register_permissions():
    return [
        Permission("quicklinks.manage", _l("Make and revoke customers' quick links"), ("manager", "dealer_admin")),
        Permission("quicklinks.settings", _l("Set the quick link pages' look and exchange rates"), ("dealer_admin",)),
    ]


@hookimpl
def nav_items(ctx):
    """The settings, for the dealer's administrator (the links themselves live on the customer cards)."""
    if not ctx.can("quicklinks.settings"):
        return []
    return [NavItem(label=_l("Quick links"), href="/quicklinks/settings", order=46)]


@hookimpl
async def page_slots(slot, ctx, subject):
    """The customer card: the customer's quick link — its state, why it no longer opens, its uses; make / revoke."""
    if slot != "customers.card.panels":
        return []
    from plugins.quicklinks import card

    html = await card.panel(ctx, subject)
    return [SlotContent(title=_l("Quick link"), html=html, order=20, plugin="quicklinks")] if html else []


@hookimpl
async def customers_delete_records(ctx, customer_id):
    """A deleted customer's link dies ("deleted") and its cart goes; the log of its uses and checkouts stay.

    Inside the delete's transaction: if the delete rolls back, the link lives on.
    """
    from plugins.quicklinks import links
    from plugins.quicklinks.tables import CartItem, Link

    await links.revoke(ctx, customer_id, reason="deleted")
    theirs = [row["id"] for row in await Link.scoped(ctx.dealer_id).select(Link.id).where(
        Link.customer_id == customer_id)]
    if theirs:
        await CartItem.scoped(ctx.dealer_id).delete().where(CartItem.link_id.is_in(theirs))


@hookimpl
async def demo_data(dealer, users, ctx):
    from plugins.quicklinks import demo

    await demo.seed(dealer, users, ctx)
