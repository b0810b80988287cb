"""One path for a lead nobody at the dealer typed: read once, whether it came by the public form or the API."""

import re
from pathlib import Path

from plugins.leads.api import jsonlead

LEADS = Path(__file__).resolve().parent.parent / "plugins" / "leads"


def test_the_json_reader_leaves_the_leads_fields_to_the_one_reading():
    sent = {"surname": "a\x00b", "note": "x" * 5000, "city": ["a", "b"], "currency": "czk", "external_id": "R-1",
            "extra": 1}
    lead = jsonlead.read(sent)
    assert lead.values["surname"] == "a\x00b" and lead.values["city"] == ["a", "b"]  # as sent, read later once
    assert lead.currency == "CZK" and lead.external_id == "R-1" and not lead.errors
    assert "extra" in str(lead.notes[0])


def test_only_the_incoming_path_and_the_staff_form_read_a_lead():
    readers = sorted(str(path.relative_to(LEADS)) for path in LEADS.rglob("*.py")
                     if re.search(r"\bfields\.read\(", path.read_text(encoding="utf-8")))
    assert readers == ["incoming.py"], readers
    public = (LEADS / "public.py").read_text(encoding="utf-8")
    assert "clean_or_raise" not in public and "services.create(" not in public  # no second reading
