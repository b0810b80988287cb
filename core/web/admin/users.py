"""A dealer's users: list, create, reset password, deactivate."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from core import accounts
from core.auth import sessions, throttle
from core.db import valid_id
from core.errors import ValidationFailed
from core.i18n import LANGUAGE_NAMES, _
from core.i18n import lazy_gettext as _l
from core.settings import LANGUAGES
from core.tables import User
from core.web.admin.access import dealer_for_admin
from core.web.forms import form
from core.web.render import flash, page

ROLE_LABELS = {
    "manager": _l("Sales manager"),
    "storekeeper": _l("Storekeeper"),
    "dealer_admin": _l("Dealer administrator"),
}


async def _users_page(request: Request, dealer, *, values=None, errors=None, created=None,
                      status: int = 200) -> Response:
    users = await User.select(
        User.id, User.login, User.full_name, User.email, User.role, User.active,
        User.must_change_password, User.last_login_at,
    ).where((User.dealer_id == dealer.id) & (User.role != "platform_admin")).order_by(User.login)
    return await page(request, "core/admin/users.html", {
        "dealer": dealer, "users": users, "roles": ROLE_LABELS, "languages_offered": LANGUAGE_NAMES,
        # a new colleague usually speaks the dealer's language: preselected, changeable
        "values": values or {"language": dealer.language}, "errors": errors or {}, "created": created,
    }, status_code=status)


@get("/admin/dealers/{dealer_id:int}/users")
async def users(request: Request, dealer_id: FromPath[int]) -> Response:
    dealer = await dealer_for_admin(request.state.ctx, dealer_id, "core.users")
    return await _users_page(request, dealer)


@post("/admin/dealers/{dealer_id:int}/users")
async def create_user(request: Request, dealer_id: FromPath[int]) -> Response:
    dealer = await dealer_for_admin(request.state.ctx, dealer_id, "core.users")
    data = await form(request)
    role = data.get("role", "")
    language = data.get("language") or dealer.language
    errors = {}
    if role not in ROLE_LABELS:
        errors["role"] = _("Choose a role.")
    if language not in LANGUAGES:
        errors["language"] = _("Choose a language.")
    if errors:
        return await _users_page(request, dealer, values=data, errors=errors, status=422)
    password = accounts.temporary_password()
    try:
        user = await accounts.create_user(
            login=data.get("login", ""), password=password, role=role, dealer_id=dealer.id,
            full_name=data.get("full_name", ""), email=data.get("email") or None, language=language,
        )
    except ValidationFailed as exc:
        return await _users_page(request, dealer, values=data, errors=exc.errors, status=422)
    return await _users_page(request, dealer, created={"login": user.login, "password": password},
                             status=201)


async def _user_of(dealer_id: int, user_id: int) -> User:
    """One of the dealer's staff. Never a platform admin (an old row may tie one to a dealer):
    a password reset by the dealer's administrator would hand them the whole install."""
    if not valid_id(user_id):
        raise NotFoundException()
    user = await User.objects().where((User.id == user_id) & (User.dealer_id == dealer_id)
                                      & (User.role != "platform_admin")).first()
    if user is None:
        raise NotFoundException()
    return user


@post("/admin/dealers/{dealer_id:int}/users/{user_id:int}/reset-password")
async def reset_password(request: Request, dealer_id: FromPath[int],
                         user_id: FromPath[int]) -> Response:
    dealer = await dealer_for_admin(request.state.ctx, dealer_id, "core.users")
    user = await _user_of(dealer.id, user_id)
    password = accounts.temporary_password()
    await accounts.set_password(user.id, password, must_change=True)
    await sessions.end_all_for_user(user.id)
    # A user locked out by failed attempts is why a reset is asked for: the new
    # temporary password must work at once.
    for identifier in filter(None, (user.login, user.email)):
        await throttle.clear(identifier)
    return await _users_page(request, dealer, created={"login": user.login, "password": password,
                                                       "reset": True})


@post("/admin/dealers/{dealer_id:int}/users/{user_id:int}/active")
async def toggle_active(request: Request, dealer_id: FromPath[int],
                        user_id: FromPath[int]) -> Response:
    ctx = request.state.ctx
    dealer = await dealer_for_admin(ctx, dealer_id, "core.users")
    user = await _user_of(dealer.id, user_id)
    if user.id == ctx.user_id:
        return await _users_page(request, dealer, status=409,
                                 errors={"_": _("You cannot deactivate yourself.")})
    active = not user.active
    await User.update({User.active: active}).where(User.id == user.id)
    if not active:
        await sessions.end_all_for_user(user.id)
    message = _("%(login)s can log in again.") if active else _("%(login)s can no longer log in.")
    return flash(Redirect(f"/admin/dealers/{dealer.id}/users"), message % {"login": user.login})


ROUTES = [users, create_user, reset_password, toggle_active]
