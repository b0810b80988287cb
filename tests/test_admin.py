"""Platform admin (dealers) and dealer admin (users) pages."""

import re

from core.tables import Dealer, User


async def test_platform_admin_creates_a_dealer_with_default_modules(login, platform_admin):
    client = await login(platform_admin)
    page = await client.get("/admin/dealers")
    assert page.status_code == 200 and "Add a dealer" in page.text
    r = await client.post("/admin/dealers", data={"name": "Auto Brno", "slug": "",
                                                  "city": "Brno", "language": "cs"})
    assert r.status_code == 422
    assert 'value="Auto Brno"' in r.text and "lower-case letters" in r.text
    slug = f"brno-{platform_admin.id}"
    r = await client.post("/admin/dealers", data={"name": "Auto Brno", "slug": slug,
                                                  "city": "Brno", "language": "cs"})
    assert r.status_code == 302
    dealer = await Dealer.objects().get(Dealer.slug == slug)
    assert dealer.city == "Brno"
    assert dealer.modules == "notes"  # the default set: extra is not enabled by default
    again = await client.post("/admin/dealers", data={"name": "Again", "slug": slug})
    assert again.status_code == 422 and "already exists" in again.text


async def test_managers_and_dealer_admins_cannot_manage_dealers(make_dealer, client_as):
    dealer = await make_dealer(modules=[])
    for role in ("manager", "dealer_admin"):
        client = await client_as(dealer, role)
        assert (await client.get("/admin/dealers")).status_code == 403
        assert (await client.post("/admin/dealers", data={"name": "x", "slug": "xx"})).status_code == 403


async def test_dealer_admin_adds_a_user_who_must_change_password(make_dealer, client_as, login):
    dealer = await make_dealer(modules=[])
    admin = await client_as(dealer, "dealer_admin")
    bad = await admin.post(f"/admin/dealers/{dealer.id}/users",
                           data={"login": "a b", "full_name": "Jana Nová", "email": "nope",
                                 "role": "manager"})
    assert bad.status_code == 422
    assert 'value="Jana Nová"' in bad.text and "valid e-mail" in bad.text
    login_name = f"jana-{dealer.id}"
    r = await admin.post(f"/admin/dealers/{dealer.id}/users",
                         data={"login": login_name, "full_name": "Jana Nová",
                               "email": f"{login_name}@example.test", "role": "manager"})
    assert r.status_code == 201
    temp = re.search(r'class="temp-password">([^<]+)<', r.text).group(1)
    user = await User.objects().get(User.login == login_name)
    assert user.dealer_id == dealer.id and user.must_change_password
    assert user.password_hash.startswith("$argon2id$")
    from forecourt.testing import TestUser

    client = await login(TestUser(user.id, login_name, temp, "manager"))
    assert (await client.get("/")).headers["location"] == "/account/password"


async def test_dealer_admin_cannot_create_platform_admins_or_touch_other_dealers(
    make_dealer, client_as
):
    dealer = await make_dealer(modules=[])
    other = await make_dealer(modules=[])
    admin = await client_as(dealer, "dealer_admin")
    r = await admin.post(f"/admin/dealers/{dealer.id}/users",
                         data={"login": f"evil-{dealer.id}", "role": "platform_admin"})
    assert r.status_code == 422
    assert not await User.exists().where(User.login == f"evil-{dealer.id}")
    target = other.users["manager"]
    r = await admin.post(f"/admin/dealers/{other.id}/users/{target.id}/reset-password")
    assert r.status_code == 404
    r = await admin.post(f"/admin/dealers/{dealer.id}/users/{target.id}/reset-password")
    assert r.status_code == 404


async def test_deactivated_user_is_logged_out_and_cannot_log_in(make_dealer, client_as, login):
    dealer = await make_dealer(modules=[])
    admin = await client_as(dealer, "dealer_admin")
    manager = await client_as(dealer, "manager")
    target = dealer.users["manager"]
    r = await admin.post(f"/admin/dealers/{dealer.id}/users/{target.id}/active")
    assert r.status_code == 302
    assert (await manager.get("/")).status_code == 302
    again = await login(target, expect_ok=False)
    assert "fc_session" not in again.cookies
    own = await admin.post(f"/admin/dealers/{dealer.id}/users/{dealer.users['dealer_admin'].id}/active")
    assert own.status_code == 409


async def test_a_platform_admin_is_never_one_of_a_dealers_staff(make_dealer, client_as, login):
    """A dealer admin could otherwise reset a platform admin's password and own the install."""
    import pytest

    from core import accounts
    from core.errors import ValidationFailed
    from forecourt.testing import TEST_PASSWORD, TestUser

    dealer = await make_dealer(modules=[])
    with pytest.raises(ValidationFailed) as refused:
        await accounts.create_user(login=f"ops-{dealer.id}", password=TEST_PASSWORD, role="platform_admin",
                                   dealer_id=dealer.id)
    assert "dealer" in refused.value.errors
    # a row from before the rule (written directly): the dealer's admin neither sees nor touches it
    ops = await accounts.create_user(login=f"ops2-{dealer.id}", password=TEST_PASSWORD, role="platform_admin",
                                     dealer_id=None,
                                     must_change_password=False)
    await User.update({User.dealer_id: dealer.id}).where(User.id == ops.id)
    admin = await client_as(dealer, "dealer_admin")
    assert f"ops2-{dealer.id}" not in (await admin.get(f"/admin/dealers/{dealer.id}/users")).text
    for action in ("reset-password", "active"):
        r = await admin.post(f"/admin/dealers/{dealer.id}/users/{ops.id}/{action}")
        assert r.status_code == 404, action
    assert (await User.select(User.active).where(User.id == ops.id).first())["active"]
    assert (await login(TestUser(ops.id, ops.login, TEST_PASSWORD, "platform_admin"))).cookies.get("fc_session")
