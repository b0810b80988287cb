"""Login, sessions, forced password change, reset and throttling."""

import re

import httpx

from forecourt.testing import TEST_PASSWORD, Client


async def test_login_by_login_and_by_email(make_dealer, login, forecourt_server):
    dealer = await make_dealer(modules=[])
    user = dealer.users["manager"]
    client = await login(user)
    home = await client.get("/")
    assert home.status_code == 200
    assert dealer.name in home.text
    by_email = Client(base_url=forecourt_server, follow_redirects=False)
    await by_email.get("/login")
    r = await by_email.post("/login", data={"identifier": f"{user.login}@EXAMPLE.test".upper(),
                                            "password": user.password})
    assert r.status_code == 302 and r.headers["location"] == "/"
    await by_email.aclose()


async def test_a_malformed_foreign_cookie_does_not_log_the_user_out(make_dealer, login, forecourt_server):
    dealer = await make_dealer(modules=[])
    client = await login(dealer.users["manager"])
    session = client.cookies.get("fc_session")
    header = f'tracker="unclosed; other app={{"a": 1}}; fc_session={session}; lang=ru'
    async with httpx.AsyncClient(base_url=forecourt_server) as raw:
        home = await raw.get("/", headers={"cookie": header})
    assert home.status_code == 200 and dealer.name in home.text and 'lang="ru"' in home.text


async def test_wrong_password_is_refused_and_keeps_login(make_dealer, anon):
    dealer = await make_dealer(modules=[])
    await anon.get("/login")
    r = await anon.post("/login", data={"identifier": dealer.users["manager"].login,
                                        "password": "wrong-one-1"})
    assert r.status_code == 401
    assert "not correct" in r.text
    assert dealer.users["manager"].login in r.text  # the form keeps the input
    assert "fc_session" not in anon.cookies


async def test_unknown_page_requires_login(anon):
    r = await anon.get("/admin/dealers")
    assert r.status_code == 302
    assert r.headers["location"].startswith("/login?next=/admin/dealers")
    api = await anon.get("/api/anything")
    assert api.status_code in (401, 404)


async def test_session_id_rotates_at_login(make_dealer, forecourt_server):
    dealer = await make_dealer(modules=[])
    user = dealer.users["manager"]
    async with Client(base_url=forecourt_server, follow_redirects=False) as client:
        await client.get("/login")
        planted = "planted-session-token-0123456789"
        client.cookies.set("fc_session", planted)
        r = await client.post("/login", data={"identifier": user.login, "password": user.password})
        assert r.status_code == 302
        issued = [c.value for c in client.cookies.jar if c.name == "fc_session"]
        assert any(v != planted for v in issued), "login must issue a new session id"
    # the planted value does not open a session
    async with Client(base_url=forecourt_server, follow_redirects=False) as attacker:
        attacker.cookies.set("fc_session", planted)
        assert (await attacker.get("/")).status_code == 302


async def test_first_login_forces_password_change(make_dealer, login):
    dealer = await make_dealer(modules=[], must_change_password=True)
    user = dealer.users["manager"]
    client = await login(user)
    r = await client.get("/")
    assert r.status_code == 302 and r.headers["location"] == "/account/password"
    page = await client.get("/account/password")
    assert "choose your own password" in page.text
    bad = await client.post("/account/password",
                            data={"current": user.password, "new": "short", "confirm": "short"})
    assert bad.status_code == 422
    assert "at least 8" in bad.text
    ok = await client.post("/account/password", data={
        "current": user.password, "new": "brand-new-77", "confirm": "brand-new-77"})
    assert ok.status_code == 302
    assert (await client.get("/")).status_code == 200


async def test_dealer_admin_resets_password(make_dealer, client_as, login, forecourt_server):
    dealer = await make_dealer(modules=[])
    admin = await client_as(dealer, "dealer_admin")
    manager = await client_as(dealer, "manager")
    target = dealer.users["manager"]
    r = await admin.post(f"/admin/dealers/{dealer.id}/users/{target.id}/reset-password")
    assert r.status_code == 200
    import re

    temp = re.search(r'class="temp-password">([^<]+)<', r.text).group(1)
    # the old session ended, the old password no longer works
    assert (await manager.get("/")).status_code == 302
    old = await login(target, expect_ok=False)
    assert "fc_session" not in old.cookies
    target.password = temp
    fresh = await login(target)
    assert (await fresh.get("/")).headers["location"] == "/account/password"


async def test_failed_logins_are_throttled(make_dealer, anon):
    dealer = await make_dealer(modules=[])
    user = dealer.users["manager"]
    await anon.get("/login")
    for _ in range(5):
        r = await anon.post("/login", data={"identifier": user.login, "password": "nope-nope-1"})
        assert r.status_code == 401
    r = await anon.post("/login", data={"identifier": user.login, "password": TEST_PASSWORD})
    assert r.status_code == 429
    assert "Too many failed attempts" in r.text


async def test_password_reset_lifts_the_lockout(make_dealer, anon, client_as):
    dealer = await make_dealer(modules=[])
    user = dealer.users["manager"]
    await anon.get("/login")
    for _ in range(5):
        await anon.post("/login", data={"identifier": user.login, "password": "nope-nope-1"})
    assert (await anon.post("/login", data={"identifier": user.login, "password": "x"})).status_code == 429
    admin = await client_as(dealer, "dealer_admin")
    r = await admin.post(f"/admin/dealers/{dealer.id}/users/{user.id}/reset-password")
    temporary = re.search(r'<code[^>]*>([^<]+)</code>', r.text).group(1)
    r = await anon.post("/login", data={"identifier": user.login, "password": temporary})
    assert r.status_code == 302 and r.headers["location"].startswith("/account/password")


async def test_logout_ends_session(make_dealer, login):
    dealer = await make_dealer(modules=[])
    client = await login(dealer.users["manager"])
    token = client.cookies.get("fc_session")
    r = await client.post("/logout")
    assert r.status_code == 302
    async with httpx.AsyncClient(base_url=str(client.base_url)) as other:
        other.cookies.set("fc_session", token)
        assert (await other.get("/", follow_redirects=False)).status_code == 302


async def test_post_without_csrf_token_is_refused(make_dealer, login):
    dealer = await make_dealer(modules=[])
    client = await login(dealer.users["dealer_admin"])
    r = await client.post(f"/admin/dealers/{dealer.id}/users", data={"login": "x"},
                          headers={"x-csrftoken": "forged"})
    assert r.status_code == 403
    assert "form expired" in r.text


async def test_cookies_are_https_only_when_the_install_says_so(make_dealer, server_with):
    dealer = await make_dealer(modules=[])
    user = dealer.users["manager"]
    with server_with({"FORECOURT_SECURE_COOKIES": "1"}) as url:
        async with httpx.AsyncClient(base_url=url) as raw:
            form = await raw.get("/login")
            csrf = form.cookies.get("fc_csrf") or re.search(r"fc_csrf=([^;]+)", form.headers["set-cookie"]).group(1)
            assert "secure" in form.headers["set-cookie"].lower()
            r = await raw.post("/login", data={"identifier": user.login, "password": user.password},
                               headers={"x-csrftoken": csrf, "cookie": f"fc_csrf={csrf}"})
        assert r.status_code == 302
        session = next(c for c in r.headers.get_list("set-cookie") if c.startswith("fc_session="))
        assert "secure" in session.lower() and "httponly" in session.lower()


async def test_parallel_guesses_cannot_outrun_the_lock(make_dealer, forecourt_server):
    """30 guesses at once, the right password last: 5 are checked, the rest (the right one too) refused."""
    import asyncio

    dealer = await make_dealer(modules=[])
    user = dealer.users["manager"]
    async with Client(base_url=forecourt_server, follow_redirects=False, timeout=60) as client:
        await client.get("/login")
        passwords = ["nope-nope-1"] * 29 + [TEST_PASSWORD]
        answers = await asyncio.gather(*(client.post("/login", data={"identifier": user.login, "password": p})
                                         for p in passwords))
    codes = [a.status_code for a in answers]
    assert codes.count(401) == 5 and codes.count(429) == 25, codes
    assert codes[-1] == 429 and not any(a.cookies.get("fc_session") for a in answers)


async def test_the_login_and_the_email_share_one_budget_of_attempts(make_dealer, anon):
    dealer = await make_dealer(modules=[])
    user = dealer.users["manager"]
    await anon.get("/login")
    for identifier in (user.login, f"{user.login}@example.test") * 3:  # 6 wrong guesses, by either name
        await anon.post("/login", data={"identifier": identifier, "password": "nope-nope-1"})
    r = await anon.post("/login", data={"identifier": f"{user.login}@example.test", "password": TEST_PASSWORD})
    assert r.status_code == 429
