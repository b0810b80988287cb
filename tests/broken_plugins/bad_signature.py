from forecourt import Manifest, hookimpl


class Hooks:
    @hookimpl
    def nav_items(self, ctx, colour):  # asks for an argument the spec does not have
        return []


PLUGIN = Manifest(name="bad_signature", title="Bad", version="1.0", core=">=0.1", hooks=Hooks())
