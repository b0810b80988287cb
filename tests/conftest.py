"""Fixtures come from ``forecourt.testing`` (the same ones partners get)."""

import os
import re

import pytest

# New dealers get these switched on (extra is not default_enabled, so it stays off).
os.environ.setdefault("FORECOURT_DEFAULT_MODULES", "notes,extra")


def csrf_field(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture
def notes_dealer(make_dealer):
    """A dealer with the notes test plugin (and the defaults) enabled."""

    async def make(**kwargs):
        return await make_dealer(modules=["notes"], **kwargs)

    return make
