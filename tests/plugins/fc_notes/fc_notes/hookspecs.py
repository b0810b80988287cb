"""The notes plugin's own hookspec, for plugins that build on notes."""

from forecourt import hookspec


@hookspec
def notes_badges(note: dict) -> list[str]:
    """Return short badge texts shown beside a note on the notes list.

    Called for every note rendered, in the viewer's dealer; only plugins the
    dealer has enabled are asked.
    """
