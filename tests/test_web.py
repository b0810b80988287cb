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
