"""Benchmark the statistics: rollup rebuild and incremental refresh, selectors, API, pages.

    .venv/bin/python -m bench stats [--sizes 100000,1000000] [--repeat 30]

Reuses the national data sets of bench/scans.py (`bench_scans_<size>`, loaded there if
missing, with the scans' findings and cases; the scans run once if the set has none), and
migrates the stats tables into them. In a Django process per size it measures:

- the full rebuild of every rollup;
- an incremental refresh after 10,000 new events (scrap reports of sold packs, inserted in
  one transaction that is rolled back afterwards, so the shared data set stays as it was);
- server time p50/p95 of every selector (national and one province scope), every
  statistics API call and the dashboard pages under /stats/ (Django test client, a
  national regulator), repeated `--repeat` times.

Targets (issue #10): incremental < 1 s, every read < 200 ms p95, flat from 100k to 1M.
If bench/stats_export.py exists, its `run(argv)` runs at the end.
"""

import argparse
import importlib
import json
import statistics
import subprocess
import time

from bench.api import PYTHON, ROOT, database_url, print_table, server_env

DEFAULT_SIZES = "100000,1000000"
NEW_EVENTS = 10_000


def child(payload: dict) -> dict:
    import django

    django.setup()
    import datetime as dt

    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from enforcement.models import Finding
    from enterprises.models import User
    from enterprises.scoping import Scope
    from enterprises.twofactor import VERIFIED_KEY
    from stats import selectors as s
    from stats.refresh import full_rebuild, incremental_refresh

    out: dict = {}
    if not Finding.objects.exists():
        from enforcement.scans import scan_run

        started = time.perf_counter()
        scan_run(as_of=dt.date(2026, 11, 30), started_by="bench.stats")
        out["scans_s"] = time.perf_counter() - started
    outcome = full_rebuild()
    out["full_s"] = outcome.seconds
    out["full_timings"] = outcome.timings
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO batteries_lifecycleevent
                    (battery_id, seq, kind, occurred_at, reported_at, reporter_id,
                     counterparty_id, vehicle_id, outlet_id, document_ref, channel,
                     import_batch_id, voids_id, details, state_after, holder_after_id,
                     prev_hash, hash)
                SELECT b.id, b.last_seq + 1, 'scrap_vehicle',
                       now() - (b.id %% 300) * interval '1 day', now(), dis.id,
                       NULL, b.vehicle_id, NULL, 'BENCH' || b.id, 'api', NULL, NULL, '{}',
                       'vehicle_scrapped', dis.id, '', repeat('0', 64)
                FROM (SELECT * FROM batteries_battery WHERE state = 'sold'
                      ORDER BY id DESC LIMIT %s) b
                CROSS JOIN (SELECT id FROM enterprises_enterprise
                            WHERE 'dismantler' = ANY(roles) ORDER BY id LIMIT 1) dis
                """,
                [NEW_EVENTS],
            )
            out["new_events"] = cursor.rowcount
        inc = incremental_refresh()
        out["incremental_s"] = inc.seconds
        out["incremental_timings"] = inc.timings
        out["incremental_events"] = inc.events
        transaction.set_rollback(True)

    from django.utils import timezone

    today = timezone.localdate()
    f = s.StatsFilter(s.month_start(today - dt.timedelta(days=365)), s.month_start(today))
    province = (
        s._cells(s.m.FlowCell, Scope(national=True), f).values_list("province", flat=True).first()
        or "32"
    )
    scopes = {"nation": Scope(national=True), "province": Scope(province=province)}
    calls = {
        "monthly_flows": s.monthly_flows,
        "packs_by_province": s.packs_by_province,
        "packs_by_state": s.packs_by_state,
        "packs_by_chemistry": s.packs_by_chemistry,
        "packs_by_producer": s.packs_by_producer,
        "recycling_rate": s.recycling_rate,
        "recycling_rate_province": lambda sc, ff: s.recycling_rate(sc, ff, by="province"),
        "on_time_reporting": s.on_time_reporting,
        "findings_by_rule": s.findings_by_rule,
        "cases_by_status": s.cases_by_status,
        "top_enterprises": s.top_enterprises_by_open_findings,
        "fines_by_month": s.fines_by_month,
        "outlet_coverage": s.outlet_coverage,
    }
    repeat = payload["repeat"]
    reads: dict[str, list[float]] = {}
    for scope_name, scope in scopes.items():
        for name, call in calls.items():
            reads[f"selector {name} ({scope_name})"] = _timed(
                lambda call=call, scope=scope: call(scope, f), repeat
            )
    with transaction.atomic():
        user = User.objects.create(username="bench-stats-miit", kind="national")
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(user)
        session = client.session
        session[VERIFIED_KEY] = user.pk
        session.save()
        from django.core.cache import cache

        from stats.api.urls import urlpatterns as api

        for pattern in api:
            url = reverse(pattern.name)
            cache.clear()  # the API's throttle (300 calls a minute) is not what is measured
            reads[f"api {url}"] = _timed(lambda url=url: _ok(client.get(url)), repeat)
        for page in payload["pages"]:
            try:
                url = reverse(page)
            except Exception:  # a page another part has not built yet
                continue
            reads[f"page {url}"] = _timed(lambda url=url: _ok(client.get(url)), repeat)
        transaction.set_rollback(True)
    out["reads"] = {
        name: {"p50": statistics.median(t) * 1000, "p95": _p95(t) * 1000}
        for name, t in reads.items()
    }
    return out


def _ok(response):
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code}: {response.content[:300]!r}")
    return response


def _timed(fn, repeat: int) -> list[float]:
    fn()  # warm the caches once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def run_size(size: int, repeat: int) -> dict:
    from bench.api import django_run
    from bench.scans import prepare

    prepare(size, rebuild=False)
    url = database_url(f"bench_scans_{size}")
    django_run(url, "manage.py", "migrate", "stats", "--noinput", "-v0")
    payload = {"repeat": repeat, "pages": ["stats:dashboard", "stats:glossary"]}
    done = subprocess.run(
        [PYTHON, "-m", "bench.stats", "--child", json.dumps(payload)],
        cwd=ROOT,
        env={**server_env(url), "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-4000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results: dict[int, dict]) -> None:
    sizes = sorted(results)
    head = ["", *[f"{size:,} packs" for size in sizes]]
    rows = [
        ["full rebuild (s)", *[f"{results[n]['full_s']:.2f}" for n in sizes]],
        [
            f"incremental after {NEW_EVENTS:,} events (s)",
            *[f"{results[n]['incremental_s']:.3f}" for n in sizes],
        ],
    ]
    print_table("bench.stats: rollup refresh", head, rows)
    for n in sizes:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in results[n]["incremental_timings"].items())
        print(f"  incremental at {n:,}: {parts}")
        parts = ", ".join(f"{k} {v:.1f}" for k, v in results[n]["full_timings"].items())
        print(f"  full rebuild at {n:,}: {parts}")
    names = list(results[sizes[0]]["reads"])
    rows = []
    for name in names:
        row = [name]
        for n in sizes:
            r = results[n]["reads"].get(name)
            row.append(f"{r['p50']:.1f} / {r['p95']:.1f}" if r else "—")
        rows.append(row)
    print_table(
        "server time p50 / p95 (ms), target p95 < 200, flat",
        ["read", *[f"{size:,}" for size in sizes]],
        rows,
    )
    worst = max(r["p95"] for n in sizes for r in results[n]["reads"].values())
    print(f"worst p95: {worst:.1f} ms")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench stats")
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--child", default=None)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child)), default=str))
        return
    sizes = [int(x) for x in args.sizes.split(",")]
    results = {size: run_size(size, args.repeat) for size in sizes}
    report(results)
    try:
        export = importlib.import_module("bench.stats_export")
    except ModuleNotFoundError as exc:
        if exc.name != "bench.stats_export":
            raise
        return
    if hasattr(export, "run"):
        print("\n=== bench.stats_export ===", flush=True)
        export.run([])


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
