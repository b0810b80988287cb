"""Secrets in request paths never reach a log: the access log and the error log rewrite them.

A customer's quick link carries its token in the path (``/quicklinks/o/<token>``);
whoever reads the server's logs must not be able to open the customer's shop.
:class:`ScrubSecrets` rewrites every such path to ``/quicklinks/o/[token]`` in
a log record's message and arguments before any handler formats it;
:func:`install` puts it on uvicorn's access logger and the core's error logger
(and their handlers), once per process.
"""

from __future__ import annotations

import logging
import re

#: paths whose last segment is a secret: the prefix is kept, the secret replaced
SECRET_PATHS = (re.compile(r"(/quicklinks/o/)[^\s\"'?#]+"),)
REPLACEMENT = r"\1[token]"
LOGGERS = ("uvicorn.access", "uvicorn.error", "forecourt", "litestar")


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


def install() -> None:
    """Scrub the loggers that name request paths (idempotent: call it after logging is configured)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if _FILTER not in target.filters:
                target.addFilter(_FILTER)
