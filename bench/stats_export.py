"""Benchmark the exports: the pack list to CSV and XLSX at ~100,000 and 1,000,000 rows.

    .venv/bin/python -m bench stats_export [--packs 1000000] [--rebuild] [--keep-files]

Loads a dedicated `bench_exports` database once (kept between runs; `--rebuild` reloads):
the parties of bench.lists and N packs with their vehicles, inserted in SQL with
`generate_series` (bench.lists' generator: valid GB/T 34014 codes, production dates spread
evenly over 900 days, vehicles with valid VINs). Then, for each size and format, a fresh
worker process (Django, production settings) runs one export job through the real service
(`export_job_run`: scoped queryset, keyset chunks, writer, progress saves, the file stored
under MEDIA_ROOT) as a national regulator, and reports rows/s, the file size and its peak
RSS (VmHWM of /proc/self/status, the high-water mark of the whole process) next to its RSS
before the export started. ~100k rows is the filter month_from=2024-01, month_to=2024-03
(91 of the 900 production days); 1M rows is the unfiltered list.

`run(argv)` is what bench/stats.py calls; `main(argv)` is `python -m bench stats_export`.
"""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

DB_NAME = "bench_exports"
TARGET_RSS_MB = 300
OUT = Path(__file__).resolve().parent.parent / "var" / "bench" / "exports"


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(table: str, fmt: str, filters: dict) -> None:
    """Run one export job in this process (Django subprocess); print its figures as JSON."""
    import django

    django.setup()
    from enterprises.models import User
    from stats.exports.models import ExportJob
    from stats.exports.services import export_job_run

    user = User.objects.get(username="bench-miit")
    job = ExportJob.objects.create(
        user=user, table=table, format=fmt, filters=filters, delivery="job", status="queued"
    )
    before = _status_mb("VmRSS")
    started = time.perf_counter()
    outcome = export_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    size = job.file.size if job.file else 0
    print(
        json.dumps(
            {
                "outcome": outcome,
                "error": job.error,
                "rows": job.rows_done,
                "seconds": seconds,
                "rss_before_mb": before,
                "peak_rss_mb": _status_mb("VmHWM"),
                "file_mb": size / 1e6,
            }
        )
    )


def load(count: int) -> float:
    """Create bench_exports with the parties and `count` packs; return the seconds taken."""
    import psycopg

    from bench import lists
    from bench.api import database_recreate, database_url, django_run, socket_dir

    started = time.perf_counter()
    database_recreate(DB_NAME)
    url = database_url(DB_NAME)
    django_run(url, "manage.py", "migrate", "--noinput", "-v0")
    django_run(url, "-m", "bench.lists", "--seed")
    parties = json.loads(django_run(url, "-m", "bench.lists", "--credentials").splitlines()[-1])
    with psycopg.connect(host=socket_dir(), user="postgres", dbname=DB_NAME) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute(lists._packs_sql(parties, count))
        lists._copy_vins(conn, count)
        conn.execute(lists.VEHICLES_SQL)
        conn.execute(lists.BATTERIES_SQL)
    with psycopg.connect(host=socket_dir(), user="postgres", dbname=DB_NAME) as conn:
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def loaded_packs() -> int:
    import psycopg

    from bench.api import database_exists, socket_dir

    if not database_exists(DB_NAME):
        return 0
    with psycopg.connect(host=socket_dir(), user="postgres", dbname=DB_NAME) as conn:
        try:
            return conn.execute("SELECT count(*) FROM batteries_battery").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench stats_export", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--packs", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="reload bench_exports")
    parser.add_argument("--keep-files", action="store_true", help=f"keep the files in {OUT}")
    parser.add_argument("--formats", default="csv,xlsx")
    return parser.parse_args(argv)


def _one(url: str, fmt: str, filters: dict) -> dict:
    import subprocess

    from bench.api import PYTHON, ROOT, server_env

    env = {**server_env(url), "MEDIA_ROOT": str(OUT)}
    args = [PYTHON, "-m", "bench.stats_export", "--measure", "packs", fmt, json.dumps(filters)]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"export {fmt} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def run(argv: list[str]) -> None:
    """Load (once) and measure; print the table of figures."""
    from bench.api import database_url, django_run, print_table

    args = parse_args(argv)
    if args.rebuild or loaded_packs() != args.packs:
        print(f"bench.stats_export: loading {args.packs:,} packs into {DB_NAME} …", flush=True)
        print(f"bench.stats_export: loaded in {load(args.packs):.0f} s", flush=True)
    else:
        print(f"bench.stats_export: reusing {DB_NAME} with {args.packs:,} packs (--rebuild)")
        django_run(database_url(DB_NAME), "manage.py", "migrate", "--noinput", "-v0")
    url = database_url(DB_NAME)
    sizes = [
        ("~100k", {"month_from": "2024-01", "month_to": "2024-03"}),
        (f"{args.packs:,}", {}),
    ]
    rows = []
    for fmt in args.formats.split(","):
        for label, filters in sizes:
            print(f"bench.stats_export: {fmt} {label} …", flush=True)
            got = _one(url, fmt, filters)
            ok = got["outcome"] == "done" and got["peak_rss_mb"] < TARGET_RSS_MB
            rows.append(
                [
                    fmt,
                    f"{got['rows']:,}",
                    f"{got['seconds']:.1f}",
                    f"{got['rows'] / got['seconds']:,.0f}" if got["seconds"] else "-",
                    f"{got['file_mb']:.0f}",
                    f"{got['rss_before_mb']:.0f}",
                    f"{got['peak_rss_mb']:.0f}",
                    "yes" if ok else f"NO {got['error'][:60]}",
                ]
            )
    if not args.keep_files:
        shutil.rmtree(OUT, ignore_errors=True)
    print_table(
        "Pack list export through export_job_run, one worker process per run",
        [
            "format",
            "rows",
            "s",
            "rows/s",
            "file MB",
            "RSS before MB",
            "peak RSS MB",
            f"peak<{TARGET_RSS_MB}",
        ],
        rows,
    )


def main(argv: list[str]) -> None:
    run(argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
        measure(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
    else:
        main(sys.argv[1:])
