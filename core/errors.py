"""Errors a person can act on. The web layer turns them into 4xx answers."""

from __future__ import annotations


class ForecourtError(Exception):
    """Base for errors that carry a message meant for the user."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Veto(ForecourtError):
    """Raised by a ``validate_change`` implementation to refuse a write."""

    status_code = 422


class ValidationFailed(ForecourtError):
    """Input that cannot be accepted; ``errors`` maps field -> message."""

    status_code = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Forbidden(ForecourtError):
    """The user may not do this (e.g. edit someone else's comment)."""

    status_code = 403


class Conflict(ForecourtError):
    """The request clashes with the current state (e.g. a dependent plugin)."""

    status_code = 409


class PluginError(Exception):
    """A plugin cannot be loaded; the message names the plugin and the fix."""

    def __init__(self, plugin: str, problem: str) -> None:
        super().__init__(f"plugin {plugin!r}: {problem}")
        self.plugin = plugin
        self.problem = problem
