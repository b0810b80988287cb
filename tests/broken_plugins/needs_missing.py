from forecourt import Manifest

PLUGIN = Manifest(name="needs_missing", title="Needs missing", version="1.0", core=">=0.1",
                  requires=("warpdrive",))
