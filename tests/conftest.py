"""Fixtures come from ``forecourt.testing`` (the same ones partners get)."""

import re

import pytest


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
