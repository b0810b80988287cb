"""Response headers: compression, versioned and cached static files, no cookies on them, no-store."""

import re

import httpx


async def test_static_files_are_gzipped_when_asked_and_pages_never(make_dealer, client_as):
    """Pages carry the CSRF token beside reflected input: compressed, their sizes would leak it (BREACH)."""
    dealer = await make_dealer(modules=["customers"])
    client = await client_as(dealer, "manager")
    for path in ("/customers/?q=reflected", "/login"):
        r = await client.get(path, headers={"accept-encoding": "gzip"})
        assert r.status_code == 200 and "content-encoding" not in r.headers, path
    for path in ("/static/vendor/htmx/htmx.min.js", "/static/css/forecourt.css"):
        r = await client.get(path, headers={"accept-encoding": "gzip"})
        assert r.status_code == 200, path
        assert r.headers["content-encoding"] == "gzip", path
        assert "accept-encoding" in r.headers.get("vary", "").lower(), path
        assert int(r.headers["content-length"]) < len(r.content), path  # httpx decoded it
    plain = await client.get("/static/css/forecourt.css", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers


async def test_one_charset_on_html(anon):
    r = await anon.get("/login", headers={"accept-encoding": "gzip"})
    assert r.headers["content-type"] == "text/html; charset=utf-8"


async def test_static_urls_are_versioned_and_cached_for_a_year(anon):
    page = await anon.get("/login")
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert any(u.startswith("/static/css/forecourt.css?v=") for u in urls), urls
    assert any(u.startswith("/static/vendor/htmx/htmx.min.js?v=") for u in urls), urls
    for url in urls:
        r = await anon.get(url.replace("&amp;", "&"))
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable", url
    # an unversioned or outdated URL is revalidated, and a conditional request gets a 304
    for url in ("/static/css/forecourt.css", "/static/css/forecourt.css?v=000000000000"):
        r = await anon.get(url)
        assert r.headers["cache-control"] == "public, no-cache", url
        again = await anon.get(url, headers={"if-none-match": r.headers["etag"]})
        assert again.status_code == 304 and again.content == b"", url
        assert again.headers["etag"] == r.headers["etag"]


async def test_static_answers_carry_no_cookie(forecourt_server):
    async with httpx.AsyncClient(base_url=forecourt_server) as first_visit:  # no cookie at all
        for path in ("/static/css/forecourt.css", "/static/vendor/htmx/htmx.min.js", "/favicon.ico",
                     "/static/no-such.css"):
            r = await first_visit.get(path)
            assert "set-cookie" not in r.headers, path
        assert "fc_csrf" in (await first_visit.get("/login")).headers.get("set-cookie", "")


async def test_favicon_is_served(anon):
    r = await anon.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon"
    assert r.content[:4] == b"\x00\x00\x01\x00" and "max-age" in r.headers["cache-control"]


async def test_logged_in_answers_are_not_stored(make_dealer, client_as, anon):
    dealer = await make_dealer(modules=["customers"])
    client = await client_as(dealer, "manager")
    for path in ("/", "/customers/", "/account/password", "/no/such/page"):
        r = await client.get(path)
        assert r.headers.get("cache-control") == "private, no-store", path
    fragment = await client.get("/customers/", headers={"hx-request": "true"})
    assert fragment.headers.get("cache-control") == "private, no-store"
    # static files stay cacheable for a logged-in user; the public login page is not per-user
    assert "immutable" not in (await client.get("/static/css/forecourt.css")).headers["cache-control"]
    assert "no-store" not in (await anon.get("/login")).headers.get("cache-control", "")


def test_a_static_url_follows_its_file_within_the_recheck_time(forecourt_registry, tmp_path, monkeypatch):
    """The URL is reused for RECHECK seconds (a page links several), then a changed file gets a new one."""
    import os

    from core.web import static

    (tmp_path / "app.css").write_text("body { color: black }")
    first = static.static_url(tmp_path, "app.css")
    assert first.startswith("/static/app.css?v=")
    (tmp_path / "app.css").write_text("body { color: navy }")
    os.utime(tmp_path / "app.css", (1, 1))  # another mtime, whatever the file system's resolution
    assert static.static_url(tmp_path, "app.css") == first  # within the window: the URL kept
    monkeypatch.setattr(static, "RECHECK", 0.0)
    changed = static.static_url(tmp_path, "app.css")
    assert changed.startswith("/static/app.css?v=") and changed != first
    assert static.static_url(tmp_path, "missing.css") == "/static/missing.css"
