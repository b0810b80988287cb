"""schemathesis against the telephony webhook's published OpenAPI schema: no server error, answers as documented.

The schema is the one the server publishes at /orders/api/openapi.json, with
hostile bodies added as explicit examples (NUL, lone surrogates, lists and
numbers for text, text past its limit, impossible times); schemathesis then
runs its examples, coverage and fuzzing phases, bounded (a fixed seed, at
most 40 generated cases per mode), on the run's database (SQLite or
PostgreSQL).
"""

import asyncio
import json
import re
import sys
from pathlib import Path

from core.tables import Dealer

CALL = {"caller": "+420 601 555 111", "time": "2026-12-02T09:15:00+01:00", "line": "Sales 1"}
HOSTILE = {
    "nul": {**CALL, "caller": "+420\u0000601555111"},
    "list-caller": {**CALL, "caller": ["+420 601 555 111"]},
    "number-caller": {**CALL, "caller": 420601555111},
    "object-line": {**CALL, "line": {"a": 1}},
    "long-line": {**CALL, "line": "x" * 61},
    "long-id": {**CALL, "call_id": "y" * 101},
    "month-13": {**CALL, "time": "2026-13-01T00:00:00Z"},
    "year-0": {**CALL, "time": "0000-01-01T00:00:00"},
    "far-future": {**CALL, "time": "9999-12-31T23:59:59+14:00"},
    "number-time": {**CALL, "time": 1764662100},
    "empty": {},
}


async def test_schemathesis_finds_no_server_error_in_the_telephony_webhook(make_dealer, client_as, forecourt_server,
                                                                            tmp_path):
    dealer = await make_dealer(modules=["orders"])
    await Dealer.update({Dealer.language: "cs"}).where(Dealer.id == dealer.id)
    admin = await client_as(dealer, "dealer_admin")
    r = await admin.post("/orders/telephony/keys", data={"name": "schemathesis", "per_minute": "1000"})
    assert r.status_code == 303
    key = re.search(r'<code id="new-key">([^<]+)</code>', (await admin.get("/orders/telephony")).text).group(1)
    published = (await admin.get("/orders/api/openapi.json")).json()
    media = published["paths"]["/orders/api/calls"]["post"]["requestBody"]["content"]["application/json"]
    media["examples"].update({name: {"value": value} for name, value in HOSTILE.items()})
    location = tmp_path / "telephony.json"
    location.write_text(json.dumps(published))
    command = [str(Path(sys.executable).with_name("schemathesis")), "run", str(location), "--url", forecourt_server,
               "-H", f"Authorization: Bearer {key}", "--phases", "examples,coverage,fuzzing", "--mode", "all",
               "--max-examples", "40", "--seed", "20261202", "--workers", "1", "--generation-database", "none",
               "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
               "response_schema_conformance", "--suppress-health-check", "all", "--request-timeout", "20",
               "--no-color", "--report", "junit", "--report-dir", str(tmp_path)]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE, cwd=tmp_path,
                                                   stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(process.communicate(), timeout=240)
    text = out.decode("utf-8", "replace")
    assert process.returncode == 0, text[-6000:]
    junit = next(tmp_path.glob("*.xml")).read_text()
    assert 'failures="0"' in junit and 'errors="0"' in junit, junit[-3000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", text)
    assert cases and 30 <= int(cases.group(1)) <= 1000 and cases.group(1) == cases.group(2), text[-3000:]
