from forecourt import Manifest

PLUGIN = Manifest(name="badtable", title="Bad table", version="1.0", core=">=0.1",
                  piccolo_app="broken_plugins.bad_table_app")
