"""Plugins whose start-up contributions are wrong: caught when the app is built."""

from fc_notes.tables import Note

from forecourt import Entity, Machine, Manifest, Permission, State, hookimpl


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


class ForeignEntity:
    @hookimpl
    def register_entities(self):
        return [Entity("notes.stolen", Note, "Stolen")]  # not its own prefix


class NotAnEntity:
    @hookimpl
    def register_entities(self):
        return ["badentity.thing"]


class EntityWithUnknownColumns:
    @hookimpl
    def register_entities(self):
        return [Entity("badcolumns.note", Note, "Note", search=("title", "colour"))]


class MachineWithoutEntity:
    @hookimpl
    def register_status_machines(self):
        return [Machine("noentity.flow", "Flow", "noentity.thing", states=(State("a", "A"),), transitions=())]


FOREIGN = Manifest(name="foreign", title="Foreign", version="1.0", core=">=0.1", hooks=ForeignPermission())
ASYNC = Manifest(name="asyncroutes", title="Async routes", version="1.0", core=">=0.1", hooks=AsyncRoutes())
RAISING = Manifest(name="raising", title="Raising", version="1.0", core=">=0.1", hooks=RaisingRoutes())
FOREIGN_ENTITY = Manifest(name="foreignentity", title="Foreign entity", version="1.0", core=">=0.1",
                          hooks=ForeignEntity())
NOT_AN_ENTITY = Manifest(name="badentity", title="Not an entity", version="1.0", core=">=0.1", hooks=NotAnEntity())
BAD_COLUMNS = Manifest(name="badcolumns", title="Bad columns", version="1.0", core=">=0.1",
                       hooks=EntityWithUnknownColumns())
NO_ENTITY = Manifest(name="noentity", title="No entity", version="1.0", core=">=0.1", hooks=MachineWithoutEntity())
