"""The workflow engine: status machines, their inputs and reason lists, history, comments, the timeline.

The modules depend on one another in one direction only::

    timeline -> comments -> history
    timeline -> machine
    engine   -> machine, inputs, reasons, comments, history
    inputs   -> machine
    merging  -> (the tables only: re-filing history and comments on a merge)

Entities (:mod:`core.entities`) stand above the package: the entity service
writes history through it, and a machine names an entity, whose declaration
it reads from the booted runtime (nothing here imports :mod:`core.entities`,
so the two depend one way only). History, comments and the timeline work for
any declared entity, with or without a machine. Plugins use the engine
through ``forecourt``.
"""
