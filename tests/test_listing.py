"""The core's list and search helpers (forecourt.Keyset, prefix, phone_search) and the one language table."""

import datetime as dt
from pathlib import Path

from core import i18n, languages, settings, text, timeutil, zones
from forecourt import LANGUAGES, Keyset, phone_search, prefix_sql, typed_as_number, upper_bound
from plugins.customers.tables import Customer
from plugins.leads.tables import Lead


def test_a_phone_search_is_a_term_typed_as_a_phone_of_four_digits_or_more():
    assert phone_search("45 67").ending == "7654" and phone_search("45 67").whole == ()
    assert phone_search("+7 916 123-45-67").ending == "79161234567"[::-1]
    assert phone_search("89161234567").whole == ("79161234567"[::-1],)  # the Russian way of writing +7 916 …
    for term in ("123", "#1234", "Novák", "novak@example.com", "12ab34"):
        assert phone_search(term) is None, term
    assert typed_as_number("#42") and not typed_as_number("Jan 42")
    sql, params = phone_search("89161234567").sql("phone_rev")
    assert sql == "((phone_rev >= {} AND phone_rev < {}) OR (phone_rev = {}))"
    assert params == ("89161234567"[::-1], upper_bound("89161234567"[::-1]), "79161234567"[::-1])
    assert prefix_sql("name_key", "nov") == ("name_key >= {} AND name_key < {}", ("nov", upper_bound("nov")))


def test_a_keyset_token_reads_back_and_a_bad_one_is_the_first_page():
    moment = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)
    newest = Keyset(Lead.created_at, descending=True)
    rows = [{"id": 9, "created_at": moment}, {"id": 7, "created_at": moment}, {"id": 3, "created_at": moment}]
    shown, token = newest.page(rows, 2)
    assert [r["id"] for r in shown] == [9, 7] and token == f"{moment.isoformat()}|7"
    assert newest.read(token) == (moment, 7)
    assert newest.sql(token) == ("(created_at < {} OR (created_at = {} AND id < {}))", (moment, moment, 7))
    assert newest.order_sql() == "created_at DESC, id DESC"
    assert newest.page(rows, 3) == (rows, "")
    for bad in ("", "yesterday|7", "2026-12-01|x", "|"):
        assert newest.read(bad) is None and newest.sql(bad) is None and newest.where(bad, Lead.id) is None
    by_number = Keyset(Customer.number)
    assert by_number.read("42|5") == (42, 5) and by_number.read("abc|5") is None
    assert Keyset(Customer.name_key).read("nov|ák|3") == ("nov|ák", 3)  # the last "|" separates the id


def test_the_language_table_is_the_one_every_language_view_reads():
    codes = tuple(lang.code for lang in LANGUAGES)
    assert codes == settings.LANGUAGES == tuple(i18n.LANGUAGE_NAMES) == tuple(text.REGIONS)
    assert {lang.code: lang.currency for lang in LANGUAGES} == i18n.CURRENCY_BY_LANGUAGE
    assert timeutil.ZONE_BY_LANGUAGE.items() <= {lang.code: lang.zone for lang in LANGUAGES}.items()
    assert zones.COUNTRY_BY_LANGUAGE is languages.COUNTRIES
    core_locale = Path(i18n.CORE_LOCALE_DIR)
    assert all((core_locale / code / "LC_MESSAGES" / "messages.po").exists() for code in codes if code != "en")
