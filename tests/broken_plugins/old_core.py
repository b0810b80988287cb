from forecourt import Manifest

PLUGIN = Manifest(name="old_core", title="Old core", version="1.0", core=">=7,<8")
