"""The dealer admin's quick link settings over real HTTP, on both engines: who may open them, the look (colours
checked before anything is saved), the logo (checked by its bytes and size, served with its real type), the
exchange rates (codes, > 0, one row per pair, another dealer's rate a 404), and concurrent saves.

The manager's card side is tests/test_quicklinks_card.py.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from plugins.quicklinks.tables import Brand, Rate

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


async def test_settings_are_the_dealer_admins(make_dealer, client_as):
    dealer = await make_dealer(modules=["quicklinks"])
    manager = await client_as(dealer, "manager")
    assert (await manager.get("/quicklinks/settings")).status_code == 403
    assert (await manager.post("/quicklinks/settings/rates", data={"source": "RUB", "target": "CNY",
                                                                  "rate": "0.08"})).status_code == 403
    assert 'href="/quicklinks/settings"' not in (await manager.get("/")).text
    admin = await client_as(dealer, "dealer_admin")
    page = await admin.get("/quicklinks/settings")
    assert page.status_code == 200 and "Quick link settings" in page.text and "Exchange rates" in page.text
    assert 'href="/quicklinks/settings"' in (await admin.get("/")).text  # the menu leads there


async def test_the_look_refuses_what_is_no_colour_and_keeps_the_input(make_dealer, client_as):
    dealer = await make_dealer(modules=["quicklinks"])
    admin = await client_as(dealer, "dealer_admin")
    for bad in ("red", "#12345", "#12345g", "1f4e79", "#1f4e79;}", "</style>"):
        r = await admin.post("/quicklinks/settings", data={"title": "Ours", "colour": "#101010", "accent": bad})
        assert r.status_code == 422, bad
        message = ("Accent colour: at most 7 characters." if len(bad) > 7
                   else "Enter a colour as # and six hexadecimal digits, like #1f4e79.")
        assert message in r.text and 'value="Ours"' in r.text and 'value="#101010"' in r.text, bad
    assert not await Brand.scoped(dealer.id).exists()
    r = await admin.post("/quicklinks/settings", data={"title": "Autosalon Ours", "colour": "#1F4E79",
                                                      "accent": "#b45309"})
    assert r.status_code == 303
    again = await admin.post("/quicklinks/settings", data={"title": "Autosalon Ours 2", "colour": "#000000",
                                                          "accent": ""})
    assert again.status_code == 303
    rows = await Brand.scoped(dealer.id).select(Brand.title, Brand.colour, Brand.accent)
    assert rows == [{"title": "Autosalon Ours 2", "colour": "#000000", "accent": ""}]


async def test_the_logo_is_checked_by_its_bytes_and_size(make_dealer, client_as, anon):
    dealer = await make_dealer(modules=["quicklinks"])
    admin = await client_as(dealer, "dealer_admin")
    refused = {
        "The logo must be a PNG, JPEG or WebP image.": [
            ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image/png"),
            ("logo.gif", b"GIF89a" + b"\x00" * 20, "image/gif"), ("logo.png", b"not an image", "image/png")],
        "The logo may be at most 200 KB.": [("big.png", PNG + b"\x00" * (200 * 1024), "image/png")],
    }
    for message, files in refused.items():
        for name, body, kind in files:
            r = await admin.post("/quicklinks/settings/logo", files={"logo": (name, body, kind)})
            assert r.status_code == 422 and message in r.text, (name, r.status_code)
    r = await admin.post("/quicklinks/settings/logo", data={"x": "1"})
    assert r.status_code == 422 and "Choose an image file for the logo." in r.text
    assert not await Brand.scoped(dealer.id).exists()
    assert (await anon.get(f"/quicklinks/brand/{dealer.id}/logo")).status_code == 404

    webp = b"RIFF" + b"\x10\x00\x00\x00" + b"WEBPVP8 " + b"\x00" * 20
    for body, kind in ((PNG, "image/png"), (b"\xff\xd8\xff\xe0" + b"\x00" * 30, "image/jpeg"), (webp, "image/webp")):
        r = await admin.post("/quicklinks/settings/logo", files={"logo": ("logo.bin", body, "text/html")})
        assert r.status_code == 303, r.text[:300]
        served = await anon.get(f"/quicklinks/brand/{dealer.id}/logo")
        assert served.status_code == 200 and served.content == body and served.headers["content-type"] == kind
    page = (await admin.get("/quicklinks/settings")).text
    assert f"/quicklinks/brand/{dealer.id}/logo?v=" in page and "Remove the logo" in page
    assert (await admin.post("/quicklinks/settings/logo/delete")).status_code == 303
    assert (await anon.get(f"/quicklinks/brand/{dealer.id}/logo")).status_code == 404


async def test_rates_refuse_nonsense_and_another_dealers_rate_is_a_404(make_dealer, client_as):
    dealer, other = await make_dealer(modules=["quicklinks"]), await make_dealer(modules=["quicklinks"])
    admin = await client_as(dealer, "dealer_admin")
    cases = {
        ("RUB", "CNY", "0"): "Rate: enter a number above zero.",
        ("RUB", "CNY", "-1"): "Rate: enter a number from",
        ("RUB", "CNY", ""): "Rate: enter a number above zero.",
        ("RUB", "CNY", "abc"): "Rate: enter a number.",
        ("RUB", "CNY", "NaN"): "Rate: enter a number.",
        ("RUB", "CNY", "1e30"): "Rate: enter a number",
        ("RUB", "RUB", "1"): "A rate converts between two different currencies.",
        ("XYZ", "CNY", "1"): "From: choose one of the currencies offered.",
        ("RUB", "", "1"): "To: choose one of the currencies offered.",
    }
    for (source, target, rate), message in cases.items():
        r = await admin.post("/quicklinks/settings/rates", data={"source": source, "target": target, "rate": rate})
        assert r.status_code == 422 and message in r.text, (source, target, rate, r.status_code)
    assert await Rate.scoped(dealer.id).count() == 0

    assert (await admin.post("/quicklinks/settings/rates", data={"source": "rub", "target": "CNY",
                                                                "rate": "0.085"})).status_code == 303
    assert (await admin.post("/quicklinks/settings/rates", data={"source": "RUB", "target": "CNY",
                                                                "rate": "0.09"})).status_code == 303
    rows = await Rate.scoped(dealer.id).select()
    assert [(r["source"], r["target"], Decimal(str(r["rate"]))) for r in rows] == [("RUB", "CNY", Decimal("0.09"))]
    rate_id = rows[0]["id"]
    page = (await admin.get("/quicklinks/settings")).text
    assert 'data-rate="RUB-CNY"' in page and 'value="0.09"' in page
    r = await admin.post(f"/quicklinks/settings/rates/{rate_id}", data={"rate": "0"})
    assert r.status_code == 422 and "Rate: enter a number above zero." in r.text and f'id="e-rate-{rate_id}"' in r.text
    assert (await admin.post(f"/quicklinks/settings/rates/{rate_id}", data={"rate": "0.0875"})).status_code == 303
    assert Decimal(str((await Rate.scoped(dealer.id).select(Rate.rate).first())["rate"])) == Decimal("0.0875")

    # another dealer's admin cannot touch it
    intruder = await client_as(other, "dealer_admin")
    assert (await intruder.post(f"/quicklinks/settings/rates/{rate_id}", data={"rate": "5"})).status_code == 404
    assert (await intruder.post(f"/quicklinks/settings/rates/{rate_id}/delete")).status_code == 404
    assert await Rate.scoped(dealer.id).count() == 1
    assert (await admin.post(f"/quicklinks/settings/rates/{rate_id}/delete")).status_code == 303
    assert await Rate.scoped(dealer.id).count() == 0


async def test_two_admins_saving_at_once_leave_one_brand_row_and_one_rate_row(make_dealer, client_as):
    dealer = await make_dealer(modules=["quicklinks"])
    admins = [await client_as(dealer, "dealer_admin") for _ in range(2)]
    answers = await asyncio.gather(*[
        admins[i % 2].post("/quicklinks/settings", data={"title": f"T{i}", "colour": "#101010", "accent": ""})
        for i in range(6)], *[
        admins[i % 2].post("/quicklinks/settings/rates", data={"source": "EUR", "target": "RUB", "rate": str(90 + i)})
        for i in range(6)])
    assert [r.status_code for r in answers] == [303] * 12
    assert await Brand.scoped(dealer.id).count() == 1 and await Rate.scoped(dealer.id).count() == 1
