"""The app shell: error pages, JSON errors, language, htmx fragments, static files."""

import re


async def test_friendly_404_page(make_dealer, client_as):
    dealer = await make_dealer(modules=[])
    client = await client_as(dealer, "manager")
    r = await client.get("/no/such/page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Page not found" in r.text and "<html" in r.text
    assert 'href="/"' in r.text  # a way home
    r = await client.get("/notes/")  # a module this dealer has off: the page keeps the user's menu
    assert r.status_code == 404 and 'class="main-nav"' in r.text
    token = re.search(r'action="/logout".*?name="_csrf_token" value="([^"]+)"', r.text, re.S).group(1)
    r = await client.post("/logout", data={"_csrf_token": token})
    assert r.status_code in (302, 303)  # and logging out works from there
    assert (await client.get("/")).status_code in (302, 303, 401)


async def test_json_errors_under_api(make_dealer, client_as, anon):
    r = await anon.get("/api/unknown")
    assert r.status_code == 404
    assert r.json()["status"] == 404 and r.json()["error"] == "Page not found"


async def test_bad_path_parameter_is_a_4xx(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    client = await client_as(dealer, "manager")
    for path in ("/notes/abc", "/notes/99999999999999999999999", "/admin/dealers/x/users",
                 "/admin/dealers/99999999999999999999999/modules", "/notes/-1"):
        r = await client.get(path)
        assert 400 <= r.status_code < 500, path


async def test_language_from_browser_then_switch(make_dealer, client_as, anon):
    r = await anon.get("/login", headers={"accept-language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert 'lang="ru"' in r.text
    dealer = await make_dealer(modules=["notes"])
    client = await client_as(dealer, "manager")
    switched = await client.post("/lang", data={"lang": "ru", "next": "/notes/"})
    assert switched.status_code == 302 and switched.headers["location"] == "/notes/"
    page = await client.get("/notes/")
    assert 'lang="ru"' in page.text and "Заметки" in page.text  # the plugin's own catalogue
    evil = await client.post("/lang", data={"lang": "xx", "next": "https://evil.example/"})
    assert evil.headers["location"] == "/"


async def test_htmx_request_gets_a_fragment(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    client = await client_as(dealer, "manager")
    full = await client.get("/notes/")
    fragment = await client.get("/notes/", headers={"hx-request": "true"})
    assert "<html" in full.text and "<html" not in fragment.text
    assert "<h1>Notes</h1>" in fragment.text


async def test_vendored_htmx_and_css_are_served(anon):
    js = await anon.get("/static/vendor/htmx/htmx.min.js")
    assert js.status_code == 200 and "htmx" in js.text[:2000]
    css = await anon.get("/static/css/forecourt.css")
    assert css.status_code == 200 and ".badge" in css.text


async def test_login_redirect_target_is_local_only(make_dealer, anon):
    dealer = await make_dealer(modules=[])
    user = dealer.users["manager"]
    await anon.get("/login")
    r = await anon.post("/login", data={"identifier": user.login, "password": user.password,
                                        "next": "//evil.example/x"})
    assert r.status_code == 302 and r.headers["location"] == "/"


async def test_a_bug_gives_a_friendly_500_without_details(make_dealer, client_as):
    dealer = await make_dealer(modules=["extra"])
    client = await client_as(dealer, "manager")
    r = await client.get("/extra/boom")
    assert r.status_code == 500
    assert "Something went wrong on our side" in r.text
    assert "a bug in a plugin view" not in r.text and "Traceback" not in r.text


def _nav(html: str) -> list[tuple[str, str]]:
    """The main menu's entries (address, label)."""
    found = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', found.group(0)) if found else []


async def test_error_pages_have_the_users_menu_language_and_switch(make_dealer, client_as):
    """A 404 is a page like any other: the plugins' menu, the language switch, the user's own language."""
    from core.tables import User

    dealer = await make_dealer(modules=["notes", "deals"])
    manager = dealer.users["manager"]
    await User.update({User.language: "cs"}).where(User.id == manager.id)
    client = await client_as(dealer, "manager")
    normal = _nav((await client.get("/")).text)
    assert ("/notes/", "Poznámky") in normal and ("/deals/", "Obchody") in normal
    # a row that does not exist (a route matched) and an address no route knows
    for path in ("/notes/99999", "/deals/99999", "/no/such/page"):
        r = await client.get(path, headers={"referer": f"{client.base_url}/notes/"})
        assert r.status_code == 404, path
        assert '<html lang="cs">' in r.text and "Stránka nenalezena" in r.text, path
        assert _nav(r.text) == normal, path  # the same menu as on a normal page
        for code, name in (("en", "English"), ("ru", "Русский"), ("zh", "中文")):
            assert f'<option value="{code}" lang="{code}">{name}</option>' in r.text, path
        assert '<option value="cs" lang="cs" selected>Čeština</option>' in r.text, path
        assert 'href="/notes/">Zpět' in r.text, path  # back where the user came from
        # the switch works from the error page and comes back to it
        token = re.search(r'action="/lang".*?name="_csrf_token" value="([^"]*)"', r.text, re.S).group(1)
        switched = await client.post("/lang", data={"_csrf_token": token, "lang": "en", "next": path})
        assert switched.status_code == 302 and switched.headers["location"] == path, path
        english = await client.get(path)
        assert '<html lang="en">' in english.text and "Page not found" in english.text, path
        assert [href for href, _label in _nav(english.text)] == [href for href, _label in normal], path
        await client.post("/lang", data={"_csrf_token": token, "lang": "cs", "next": "/"})
    # a 403 keeps the menu too
    storekeeper = await client_as(dealer, "storekeeper")
    r = await storekeeper.get(f"/admin/dealers/{dealer.id}/users")
    assert r.status_code == 403 and ("/notes/", "Notes") in _nav(r.text)
    # a missing static file or favicon is nobody's page: no menu asked for
    for path in ("/static/no-such.css", "/static/favicon-missing.ico"):
        r = await client.get(path)
        assert r.status_code == 404 and _nav(r.text) == [], path


async def test_unknown_address_for_a_visitor_has_no_menu_but_a_switch(forecourt_server):
    import httpx

    async with httpx.AsyncClient(base_url=forecourt_server) as first_visit:  # no cookie at all yet
        r = await first_visit.get("/no/such/page", headers={"accept-language": "ru"})
        assert r.status_code == 404 and '<html lang="ru">' in r.text and "<nav" not in r.text
        assert '<option value="ru" lang="ru" selected>Русский</option>' in r.text
        token = re.search(r'action="/lang".*?name="_csrf_token" value="([^"]*)"', r.text, re.S).group(1)
        switched = await first_visit.post("/lang", data={"_csrf_token": token, "lang": "cs", "next": "/no/such/page"})
        assert switched.status_code == 302 and switched.headers["location"] == "/no/such/page"
        assert '<html lang="cs">' in (await first_visit.get("/no/such/page")).text


async def test_error_page_for_htmx_is_a_fragment(make_dealer, client_as):
    dealer = await make_dealer(modules=["notes"])
    client = await client_as(dealer, "manager")
    r = await client.get("/notes/99999", headers={"hx-request": "true"})
    assert r.status_code == 404 and "<html" not in r.text and "Page not found" in r.text
    boosted = await client.get("/notes/99999", headers={"hx-request": "true", "hx-boosted": "true"})
    assert "<html" in boosted.text and ("/notes/", "Notes") in _nav(boosted.text)


async def test_a_refused_form_keeps_what_was_typed_and_leads_back(make_dealer, client_as):
    """A refusal nobody caught (here: someone else's comment) still gives back the text and the way back."""
    from test_machine import new_deal

    dealer = await make_dealer(modules=["deals"])
    author = await client_as(dealer, "manager")
    deal_id = await new_deal(author)
    await author.post(f"/timeline/deals.deal/{deal_id}/comments", data={"text": "Wants a red one"})
    comment_id = int(re.search(r"/comments/(\d+)", (await author.get(f"/deals/{deal_id}")).text).group(1))
    other = await client_as(dealer, "storekeeper")
    r = await other.post(f"/timeline/deals.deal/{deal_id}/comments/{comment_id}",
                         data={"text": "Red or dark blue, with a tow bar", "next": f"/deals/{deal_id}"})
    assert r.status_code == 403 and "Only the author" in r.text
    assert ">Red or dark blue, with a tow bar</textarea>" in r.text
    assert f'href="/deals/{deal_id}">Back to where you were</a>' in r.text
    assert ("/deals/", "Deals") in _nav(r.text)
    # hidden fields, numbers and option codes are not "typed text"
    r = await other.post(f"/timeline/deals.deal/{deal_id}/comments/{comment_id}",
                         data={"text": "ok", "_state": "new", "priority": "2", "next": f"/deals/{deal_id}"})
    assert r.status_code == 403 and "<textarea" not in r.text


async def test_pages_say_their_charset_once_and_no_route_schema_is_served(make_dealer, client_as, anon):
    dealer = await make_dealer(modules=["leads"])
    manager = await client_as(dealer, "manager")
    for client, path in ((anon, "/login"), (anon, "/nowhere"), (manager, "/"), (manager, "/leads/99999")):
        r = await client.get(path)
        assert r.headers["content-type"] == "text/html; charset=utf-8", (path, r.headers["content-type"])
    for path in ("/schema", "/schema/openapi.json", "/schema/swagger"):
        assert (await manager.get(path)).status_code == 404  # the staff UI's routes are not published


async def test_a_flash_waits_through_htmx_fragments_for_the_next_page(make_dealer, client_as):
    from tests.test_customers import create

    client = await client_as(await make_dealer(modules=["customers"]), "manager")
    customer_id = await create(client)  # flashes "Customer #1 saved." for the card it redirects to
    saved = "Customer #1 saved."
    assert "fc_flash" in client.cookies
    fragment = await client.get("/customers/", headers={"hx-request": "true"})
    assert fragment.status_code == 200 and saved not in fragment.text
    assert "fc_flash" in client.cookies  # a fragment has no flash area: the message waits for the next page
    assert saved in (await client.get(f"/customers/{customer_id}")).text
    assert saved not in (await client.get(f"/customers/{customer_id}")).text  # shown once
