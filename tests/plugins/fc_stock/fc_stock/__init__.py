"""A stand-in stock module (until the orders plugin owns stock): declares and fires ``on_stock_changed``."""

from fc_stock import hooks, hookspecs
from forecourt import Manifest

PLUGIN = Manifest(name="stock", title="Stock (test)", version="1.0.0", core=">=0.1,<1", hooks=hooks,
                  hookspecs=hookspecs, description="Fires on_stock_changed when a vehicle arrives (test plugin).")
