"""Plugins whose start-up contributions are wrong: caught when the app is built."""

from forecourt import Manifest, Permission, hookimpl


class ForeignPermission:
    @hookimpl
    def register_permissions(self):
        return [Permission("notes.delete_all", "Delete every note", ("manager",))]  # not its own prefix


class AsyncRoutes:
    @hookimpl
    async def register_routes(self):  # start-up hooks must be plain def
        return []


class RaisingRoutes:
    @hookimpl
    def register_routes(self):
        raise RuntimeError("route table not ready")


FOREIGN = Manifest(name="foreign", title="Foreign", version="1.0", core=">=0.1", hooks=ForeignPermission())
ASYNC = Manifest(name="asyncroutes", title="Async routes", version="1.0", core=">=0.1", hooks=AsyncRoutes())
RAISING = Manifest(name="raising", title="Raising", version="1.0", core=">=0.1", hooks=RaisingRoutes())
