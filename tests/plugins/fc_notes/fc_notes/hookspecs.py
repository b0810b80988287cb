"""The notes plugin's own hookspec, for plugins that build on notes."""

from forecourt import HookKind, HookScope, hookspec


@hookspec(HookKind.CONTRIBUTION, HookScope.DEALER)
def notes_badges(ctx, note: dict) -> list[str]:
    """Return short badge texts shown beside a note on the notes list.

    Called for every note rendered; only plugins the dealer has enabled are asked.

    :param ctx: the viewer's context.
    :param note: the note's row as a dict.
    """
