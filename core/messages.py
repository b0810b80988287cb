"""Texts the system writes for people to read later, kept as a message id with parameters.

A history row, a reminder or a notification is read later, by someone else,
maybe in another language than the one of the request that wrote it. So
what is stored is not the translated text but a :class:`Message`: the
English msgid (the key of every catalogue) and its parameters. It is
translated when it is *shown*, in the reader's language::

    from forecourt import Message, lazy_gettext as _l

    await create_reminder(ctx, Message("Postponed lead %(name)s is back", name=lead["surname"]), due)
    # a parameter may itself be translatable: a label, or another Message
    Message("Now %(state)s", state=_l("Contract signed"))

Parameters are stored as JSON: strings and numbers as they are (user-typed
text stays as typed), a ``lazy_gettext`` label or a nested ``Message`` as a
message of its own, a date or a moment as ISO text that is formatted for the
reader (their language, the dealer's clock). ``scripts/i18n`` extracts the
msgid of every ``Message(...)`` call, so it is translated like any other text.

Each plugin has its own catalogue (a gettext domain), so a Message keeps
the domain of the code that made it: taken from the caller's module, or
passed as ``domain=``. A row stored before domains were kept has none; its
msgid is then looked up in the core's catalogue first, then the plugins'.

Rendering never fails: an unknown msgid shows in English, a translation whose
placeholders do not fit its parameters falls back to the English pattern.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from babel.support import LazyProxy

from core import i18n

_MSG, _DATE, _MOMENT = "$msg", "$date", "$dt"


class Message:
    """A translatable text with named parameters; ``str()`` renders it in the current language."""

    __slots__ = ("context", "domain", "id", "params")

    def __init__(self, id: str, /, *, domain: str | None = None, **params: Any) -> None:
        self.id = id
        self.params = params
        #: the catalogue to read: the plugin whose code wrote the message ("" = find the one that knows it)
        self.domain = i18n.caller_domain() if domain is None else domain
        #: the msgctxt of a ``lazy_pgettext`` label (one English word with two meanings)
        self.context = ""

    @classmethod
    def of(cls, text: Any) -> Message | str:
        """``text`` as something to store: a ``lazy_gettext`` label becomes its Message, anything else stays."""
        if isinstance(text, Message):
            return text
        if isinstance(text, LazyProxy):
            args = getattr(text, "_args", ())
            func = getattr(text, "_func", None)
            if func is i18n._lazy_gettext and len(args) == 2 and isinstance(args[0], str):
                return cls(args[0], domain=i18n.domain_of(args[1]))
            if func is i18n._lazy_pgettext and len(args) == 3 and isinstance(args[1], str):
                message = cls(args[1], domain=i18n.domain_of(args[2]))
                message.context = str(args[0])
                return message
            if args and isinstance(args[0], str):  # another lazy text: its msgid, found where it is known
                return cls(args[0], domain="")
        return str(text)

    def render(self) -> str:
        """The text in the current request's (or job's) language."""
        values = {k: _render_value(v) for k, v in self.params.items()}
        domain = self.domain or i18n.domain_for(self.id, self.context or None)
        translated = (i18n.pgettext(self.context, self.id, domain=domain) if self.context
                      else i18n.gettext(self.id, domain=domain))
        try:
            return translated % values if values else translated
        except (KeyError, TypeError, ValueError):
            try:  # a translation with broken placeholders: the English pattern still reads well
                return self.id % values if values else self.id
            except (KeyError, TypeError, ValueError):
                return self.id

    __str__ = render

    def __repr__(self) -> str:
        return f"Message({self.id!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.id, self.params) == (other.id, other.params)

    def __hash__(self) -> int:
        return hash(self.id)

    def english(self) -> str:
        """The text in English: the stored fallback, searchable and readable without a catalogue."""
        token = i18n.set_locale("en")
        try:
            return self.render()
        finally:
            i18n.reset_locale(token)

    def to_data(self) -> dict[str, Any]:
        """A JSON-able form; :meth:`from_data` reads it back."""
        data: dict[str, Any] = {"id": self.id, "params": {k: _encode(v) for k, v in self.params.items()}}
        if self.domain:
            data["domain"] = self.domain
        if self.context:
            data["context"] = self.context
        return data

    def dumps(self) -> str:
        return json.dumps(self.to_data(), ensure_ascii=False)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Message:
        params = data.get("params") or {}
        decoded = {str(k): _decode(v) for k, v in params.items() if k != "domain"}
        message = cls(str(data.get("id", "")), domain=str(data.get("domain") or ""), **decoded)
        message.context = str(data.get("context") or "")
        return message


def _encode(value: Any) -> Any:
    if isinstance(value, Message):
        return {_MSG: value.to_data()}
    if isinstance(value, LazyProxy):  # a lazy_gettext label: keep its msgid, not today's translation
        value = Message.of(value)
        return {_MSG: value.to_data()} if isinstance(value, Message) else value
    if isinstance(value, dt.datetime):
        return {_MOMENT: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        try:
            if _MSG in value:
                return Message.from_data(value[_MSG])
            if _MOMENT in value:
                return dt.datetime.fromisoformat(value[_MOMENT])
            if _DATE in value:
                return dt.date.fromisoformat(value[_DATE])
        except (TypeError, ValueError):
            return ""
    return value


def _render_value(value: Any) -> Any:
    if isinstance(value, Message):
        return value.render()
    if isinstance(value, LazyProxy):
        return str(value)
    if isinstance(value, dt.datetime):
        return i18n.fmt_datetime(value)
    if isinstance(value, dt.date):
        return i18n.fmt_date(value)
    return "" if value is None else value


def stored_value(value: Any) -> Any:
    """A parameter-like value (a label, a Message, a date, text) in the JSON form :func:`shown_value` reads."""
    return _encode(value)


def shown_value(data: Any) -> str:
    """A value stored by :func:`stored_value`, in the reader's language and formats."""
    return str(_render_value(_decode(data)))


def as_stored(text: str | Message) -> tuple[str, str]:
    """``(fallback text, message JSON)`` to store for ``text``: a Message keeps its id, plain text stays as typed."""
    if isinstance(text, Message):
        return text.english(), text.dumps()
    return str(text), ""


def shown(message: str | None, fallback: str) -> str:
    """A stored text in the reader's language: the message if there is one, else the text as it was stored.

    Rows written before messages were stored have none: one written in
    English with no parameters ("Assigned") is still a msgid and shows
    translated; any other shows as it was written.
    """
    if message:
        try:
            return Message.from_data(json.loads(message)).render()
        except (TypeError, ValueError, AttributeError):
            pass
    return i18n.gettext(fallback, domain=i18n.domain_for(fallback)) if fallback else fallback
