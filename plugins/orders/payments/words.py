"""The amount in words on receipts and invoices, where the dealer's country expects one.

Russian, Czech and Chinese payment documents write the total in words as
well as in figures (Russia: "сумма прописью"; Chinese invoices: the amount in
capital numerals, 大写金额). num2words writes it for Russian, Czech, English
and most European languages, with the currency's words where it knows them
(roubles and kopecks, koruny and haléře, euros and cents); for a currency it
does not know the whole part is written in words and the rest as "CODE, 50/100".
num2words has no Chinese, so Chinese capital numerals are written here
(壹仟贰佰叁拾肆元伍角整). The words are in the document's language, not the
dealer's: a Russian customer of a Czech dealer gets Cyrillic words.
"""

from __future__ import annotations

from decimal import Decimal

from num2words import num2words

from forecourt import LANGUAGES

#: the countries whose payment documents carry the amount in words
COUNTRIES = frozenset({"RU", "CZ", "CN", "SK", "UA", "BY", "KZ", "PL"})
#: our language codes -> num2words' where they differ
_NUM2WORDS = {"cs": "cs", "ru": "ru", "en": "en"}


def country_of(language: str) -> str:
    """The dealer's country from its language (``Language.country``), "" when the language has none."""
    return next((lang.country for lang in LANGUAGES if lang.code == language), "")


def expected(dealer_language: str) -> bool:
    """Whether documents of a dealer of that language carry the amount in words."""
    return country_of(dealer_language) in COUNTRIES


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("", "拾", "佰", "仟")
_BIG = ("", "万", "亿", "兆")


def _chinese_integer(n: int) -> str:
    """``n`` in Chinese financial capitals (1234 -> 壹仟贰佰叁拾肆), with the zeros the convention keeps."""
    if n == 0:
        return _DIGITS[0]
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    zero = False  # a zero is pending between two written digits
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero = bool(out)
            continue
        digits = [group // 1000 % 10, group // 100 % 10, group // 10 % 10, group % 10]
        if out and digits[0] == 0:
            zero = True
        for place, digit in enumerate(digits):
            if digit == 0:
                if out:
                    zero = True
                continue
            if zero:
                out += _DIGITS[0]
                zero = False
            out += _DIGITS[digit] + _SMALL[3 - place]
        out += _BIG[index]
        zero = False
    return out


def chinese(amount: Decimal, currency: str) -> str:
    """The amount as a Chinese invoice writes it: 人民币壹仟贰佰叁拾肆元伍角整 (CNY); 壹仟贰佰叁拾肆 EUR 50/100."""
    amount = amount.quantize(Decimal("0.01"))
    whole = int(amount)
    cents = int((amount - whole) * 100)
    if currency != "CNY":  # 元/角/分 are the yuan's: another currency keeps its code and its cents in figures
        return f"{_chinese_integer(whole)} {currency} {cents:02d}/100"
    jiao, fen = divmod(cents, 10)
    text = _chinese_integer(whole) + "元"
    if jiao:
        text += _DIGITS[jiao] + "角"
    if fen:
        text += ("" if jiao else _DIGITS[0]) + _DIGITS[fen] + "分"
    if not fen:
        text += "整"
    return "人民币" + text


def in_words(amount: Decimal, currency: str, language: str) -> str:
    """``amount`` of ``currency`` in words, in ``language``, from a capital letter (as a document line starts)."""
    text = _words(Decimal(amount).quantize(Decimal("0.01")), currency, language)
    return text[:1].upper() + text[1:]


def _words(amount: Decimal, currency: str, language: str) -> str:
    """The words themselves; "" when there is no way to write them in ``language``."""
    if language == "zh":
        return chinese(amount, currency)
    lang = _NUM2WORDS.get(language, language)
    try:
        return num2words(amount, lang=lang, to="currency", currency=currency)
    except NotImplementedError:
        pass
    try:
        whole = int(amount)
        cents = int((amount - whole) * 100)
        return f"{num2words(whole, lang=lang)} {currency}, {cents:02d}/100"
    except NotImplementedError:
        return ""
