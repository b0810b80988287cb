"""A stand-in for the orders plugin's stock (until that plugin lands): declares and fires ``orders_stock_changed``.

It is installed under the name ``orders`` because a plugin's hooks carry its
name; the real orders plugin replaces it (the two are never installed together).
"""

from fc_stock import hooks, hookspecs
from forecourt import Manifest

PLUGIN = Manifest(name="orders", title="Stock (test)", version="1.0.0", core=">=0.1,<1", hooks=hooks,
                  hookspecs=hookspecs,
                  description="Fires orders_stock_changed when a vehicle arrives (test plugin).")
