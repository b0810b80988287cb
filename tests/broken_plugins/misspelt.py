from forecourt import Manifest, hookimpl


class Hooks:
    @hookimpl
    def on_entity_creatd(self, ctx, entity):  # misspelt on purpose
        pass


PLUGIN = Manifest(name="misspelt", title="Misspelt", version="1.0", core=">=0.1", hooks=Hooks())
