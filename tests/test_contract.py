"""Every installed plugin passes the plugin contract (see forecourt.contract)."""

from importlib.metadata import entry_points

import pytest

from core.plugins import ENTRY_POINT_GROUP
from forecourt.contract import *  # noqa: F403


@pytest.fixture(params=sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)))
def contract_plugin(request):
    return request.param
