"""Headers and choices as people write them in files: compared folded, in any of the app's languages.

A header is recognised by its folded text (case, accents, spaces, ``_``,
``-``, dots and brackets ignored). A choice cell (a status, a source) may hold
the stored key (``walk_in``) or its label in any language the app speaks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.i18n import in_language
from core.languages import TABLE as LANGUAGES
from core.text import fold

_SEPARATORS = re.compile(r"[\s_\-.()\[\]:]+")


def header_key(text: str) -> str:
    """A header (or a choice) as compared: folded, without spaces, ``_``, ``-``, dots, brackets."""
    return _SEPARATORS.sub("", fold(text or ""))


def in_every_language(labels: Mapping[str, Any]) -> dict[str, str]:
    """Compared label (in each language) -> key, for a mapping of key -> lazy label."""
    found: dict[str, str] = {}
    for language in LANGUAGES:
        with in_language(language.code):
            for key, label in labels.items():
                found.setdefault(header_key(str(label)), key)
    return found


def choice_keys(labels: Mapping[str, Any]) -> dict[str, str]:
    """What a choice cell may say (its key or its label in any language, compared) -> the key."""
    return {header_key(k): k for k in labels} | in_every_language(labels)


def choice(cell: str, known: Mapping[str, str]) -> str:
    """A choice as written -> its key; unknown text is kept as it is (the field check refuses it)."""
    return known.get(header_key(cell), cell.strip())
