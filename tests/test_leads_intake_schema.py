"""schemathesis against the intake API's published OpenAPI schema: no server error, answers as documented.

The schema is the one the server publishes at /leads/api/openapi.json, with
the hostile values the lead intake once answered with a 500 added as
explicit examples (NaN, sNaN, Infinity, numbers beyond the price column,
NUL, text past its limit, lists for text, unknown encodings, exponents in
ADF prices) — the published copy keeps only the friendly examples.
schemathesis then runs its examples, coverage and fuzzing phases, bounded
(a fixed seed, at most 40 generated cases per operation and mode), on the
test database of the run (SQLite or PostgreSQL).
"""

import asyncio
import json
import re
import sys
from pathlib import Path

from tests.test_leads_intake import LEAD, make_key

HOSTILE_JSON = {
    **{f"price-{n}": {**LEAD, "external_id": f"S-{n}", "price": p}
       for n, p in enumerate(["NaN", "sNaN", "Infinity", "-Infinity", "99999999999", 1e20, "1e20", "1 049 900 Kč"])},
    "nul": {**LEAD, "surname": "a\u0000b"},
    "long-note": {**LEAD, "note": "x" * 4001},
    "long-surname": {**LEAD, "surname": "x" * 101},
    "list-surname": {**LEAD, "surname": ["a", "b"]},
    "object-model": {**LEAD, "model": {"a": 1}},
}
_ADF = ('<adf><prospect><id source="S">{ref}</id><vehicle><make>Peugeot</make><model>308</model>'
        '<price>{price}</price></vehicle><customer><contact><name part="full">{name}</name>'
        '<phone>393-999-3922</phone></contact></customer><vendor><vendorname>A</vendorname></vendor></prospect></adf>')
HOSTILE_XML = {
    "exponent": _ADF.format(ref="X-1", price="1e20", name="Eva Nová"),
    "nan": _ADF.format(ref="X-2", price="NaN", name="Eva Nová"),
    "infinity": _ADF.format(ref="X-3", price="Infinity", name="Eva Nová"),
    "nul-reference": _ADF.format(ref="X-4", price="1", name="a&#0;b"),
    "long-name": _ADF.format(ref="X-5", price="1", name="x " + "y" * 200),
    "klingon": '<?xml version="1.0" encoding="x-klingon"?><adf/>',
    "rot13": '<?xml version="1.0" encoding="rot13"?><adf/>',
    "bomb": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><adf>&b;</adf>',
}


def with_hostile_examples(schema: dict) -> dict:
    post = schema["paths"]["/leads/api/intake"]["post"]
    post["requestBody"]["content"]["application/json"]["examples"].update(
        {name: {"value": value} for name, value in HOSTILE_JSON.items()})
    adf = schema["paths"]["/leads/api/intake/adf"]["post"]["requestBody"]["content"]
    for media in adf.values():
        media["examples"].update({name: {"value": value} for name, value in HOSTILE_XML.items()})
    return schema


async def test_schemathesis_finds_no_server_error_in_the_intake_api(make_dealer, client_as, forecourt_server,
                                                                     tmp_path):
    dealer = await make_dealer(modules=["leads"])
    admin = await client_as(dealer, "dealer_admin")
    key = await make_key(admin, "schemathesis", per_minute=1000)
    published = (await admin.get("/leads/api/openapi.json")).json()
    assert "NaN" not in json.dumps(published)  # the hostile examples are the test's, not the public schema's
    location = tmp_path / "intake.json"
    location.write_text(json.dumps(with_hostile_examples(published)))
    command = [str(Path(sys.executable).with_name("schemathesis")), "run", str(location), "--url", forecourt_server,
               "-H", f"Authorization: Bearer {key}", "--phases", "examples,coverage,fuzzing", "--mode", "all",
               "--max-examples", "40", "--seed", "20261201", "--workers", "1", "--generation-database", "none",
               "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
               "response_schema_conformance", "--suppress-health-check", "all", "--request-timeout", "20",
               "--no-color", "--report", "junit", "--report-dir", str(tmp_path)]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE, cwd=tmp_path,
                                                   stderr=asyncio.subprocess.STDOUT)  # its cache stays there
    out, _ = await asyncio.wait_for(process.communicate(), timeout=240)
    text = out.decode("utf-8", "replace")
    assert process.returncode == 0, text[-6000:]
    junit = next(tmp_path.glob("*.xml")).read_text()
    assert 'failures="0"' in junit and 'errors="0"' in junit, junit[-3000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", text)
    assert cases and 100 <= int(cases.group(1)) <= 1000 and cases.group(1) == cases.group(2), text[-3000:]
