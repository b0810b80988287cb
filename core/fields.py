"""The field kit: what a form or an API sends, read into values a column can hold — the same way everywhere.

Every form and API of the core and of every plugin reads submitted values
through these functions, so that whatever one of them accepts, both
databases can store, and whatever it refuses is refused with a message that
names the field:

- **text** is a string (a list or a number is refused, never stored as
  ``"['a', 'b']"``), without NUL or other control characters (PostgreSQL
  refuses NUL) and without unpaired surrogates (UTF-8 cannot encode them);
  one-line text has its runs of white space made single spaces; text longer
  than its column is refused with the limit, never cut short silently;
- **numbers** are finite (no ``NaN``, ``sNaN`` or ``Infinity``) and within
  the column's range (``Numeric(digits=(12, 2))`` holds up to
  9,999,999,999.99), rounded to the column's places; typed amounts are read
  as people write them: "1 049 900 Kč", "25,000.00", "24 500,50" (the
  dealer's language first, then English);
- **ids** from a form or a path are positive integers the key column can hold
  (``Serial`` keys and ``Integer`` columns stop at 2,147,483,647 on
  PostgreSQL); anything else is simply "none", never a 500;
- **search terms** (query strings, filters) are never refused: what cannot
  be searched for is dropped and the term is cut to its limit.

A limit is an ``int`` or the Piccolo column itself (``Lead.surname`` gives its
``Varchar`` length, ``Lead.price`` its ``Numeric`` digits), so form and
column cannot drift apart::

    from forecourt import FieldReader, ValidationFailed, lazy_gettext as _l

    form = FieldReader(data)
    surname = form.text("surname", _l("Surname"), Lead.surname)
    price = form.decimal("price", _l("Price"), Lead.price, money=True)
    if form.errors:
        raise ValidationFailed(form.errors)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, format_decimal, get_group_symbol, parse_decimal

from core.i18n import get_locale, ngettext
from core.i18n import gettext as _

INT_RANGE = (-(2**31), 2**31 - 1)  #: what an ``Integer`` (and a ``Serial`` key) column holds
MAX_ID = INT_RANGE[1]  #: the largest id :func:`identifier` gives by default (``Serial`` keys, ``Integer`` columns)
MAX_BIG_ID = 2**63 - 1  #: the largest value a ``BigInt`` column holds
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_MACHINE_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")


class FieldError(ValueError):
    """A value that cannot be accepted; ``message`` says why, naming the field (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _limit_of(limit: Any) -> int:
    """A character limit: an int, or a ``Varchar`` column's length."""
    if isinstance(limit, int):
        return limit
    length = getattr(limit, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{limit!r} has no length: give the limit as an int")
    return length


def _digits_of(column: Any) -> tuple[int, int]:
    """``(digits, places)``: a tuple, or a ``Numeric`` column's ``digits``."""
    if isinstance(column, tuple):
        return column
    digits = getattr(column, "digits", None)
    if not (isinstance(digits, tuple) and len(digits) == 2):
        raise TypeError(f"{column!r} has no digits: give them as (digits, places)")
    return digits


def storable(value: str) -> bool:
    """True if both databases can store ``value``: no control characters but tab and line breaks, valid UTF-8."""
    for ch in value:
        category = unicodedata.category(ch)
        if (category == "Cc" and ch not in _ALLOWED_CONTROLS) or category == "Cs":
            return False
    return True


def text(value: Any, label: Any, limit: Any, *, multiline: bool = False) -> str:
    """``value`` as text for a column of ``limit`` characters ("" for nothing); :class:`FieldError` otherwise.

    Leading and trailing white space goes; in one-line text every run of
    white space (a line break from an API, say) becomes one space.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(_("%(field)s: send text, not a list, a number or an object.") % {"field": label})
    if not storable(value):
        raise FieldError(_("%(field)s: remove the control characters (such as NUL).") % {"field": label})
    cleaned = value.strip() if multiline else " ".join(value.split())
    most = _limit_of(limit)
    if len(cleaned) > most:
        raise FieldError(ngettext("%(field)s: at most %(limit)d character.", "%(field)s: at most %(limit)d characters.",
                                  most) % {"field": label, "limit": most})
    return cleaned


def search_text(value: Any, limit: int = 100) -> str:
    """A search term or filter: never refused; what cannot be searched for is dropped, the rest cut to ``limit``."""
    if not isinstance(value, str):
        return ""
    kept = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cs"))
    return " ".join(kept.split())[:limit]


def _strip_currency(raw: str) -> str:
    """ "1 049 900 Kč" -> "1 049 900", "€ 24,500" -> "24,500", "1 000,- Kč" -> "1 000"."""
    def is_sign(ch: str) -> bool:
        return ch.isalpha() or unicodedata.category(ch) == "Sc" or ch.isspace() or ch == "."

    end = len(raw)
    while end and is_sign(raw[end - 1]):
        end -= 1
    core = raw[:end]
    if core.endswith((",-", ".-", ",—")):
        core = core[:-2]
    start = 0
    while start < len(core) and (is_sign(core[start]) and core[start] != "."):
        start += 1
    return core[start:]


def _read_number(raw: str, languages: tuple[str, ...]) -> Decimal | None:
    """A number as people write it: machine format, each of ``languages``, then English, German and Czech habits.

    Each is read strictly (its grouping must be right), so the first that
    fits wins: "25,000" is 25000 where English is tried first, "7,5" (no
    English reading) 7.5, "24.500,50" the German way, "1 049 900" the Czech.
    """
    compact = raw.strip()
    if _MACHINE_NUMBER.fullmatch(compact):
        return Decimal(compact)
    for locale in dict.fromkeys((*[lang for lang in languages if lang], "en", "de", "cs")):
        group = get_group_symbol(locale)
        typed = _SPACES.sub(group if group.isspace() else " ", compact)
        try:
            return parse_decimal(typed, locale=locale, strict=True)
        except (NumberFormatError, InvalidOperation, ValueError):
            continue
    return None


def decimal(value: Any, label: Any, column: Any, *, minimum: Decimal | int | None = 0, money: bool = False,
            language: str | tuple[str, ...] = "") -> Decimal | None:
    """``value`` as a finite number that fits ``column`` (``Numeric`` or ``(digits, places)``); None for nothing.

    ``money=True`` also reads a currency sign or code around the amount.
    ``language`` (or several, in order) says how people wrote it: "1,5" is
    one and a half in Czech, "25,000" twenty-five thousand in English; the
    default is the reader's language, English (then a decimal comma) is tried
    after it. The
    result is rounded to the column's places (half up). Refused with
    :class:`FieldError`: text that is no number, ``NaN``/``Infinity``, and
    numbers outside ``minimum`` .. the column's largest value.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    digits, places = _digits_of(column)
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise FieldError(_("%(field)s: enter a number.") % {"field": label})
    if isinstance(value, str):
        if not storable(value):
            raise FieldError(_("%(field)s: enter a number.") % {"field": label})
        raw = _strip_currency(value.strip()) if money else value.strip()
        languages = (language,) if isinstance(language, str) else tuple(language)
        number = _read_number(raw, languages if any(languages) else (get_locale(),)) if len(raw) <= 64 else None
    else:
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite():
        raise FieldError(_("%(field)s: enter a number.") % {"field": label})
    top = Decimal(10) ** (digits - places) - Decimal(1).scaleb(-places)
    low = Decimal(minimum) if minimum is not None else -top
    if low <= number <= top:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if not low <= number <= top:
        shown = {"min": format_decimal(low, locale=get_locale()), "max": format_decimal(top, locale=get_locale())}
        raise FieldError(_("%(field)s: enter a number from %(min)s to %(max)s.") % {"field": label, **shown})
    return number


def integer(value: Any, label: Any, *, minimum: int = INT_RANGE[0], maximum: int = INT_RANGE[1]) -> int | None:
    """``value`` as a whole number in ``minimum`` .. ``maximum`` (group spaces allowed); None for nothing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise FieldError(_("%(field)s: enter a whole number.") % {"field": label})
    raw = _SPACES.sub("", value) if isinstance(value, str) else str(value)
    if not re.fullmatch(r"[+-]?[0-9]{1,20}", raw):
        raise FieldError(_("%(field)s: enter a whole number.") % {"field": label})
    number = int(raw)
    if not minimum <= number <= maximum:
        shown = {"min": format_decimal(minimum, locale=get_locale()),
                 "max": format_decimal(maximum, locale=get_locale())}
        raise FieldError(_("%(field)s: enter a number from %(min)s to %(max)s.") % {"field": label, **shown})
    return number


def identifier(value: Any, maximum: int = MAX_ID) -> int | None:
    """An id from a form, a query or a path: a positive integer the key column can hold, else None (never an error).

    The default ``maximum`` is what ``Serial`` keys and ``Integer`` columns
    hold on PostgreSQL (2,147,483,647); give :data:`MAX_BIG_ID` for ``BigInt``.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= maximum else None
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{1,19}", value.strip()):
        return None
    number = int(value.strip())
    return number if 0 < number <= maximum else None


class FieldReader:
    """Reads one submitted form or API body field by field, keeping one message per field that is refused.

    Each method returns the value (or its ``default`` when the field is
    refused) and records the refusal in :attr:`errors` under the field's key,
    so a form can show every problem at once.
    """

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.errors: dict[str, str] = {}

    def _run(self, key: str, default: Any, read: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return read(self.raw.get(key), *args, **kwargs)
        except FieldError as exc:
            self.errors.setdefault(key, exc.message)
            return default

    def text(self, key: str, label: Any, limit: Any, *, multiline: bool = False) -> str:
        return self._run(key, "", text, label, limit, multiline=multiline)

    def decimal(self, key: str, label: Any, column: Any, **kwargs: Any) -> Decimal | None:
        return self._run(key, None, decimal, label, column, **kwargs)

    def integer(self, key: str, label: Any, **kwargs: Any) -> int | None:
        return self._run(key, None, integer, label, **kwargs)
