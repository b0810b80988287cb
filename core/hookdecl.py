"""What a hook is: its kind and scope, declared once on its hookspec and read by everything else.

A hookspec is declared with ``@hookspec(kind, scope)``. The declaration is the
one source of truth for how the hook is called (:meth:`core.registry.Registry.call`
dispatches on the kind and picks implementations by the scope), for the
contract suite (a dealer-scoped hook stays silent for a dealer without the
plugin) and for the hook reference in ``docs/plugins.md`` (generated from the
declarations by :mod:`core.hookdoc`). A hookspec without a declaration, a
plugin's hookspec without its owner's prefix, a dealer-scoped hook without a
``ctx`` argument or a notification not named as something that happened
stops start-up naming the plugin (:func:`check_specs`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from types import ModuleType
from typing import Any, TypeVar

import pluggy

from core.errors import PluginError

PROJECT = "forecourt"
#: the attribute a declared hookspec carries: ``(kind, scope)``
DECLARATION = "forecourt_hook"

_pluggy_spec = pluggy.HookspecMarker(PROJECT)
F = TypeVar("F", bound=Callable[..., Any])


class Kind(Enum):
    """How a hook is called, and what happens when an implementation fails."""

    #: once while the app (or a CLI command) boots, every installed plugin, plain ``def``;
    #: results gathered per plugin; any failure stops start-up naming the plugin
    STARTUP = "start-up contribution"
    #: while a page or figure is built; results gathered (lists flattened) in order;
    #: a raising or timed-out implementation is recorded and left out
    CONTRIBUTION = "per-request contribution"
    #: inside the caller's write transaction; raising refuses the write (``Veto``: HTTP 422)
    #: and rolls it back; any other exception or a timeout also rolls back
    VETO = "veto"
    #: a step of a core task, inside its transaction; every implementation runs in turn,
    #: without a time limit, and the first exception stops the task and rolls it back
    TASK = "task step"
    #: after the commit, one implementation at a time, each under the time limit;
    #: a failure is recorded for the platform admin and never undoes or blocks the write
    NOTIFICATION = "notification"
    #: a service one plugin provides to others: the first implementation that answers
    #: (not ``None``) gives the result; its exceptions reach the caller; ``None`` when
    #: no enabled plugin provides it
    SERVICE = "first-result service"


class Scope(Enum):
    """Whose implementations are called."""

    #: every installed plugin's, enabled anywhere or not
    INSTALL = "install-wide"
    #: only those of plugins the dealer of ``ctx`` has enabled (and the core's own)
    DEALER = "dealer-scoped"


@dataclass(frozen=True)
class HookDecl:
    """One hookspec as declared: the registry, the contract suite and the docs read this."""

    name: str
    kind: Kind
    scope: Scope
    #: ``"core"`` or the name of the plugin whose ``hookspecs`` module declares it
    owner: str
    function: Callable[..., Any]

    @property
    def argnames(self) -> tuple[str, ...]:
        return tuple(inspect.signature(self.function).parameters)


def hookspec(kind: Kind, scope: Scope) -> Callable[[F], F]:
    """Declare a hookspec with its kind and scope (``@hookspec(Kind.NOTIFICATION, Scope.DEALER)``).

    A first-result service is a pluggy ``firstresult`` spec; other pluggy spec
    options are not offered (historic calls and warnings have no use here).
    """
    if not isinstance(kind, Kind) or not isinstance(scope, Scope):
        raise TypeError("declare a hookspec as @hookspec(Kind.X, Scope.Y), e.g. "
                        "@hookspec(Kind.NOTIFICATION, Scope.DEALER)")

    def mark(function: F) -> F:
        setattr(function, DECLARATION, (kind, scope))
        return _pluggy_spec(firstresult=kind is Kind.SERVICE)(function)

    return mark


def _spec_functions(module: ModuleType | object) -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for name in dir(module):
        function = getattr(module, name)
        if callable(function) and hasattr(function, f"{PROJECT}_spec"):
            found.append((name, function))
    return found


#: what a notification's name ends with: something that happened (``..._created``, ``..._signed``)
PAST_TENSE = "ed"


def check_specs(owner: str, module: ModuleType | object) -> list[HookDecl]:
    """The declarations of ``owner``'s hookspecs module; :class:`PluginError` for a spec that breaks a rule.

    The rules (written in docs/plugins.md, section "Hooks for other plugins"):
    every hookspec declares its kind and scope; a plugin's hookspec names start
    with ``<plugin>_`` (so two plugins can never declare the same name); a
    dealer-scoped hook takes ``ctx``; a notification is named for what
    happened, in the past tense — the core's ``on_<thing>_<happened>``, a
    plugin's ``<plugin>_<thing>_<happened>``.
    """
    decls = []
    for name, function in _spec_functions(module):
        declared = getattr(function, DECLARATION, None)
        if declared is None:
            raise PluginError(owner, f"hookspec {name} declares no kind and scope: write "
                                     "@hookspec(Kind..., Scope...) (from forecourt import HookKind, HookScope)")
        kind, scope = declared
        if owner != "core" and not name.startswith(f"{owner}_"):
            raise PluginError(owner, f"hookspec {name} must start with '{owner}_' (a plugin's hooks carry "
                                     "its name, so two plugins never declare the same one)")
        if owner == "core" and kind is Kind.NOTIFICATION and not name.startswith("on_"):
            raise PluginError(owner, f"the core's notification {name} must start with 'on_'")
        if kind is Kind.NOTIFICATION and not name.endswith(PAST_TENSE):
            raise PluginError(owner, f"notification {name} must be named for what happened, in the past "
                                     "tense (e.g. '<plugin>_contract_signed')")
        decl = HookDecl(name, kind, scope, owner, function)
        if scope is Scope.DEALER and "ctx" not in decl.argnames:
            raise PluginError(owner, f"dealer-scoped hookspec {name} must take a ctx argument")
        decls.append(decl)
    return decls
