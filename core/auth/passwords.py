"""Argon2id password hashing (memory-hard), with rehash on parameter change.

``FORECOURT_ARGON2_PROFILE=test`` selects argon2's cheapest profile: still
argon2id, only fast enough for a test suite that creates many users.
"""

from __future__ import annotations

import os

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from core.i18n import _

MIN_LENGTH = 8

_hasher = (
    PasswordHasher.from_parameters(profiles.CHEAPEST)
    if os.environ.get("FORECOURT_ARGON2_PROFILE") == "test"
    else PasswordHasher()
)
#: verified against when the login is unknown, so timing does not tell
_DUMMY = _hasher.hash("forecourt-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def password_problem(password: str, login: str = "") -> str | None:
    """A message explaining why ``password`` is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return _("The password must be at least %(n)d characters long.") % {"n": MIN_LENGTH}
    if login and password.lower() == login.lower():
        return _("The password must not be the same as the login.")
    if password.isdigit() or password.isalpha():
        return _("Use both letters and digits or symbols in the password.")
    return None
