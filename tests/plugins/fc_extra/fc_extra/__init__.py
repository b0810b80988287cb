"""A test plugin that requires notes and misbehaves on purpose.

Its ``on_entity_created`` raises and its ``on_plugin_enabled`` hangs: the
core must keep the write, record the failure and go on. Of its ``report_metrics``
one fails when computed and two are malformed. It records every entity hook
it hears (``hooks.HEARD``), so a test can see that each write path fires them.
"""

from fc_extra import hooks
from forecourt import Manifest

PLUGIN = Manifest(
    name="extra",
    title="Extra",
    version="0.3.0",
    core=">=0.1",
    requires=("notes",),
    hooks=hooks,
    piccolo_app="fc_extra.piccolo_app",
    description="Badges on notes (test plugin).",
    default_enabled=False,
)
