"""Benchmark: the quick links shop — checkout throughput at 50 concurrent customers, the catalogue at 10,000 products.

Run: ``.venv/bin/python bench/quicklinks.py [--products 10000] [--clients 50] [--rounds 3] [--seconds 5]``

Seeds one dealer with quick links (orders, customers), ``--products``
active products (every other one in stock), an EUR -> CZK rate and
``--clients`` customers with a live link each, then, on SQLite and on
PostgreSQL, one uvicorn worker on one core and the load on the other:

* **checkout**: each of the 50 customers (a loopback address each) opened
  their link; a round puts one product into every cart (not timed), then all
  50 check out at the same moment (timed): the full path — the session
  check, the idempotency key, pricing again from the catalogue, the order
  through the sales service, the reminder. Against ``bench/bare_quicklinks.py``
  answering 50 concurrent ``POST /checkout`` with a multi-row INSERT of the
  same order row and lines (goal: checkout >= 50 % of the bare orders/s), in alternating blocks
  (``--blocks`` of ``--checkout-rounds`` each; medians, the share as the median of the paired ratios);
* **catalogue**: the first page of the shop (50 products priced for the
  customer) with wrk against the bare page rendering the same template with
  the same rows from memory (goal: p50 <= 1.5x the bare page).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import LOAD_CPU, ROOT, alternate, median_load, paired_ratio, pinned, server, table, throwaway_postgres

MODULES = ["orders", "customers", "quicklinks"]


async def _seed(products: int, clients: int, tokens_file: str) -> None:
    """In a child process: migrate; the dealer, its catalogue, customers and links; one template order."""
    import dataclasses

    from core import accounts, db
    from core.migrations import migrate
    from core.settings import Settings
    from core.startup import boot
    from forecourt import fold, now, system_context
    from plugins.customers import services as customers
    from plugins.orders import services as catalogue
    from plugins.orders.sales import services as sales
    from plugins.orders.tables import Product, Stock
    from plugins.quicklinks import links
    from plugins.quicklinks.tables import Rate

    boot(Settings.from_env())
    async with db.lifespan_pool():
        await migrate()
        dealer = await accounts.create_dealer("Bench Motors", "ql-1", "Brno", "cs", MODULES)
        manager = await accounts.create_user(login="qlm", password="bench-pass-2026", role="manager",
                                             dealer_id=dealer.id, must_change_password=False, full_name="Bench M")
        ctx = dataclasses.replace(system_context(dealer.id, frozenset(MODULES), "Bench Motors", "cs"),
                                  user_id=manager.id, role="manager")
        warehouse = await catalogue.create_warehouse(ctx, {"name": "Main"})
        rng = random.Random(7)
        moment = now()
        columns = ("dealer_id", "sku", "sku_key", "name", "name_key", "kind", "base_price", "currency", "unit",
                   "active", "vin", "model", "trim", "fuel", "colour", "created_at", "updated_at")
        words = ("Brake pad", "Oil filter", "Wiper blade", "Floor mat", "Roof box", "Spark plug", "Tyre",
                 "Headlamp", "Battery", "Air filter")
        for start in range(0, products, 500):
            rows = []
            for i in range(start, min(products, start + 500)):
                name = f"{words[i % len(words)]} {i:05d}"
                sku = f"P-{i:05d}"
                rows.append((dealer.id, sku, fold(sku), name, fold(name), ("part", "accessory")[i % 2],
                             Decimal(rng.randrange(100, 90_000)) / 10, "", "pcs", True, "", "", "", "", "",
                             moment, moment))
            sql = (f"INSERT INTO orders_product ({', '.join(columns)}) VALUES "
                   + ", ".join(["(" + ", ".join(["{}"] * len(columns)) + ")"] * len(rows)) + " RETURNING id")
            async with db.transaction():
                ids = [r["id"] for r in await Product.raw(sql, *[v for row in rows for v in row])]
                stock = [(dealer.id, pid, warehouse.id, 5, 0) for pid in ids[::2]]
                await Stock.raw("INSERT INTO orders_stock (dealer_id, product_id, warehouse_id, on_hand, reserved) "
                                "VALUES " + ", ".join(["({}, {}, {}, {}, {})"] * len(stock)),
                                *[v for row in stock for v in row])
        await Rate.scoped(dealer.id).insert(source="EUR", target="CZK", rate=Decimal("25.1"), updated_at=moment)
        tokens = []
        for n in range(clients + 1):
            made = await customers.create(ctx, {"name": f"Customer {n}", "phone": f"+420 601 234 {n:03d}",
                                                "source": "other", "discount_pct": "7", "currency": "CZK"})
            tokens.append((await links.make(ctx, made.id)).token)
        first = (await catalogue.catalogue_page(dealer.id))[0][0]
        await sales.create(ctx, {"customer_id": str(made.id), "contact_name": "Customer", "delivery_method": "pickup",
                                 "manager_id": str(manager.id)},
                           [{"product_id": str(first["id"]), "quantity": "1", "discount_pct": "7"}],
                           source="quicklink", currency="CZK")
        if not Settings.from_env().is_sqlite:
            await Product.raw("ANALYZE")  # as after any bulk load (the app's start-up analyses SQLite itself)
        Path(tokens_file).write_text(json.dumps(tokens[:clients]))


async def _checkouts(url: str, tokens: list[str], rounds: int, bare: bool, block: int = 0) -> float:
    """Checkouts per second at ``len(tokens)`` concurrent customers (only the checkout requests timed).

    ``block`` numbers the alternating block this drive is: each opens the links from addresses of its own
    (the opening is rate-limited per address) and reads each cart's version from its checkout page.
    """
    # uvicorn closes a connection idle for 5 s: reuse one for at most 2 s, or a request meets a closed socket
    clients = [httpx.AsyncClient(base_url=url, timeout=120, transport=httpx.AsyncHTTPTransport(
        local_address=f"127.{1 + n // 250}.{n % 250}.{7 + block}", limits=httpx.Limits(keepalive_expiry=2)))
        for n in range(len(tokens))]
    versions = [0] * len(tokens)  #: the carts' versions: each add and checkout moves one on
    product = 0
    if not bare:
        for n, (client, token) in enumerate(zip(clients, tokens, strict=True)):
            r = await client.get(f"/quicklinks/o/{token}")
            if r.status_code != 303:
                sys.exit(f"bench: the link did not open ({r.status_code})")
            page = (await client.get("/quicklinks/shop/")).text
            product = int(re.search(r'name="product_id" value="(\d+)"', page).group(1))  # type: ignore[union-attr]
            # the first round's product, and the cart's version read off the checkout form it shows
            await client.post("/quicklinks/shop/cart", data={"product_id": str(product), "quantity": "1"},
                              headers={"x-csrftoken": client.cookies.get("fc_csrf", "")})
            form = (await client.get("/quicklinks/shop/checkout")).text
            versions[n] = int(re.search(r'name="cart_version" value="(\d+)"', form).group(1))  # type: ignore[union-attr]

    def csrf(client: httpx.AsyncClient) -> dict[str, str]:
        return {"x-csrftoken": client.cookies.get("fc_csrf", "")}

    spent = 0.0
    done = 0
    for round_ in range(rounds):
        if not bare and round_:
            added = await asyncio.gather(*[c.post("/quicklinks/shop/cart", data={"product_id": str(product),
                                                                                 "quantity": "1"}, headers=csrf(c))
                                           for c in clients])
            if any(r.status_code != 303 for r in added):
                sys.exit(f"bench: adding to a cart failed: {sorted({r.status_code for r in added})}")
            versions = [v + 1 for v in versions]
        t = time.perf_counter()
        if bare:
            answers = await asyncio.gather(*[c.post("/checkout") for c in clients])
        else:
            answers = await asyncio.gather(*[c.post("/quicklinks/shop/checkout", headers=csrf(c), data={
                "cart_version": str(v), "delivery_method": "pickup", "address": "", "comment": ""})
                for c, v in zip(clients, versions, strict=True)])
        spent += time.perf_counter() - t
        if any(r.status_code != 303 for r in answers):
            sys.exit(f"bench: a checkout failed: {sorted({r.status_code for r in answers})}")
        versions = [v + 1 for v in versions]
        done += len(answers)
    for client in clients:
        await client.aclose()
    return done / spent


def measure(engine: str, database_url: str, args: argparse.Namespace) -> dict[str, float]:
    tokens_file = tempfile.mktemp(prefix="fc-bench-ql-", suffix=".json")
    env = {"FORECOURT_DATABASE_URL": database_url, "FORECOURT_PLUGINS": ",".join(MODULES),
           "FORECOURT_JOBS_INTERVAL": "0", "FORECOURT_ARGON2_PROFILE": "test",
           "FORECOURT_SECRET_KEY": "bench-secret-key-not-for-production", "BENCH_DEALER": "ql-1"}
    t = time.monotonic()
    subprocess.run([sys.executable, __file__, "--seed", str(args.products), "--clients", str(args.clients),
                    "--tokens", tokens_file], env={**os.environ, **env}, cwd=ROOT, check=True)
    print(f"{engine}: {args.products:,} products, {args.clients} links ready in {time.monotonic() - t:.0f} s",
          flush=True)
    tokens = json.loads(Path(tokens_file).read_text())
    os.unlink(tokens_file)
    out: dict[str, float] = {}
    with server(["--factory", "core.cli:app_factory"], env) as app_url, \
            server(["--app-dir", "bench", "bare_quicklinks:app"], env) as bare_url:
        with httpx.Client(base_url=app_url, transport=httpx.HTTPTransport(local_address="127.9.9.9")) as client:
            client.get(f"/quicklinks/o/{tokens[-1]}")
            cookie = {"Cookie": f"fc_ql={client.cookies['fc_ql']}"}
        runs = alternate({"catalogue": (app_url + "/quicklinks/shop/", args.connections, cookie),
                          "bare": (bare_url + "/", args.connections, None)}, args.rounds, args.seconds)
        for label, loads in runs.items():
            load = median_load(loads)
            out[label], out[label + "_rps"], out[label + "_errors"] = load.p50_ms, load.rps, load.errors
        out["ratio"] = paired_ratio(runs["catalogue"], runs["bare"])
        rates: dict[str, list[float]] = {"checkout": [], "bare_checkout": []}
        for block in range(args.blocks):  # alternating blocks: drift hits both sides alike
            for label, url, bare in (("checkout", app_url, False), ("bare_checkout", bare_url, True)):
                made = subprocess.run(pinned(LOAD_CPU, [
                    sys.executable, __file__, "--drive", url, "--rounds", str(args.checkout_rounds),
                    "--block", str(block), *(["--bare"] if bare else [])]),
                    input=json.dumps(tokens), capture_output=True, text=True, cwd=ROOT)
                if made.returncode:
                    sys.exit(f"bench: {label}: {made.stdout[-500:]} {made.stderr[-1500:]}")
                rates[label].append(float(made.stdout.split()[-1]))
        for label, values in rates.items():
            out[label] = statistics.median(values)
        out["share"] = statistics.median(a / b for a, b in zip(rates["checkout"], rates["bare_checkout"], strict=True))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating wrk runs per page; medians reported")
    parser.add_argument("--checkout-rounds", type=int, default=3, help="rounds of 50 concurrent checkouts per block")
    parser.add_argument("--blocks", type=int, default=3, help="alternating blocks of checkout rounds (app, bare)")
    parser.add_argument("--block", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    if args.seed:
        asyncio.run(_seed(args.seed, args.clients, args.tokens))
        return 0
    if args.drive:
        rate = asyncio.run(_checkouts(args.drive, json.loads(sys.stdin.read()), args.rounds, args.bare, args.block))
        print(f"{rate:.1f}")
        return 0
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="fc-bench-ql-") as tmp:
        if "sqlite" in args.engines:
            results["SQLite"] = measure("SQLite", f"sqlite:///{tmp}/bench.sqlite", args)
        if "postgres" in args.engines:
            with throwaway_postgres() as pg_url:
                if pg_url:
                    results["PostgreSQL"] = measure("PostgreSQL", pg_url, args)
    rows = [["engine", "checkout/s", "bare insert/s", "share (goal >= 50 %)", "catalogue p50 ms", "bare p50 ms",
             "ratio (goal <= 1.5x)", "catalogue rps", "errors"]]
    for engine, r in results.items():
        rows.append([engine, f"{r['checkout']:.0f}", f"{r['bare_checkout']:.0f}",
                     f"{100 * r['share']:.0f} %", f"{r['catalogue']:.2f}", f"{r['bare']:.2f}",
                     f"{r['ratio']:.2f}x", f"{r['catalogue_rps']:.0f}",
                     f"{r['catalogue_errors'] + r['bare_errors']:.0f}"])
    print(f"\nquick links: {args.products:,} products, {args.clients} concurrent customers "
          f"({dt.date.today()}, 1 worker; server and load on separate cores)\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
