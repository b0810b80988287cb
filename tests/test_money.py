"""Every amount is shown with the dealer's currency, as the reader's language writes it."""

import html

from test_leads import new_lead

from core.tables import Dealer


async def test_amounts_show_in_the_dealers_currency(make_dealer, client_as, login, platform_admin):
    dealer = await make_dealer(modules=["leads", "customers"])
    assert (await Dealer.select(Dealer.currency).where(Dealer.id == dealer.id).first())["currency"] == "EUR"
    manager = await client_as(dealer, "manager")
    lead_id = await new_lead(manager, price="2415000")
    card = html.unescape((await manager.get(f"/leads/{lead_id}")).text)
    assert "€2,415,000" in card
    listing = html.unescape((await manager.get("/leads/")).text)
    assert "€2,415,000" in listing

    admin = await client_as(dealer, "dealer_admin")
    r = await admin.post(f"/admin/dealers/{dealer.id}/currency", data={"currency": "czk"})
    assert r.status_code == 303
    for bad in ("XYZ", "", "€"):
        r = await admin.post(f"/admin/dealers/{dealer.id}/currency", data={"currency": bad})
        assert r.status_code == 303
        assert (await Dealer.select(Dealer.currency).where(Dealer.id == dealer.id).first())["currency"] == "CZK"
    await manager.post("/lang", data={"lang": "cs", "next": "/"})
    card = html.unescape((await manager.get(f"/leads/{lead_id}")).text)
    assert "2\xa0415\xa0000\xa0Kč" in card
    r = await manager.post("/customers/", data={"name": "Jan Novák", "phone": "+420 601 234 567", "source": "phone",
                                                "budget_min": "800000", "budget_max": "1200000"})
    customer = html.unescape((await manager.get(r.headers["location"])).text)
    assert "800\xa0000\xa0Kč – 1\xa0200\xa0000\xa0Kč" in customer
    other = await make_dealer(modules=["leads"])  # another dealer's admin cannot set it
    other_admin = await client_as(other, "dealer_admin")
    assert (await other_admin.post(f"/admin/dealers/{dealer.id}/currency", data={"currency": "USD"})
            ).status_code == 404

    # a new dealer gets its language's currency unless the platform admin chooses another
    platform = await login(platform_admin)
    for slug, language, chosen, expected in (("cz", "cs", "", "CZK"), ("ru", "ru", "", "RUB"),
                                             ("zh", "zh", "USD", "USD")):
        r = await platform.post("/admin/dealers", data={"name": f"Dealer {slug}", "slug": f"money-{slug}-{dealer.id}",
                                                        "language": language, "currency": chosen})
        assert r.status_code in (302, 303), r.text[:300]
        row = await Dealer.select(Dealer.currency).where(Dealer.slug == f"money-{slug}-{dealer.id}").first()
        assert row["currency"] == expected
    r = await platform.post("/admin/dealers", data={"name": "Bad", "slug": f"money-bad-{dealer.id}",
                                                    "currency": "XXQ"})
    assert r.status_code == 422 and "Choose a currency from the list." in r.text


async def test_the_modules_page_offers_the_currency(make_dealer, client_as):
    dealer = await make_dealer(modules=[])
    admin = await client_as(dealer, "dealer_admin")
    page = (await admin.get(f"/admin/dealers/{dealer.id}/modules")).text
    form = page.split(f'action="/admin/dealers/{dealer.id}/currency"')[1].split("</form>")[0]
    assert '<option value="EUR" selected>' in form and 'value="CZK"' in form
    await admin.post(f"/admin/dealers/{dealer.id}/currency", data={"currency": "CZK"})
    page = (await admin.get(f"/admin/dealers/{dealer.id}/modules")).text
    assert "Amounts are now shown in CZK." in page and '<option value="CZK" selected>' in page
