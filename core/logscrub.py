"""Secrets in request paths never reach a log: the access log and the error log rewrite them.

A customer's quick link carries its token in the path (``/quicklinks/o/<token>``);
whoever reads the server's logs must not be able to open the customer's shop.
:class:`ScrubSecrets` rewrites every such path to ``/quicklinks/o/[token]`` in
a log record's message and arguments before any handler formats it;
:func:`install` applies it to every record the process makes, once per process.
"""

from __future__ import annotations

import logging
import re

#: paths whose last segment is a secret: the prefix is kept, the secret replaced
SECRET_PATHS = (re.compile(r"(/quicklinks/o/)[^\s\"'?#]+"),)
REPLACEMENT = r"\1[token]"


def scrub(text: str) -> str:
    """``text`` with every secret path segment replaced."""
    for pattern in SECRET_PATHS:
        text = pattern.sub(REPLACEMENT, text)
    return text


class ScrubSecrets(logging.Filter):
    """A filter that rewrites secret paths in a record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: scrub(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


_FILTER = ScrubSecrets()
_installed: list[bool] = []


def install() -> None:
    """Scrub every log record of the process as it is made (idempotent).

    The record factory is wrapped rather than each logger filtered: a
    logger's filter does not see its children's records (``forecourt.web``),
    and handlers configured later (Litestar's queue handler) would miss a
    filter put on the handlers present now.
    """
    if _installed:
        return
    _installed.append(True)
    made = logging.getLogRecordFactory()

    def scrubbed(*args: object, **kwargs: object) -> logging.LogRecord:
        record = made(*args, **kwargs)
        _FILTER.filter(record)
        return record

    logging.setLogRecordFactory(scrubbed)
