"""Benchmark the file-import pipeline against raw PostgreSQL COPY, with peak memory.

    .venv/bin/python -m bench import [--packs 1000000] [--small 200000]
                                     [--event-packs 10000] [--chunk 10000] [--xlsx 0]
                                     [--bad 0] [--keep-db]

On a fresh `bench_portal` database (dropped, re-created and migrated on every run) with one
approved producer (battery and vehicle maker) owning the few hundred manufacturer codes of
the generated national data set (bench/generate.py, files under var/bench/), it measures:

  (a)  raw COPY of the packs file's rows into a plain table with batteries_battery's columns
       (no validation, no hashing; the Python side only slices the code into columns);
  (a') the same into a table with batteries_battery's indexes and checks (LIKE … INCLUDING ALL);
  (a") the same rows, one register event and one access row each into copies of
       batteries_battery, batteries_lifecycleevent and batteries_batteryaccess with all their
       indexes, checks and declared foreign keys (LIKE … INCLUDING ALL, plus the keys the
       real tables declare): the rows the pipeline writes, at raw COPY speed;
  (b)  the real import (`import_batch_run`: the Celery task's body) of the --packs file:
       validation, hashing, staging COPY, INSERT … ON CONFLICT, one register event per pack
       (each chunk is read and checked while the previous one inserts: the step times below
       count that reading in its own steps, and the insert only for the wait beyond it);
       and of a --small file of other codes, to show that peak memory does not grow with size;
  (c)  re-import of the --packs file (every row already registered: all duplicates);
  (d)  an events file (produce, install with VIN, sell) of the first --event-packs packs,
       through `events_record` as the portal's other channels;
  (e)  with --xlsx N, an XLSX file of N other packs: sheets above 200k rows are streamed by
       openpyxl instead of decoded whole by calamine, so peak RSS stays flat here too;
  (f)  with --bad N, a file of N codes the registry refuses, a third each malformed (product
       type X), dated in the future (2036) and of a manufacturer code nobody registered:
       every row is an error and every code is logged as rejected (`code_rejections_log`);
       then (g) the same file again, so that every logged rejection counts up.

Every step runs in its own process: "peak RSS" is that process's ru_maxrss, Django included
(the "baseline" row is the same process with Django loaded and nothing imported).
"""

import argparse
import contextlib
import csv
import itertools
import json
import logging
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench import generate
from bench.api import (
    PYTHON,
    ROOT,
    database_drop,
    database_recreate,
    database_url,
    django_run,
    print_table,
    server_env,
    socket_dir,
)

DB_NAME = "bench_portal"
MEDIA = generate.OUT  # ImportBatch files are named relative to it
RATIO_TARGET = 0.6
RSS_TARGET_MB = 300


# --- Parent: orchestration ---------------------------------------------------------------------


def _child(url: str, step: str, **params) -> dict:
    """Run one step in a fresh Django process; return the JSON it prints last."""
    env = {**server_env(url), "MEDIA_ROOT": str(MEDIA)}
    done = subprocess.run(
        [PYTHON, "-m", "bench.imports", "--child", json.dumps({"step": step, **params})],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"step {step} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _files(args: argparse.Namespace) -> dict[str, Path]:
    """Generate the data set unless its files already exist (they are reused across runs)."""
    big = generate.packs_path(args.packs)
    small = generate.packs_path(args.small, variant=1)
    events = generate.events_path(args.packs, 0, args.event_packs)
    common = {"manufacturers": args.manufacturers, "seed": 2026}
    if not big.exists() or not events.exists():
        print(f"generating {big.name} and {events.name} …", flush=True)
        generate.generate(packs_count=args.packs, variant=0, event_packs=args.event_packs, **common)
    if not small.exists():
        print(f"generating {small.name} …", flush=True)
        generate.generate(packs_count=args.small, variant=1, event_packs=0, **common)
    files = {"big": big, "small": small, "events": events}
    if args.xlsx:
        files["xlsx"] = _xlsx_file(args.xlsx, common)
    if args.bad:
        files["bad"] = _bad_file(args.bad, common)
    return files


def _bad_file(rows: int, common: dict) -> Path:
    """Write (once) a file of `rows` refused codes, cut from generated codes not used elsewhere."""
    source = generate.packs_path(rows, variant=2)
    if not source.exists():
        generate.generate(packs_count=rows, variant=2, event_packs=0, **common)
    target = generate.OUT / f"packs-bad-{rows}.csv"
    if target.exists():
        return target
    with (MEDIA / "manufacturers.csv").open(encoding="utf-8") as handle:
        registered = {row["code"] for row in csv.DictReader(handle)}
    nobody = next(
        "".join(p) for p in itertools.product("ZYXW", repeat=3) if "".join(p) not in registered
    )
    spoil = (
        lambda code: code[:3] + "X" + code[4:],  # product type X does not exist
        lambda code: code[:14] + "T" + code[15:],  # produced in 2036
        lambda code: nobody + code[3:],  # manufacturer code nobody registered
    )
    with (
        source.open(encoding="utf-8-sig", newline="") as src,
        target.open("w", encoding="utf-8-sig", newline="") as out,
    ):
        reader, writer = csv.reader(src), csv.writer(out)
        writer.writerow(next(reader))
        for number, (code, *rest) in enumerate(reader):
            writer.writerow([spoil[number % 3](code), *rest])
    return target


def _xlsx_file(rows: int, common: dict) -> Path:
    """Write (once) an XLSX of `rows` packs not in the other files, from a generated CSV."""
    source = generate.packs_path(rows, variant=2)
    if not source.exists():
        generate.generate(packs_count=rows, variant=2, event_packs=0, **common)
    target = source.with_suffix(".xlsx")
    if not target.exists():
        from openpyxl import Workbook

        print(f"writing {target.name} (openpyxl, ~10k rows/s) …", flush=True)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        with source.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                sheet.append(row)
        workbook.save(target)
    return target


def _row(label: str, result: dict) -> list:
    rows, seconds = result["rows"], result["seconds"]
    cpu = result["python_cpu"] + result["db_cpu"]
    return [
        label,
        f"{rows:,}",
        f"{result['created']:,}" if "created" in result else "",
        f"{result['duplicate']:,}" if "duplicate" in result else "",
        f"{seconds:.1f}",
        f"{rows / seconds:,.0f}",
        f"{result['python_cpu']:.1f} + {result['db_cpu']:.1f}",
        f"{rows / cpu:,.0f}" if cpu else "",
        f"{result['rss_mb']:.0f}",
    ]


def _per_cpu(result: dict) -> float:
    return result["rows"] / max(result["python_cpu"] + result["db_cpu"], 1e-9)


def _split(result: dict) -> list[list]:
    """Where the time of an import went, from the pipeline's own per-step clocks."""
    t = result["timings"]
    steps = [
        ("read CSV rows (csv module)", t.get("read", 0)),
        ("check rows in Python (code, values, rules)", t.get("check", 0)),
        ("SQL: look up existing codes", t.get("lookup", 0)),
        ("Python: hash + build COPY text", t.get("hash", 0)),
        ("SQL: COPY into staging", t.get("copy", 0)),
        ("SQL: INSERT … ON CONFLICT + events, beyond reading ahead", t.get("insert", 0)),
        ("SQL: log rejected codes", t.get("rejections", 0)),
        ("commit, progress", t.get("transaction", 0) - t.get("chunk", 0)),
    ]
    accounted = sum(seconds for _, seconds in steps)
    steps.append(("other (file open, header, report, finish)", result["seconds"] - accounted))
    return [[name, f"{s:.1f}", f"{100 * s / result['seconds']:.0f} %"] for name, s in steps]


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    files = _files(args)
    url = database_url(DB_NAME)
    print(f"bench.imports: database {DB_NAME} (re-created), files in {MEDIA}", flush=True)
    database_recreate(DB_NAME)
    try:
        django_run(url, "manage.py", "migrate", "--noinput", "-v0")
        seeded = _child(url, "seed", manufacturers=str(MEDIA / "manufacturers.csv"))
        results = _run_steps(url, files, seeded, args)
        results["server"] = _server_settings()
    finally:
        if not args.keep_db:
            with contextlib.suppress(Exception):
                database_drop(DB_NAME)
    _report(results, args)


def _run_steps(url: str, files: dict[str, Path], seeded: dict, args) -> dict[str, dict]:
    results: dict[str, dict] = {}

    def step(key: str, name: str, **params) -> None:
        print(f"  {key}: {name} …", flush=True)
        results[key] = _child(url, name, **seeded, **params)

    step("baseline", "baseline")
    step("a", "raw", file=str(files["big"]), target="plain")
    step("a2", "raw", file=str(files["big"]), target="indexed")
    step("a3", "raw", file=str(files["big"]), target="full")
    step("b", "import", file=files["big"].name, kind="packs", chunk=args.chunk)
    step("c", "import", file=files["big"].name, kind="packs", chunk=args.chunk)
    step("b_small", "import", file=files["small"].name, kind="packs", chunk=args.chunk)
    if args.event_packs:
        step("d", "import", file=files["events"].name, kind="events", chunk=0)
    if "xlsx" in files:
        step("e", "import", file=files["xlsx"].name, kind="packs", chunk=args.chunk)
    if "bad" in files:
        step("f", "import", file=files["bad"].name, kind="packs", chunk=args.chunk)
        step("g", "import", file=files["bad"].name, kind="packs", chunk=args.chunk)
    return results


SERVER_SETTINGS = ("shared_buffers", "wal_buffers", "max_wal_size", "checkpoint_timeout")


def _server_settings() -> str:
    """Return the server settings that matter for bulk writes, as `name=value` pairs."""
    import psycopg

    with psycopg.connect(host=socket_dir(), user="postgres", dbname="postgres") as conn:
        return ", ".join(
            f"{name}={conn.execute(f'SHOW {name}').fetchone()[0]}" for name in SERVER_SETTINGS
        )


def _report(results: dict[str, dict], args) -> None:
    big, small = f"{args.packs:,}", f"{args.small:,}"
    rows = [
        _row(f"(a)  raw COPY, plain table, {big} rows", results["a"]),
        _row("(a') raw COPY, same indexes as batteries_battery", results["a2"]),
        _row('(a") raw COPY of packs + events + access, same tables', results["a3"]),
        _row(f"(b)  import {big} packs (+ register events)", results["b"]),
        _row(f"(b)  import {small} other packs", results["b_small"]),
        _row(f"(c)  re-import the {big} file (all duplicates)", results["c"]),
    ]
    if "d" in results:
        rows.append(_row(f"(d)  events import ({args.event_packs:,} packs × 3)", results["d"]))
    if "e" in results:
        rows.append(_row(f"(e)  import {args.xlsx:,} other packs as XLSX", results["e"]))
    if "f" in results:
        rows.append(_row(f"(f)  import {args.bad:,} refused codes", results["f"]))
        rows.append(_row("(g)  the same refused codes again", results["g"]))
    rows.append(["baseline: Django loaded, nothing imported", *[""] * 7, _mb(results)])
    header = [
        "step",
        "rows",
        "created",
        "existing",
        "wall s",
        "rows/s",
        "CPU s py + pg",
        "rows/CPU-s",
        "peak RSS MB",
    ]
    print_table("Import benchmark (bench_portal, fresh database)", header, rows)
    rss = max(results[k]["rss_mb"] for k in ("b", "b_small", "c", "e") if k in results)
    print()
    for key, name, what in (
        ("a", "a ", f"plain table; target ≥ {RATIO_TARGET}"),
        ("a2", "a'", "same indexes as batteries_battery"),
        ("a3", 'a"', "the same rows into the same tables: packs, events, access rows"),
    ):
        by_wall = results["b"]["rows"] / results["b"]["seconds"]
        by_wall /= results[key]["rows"] / results[key]["seconds"]
        by_cpu = _per_cpu(results["b"]) / _per_cpu(results[key])
        print(f"  ratio b/{name} = {by_wall:.2f} by wall time, {by_cpu:.2f} by CPU time ({what})")
    print(
        f"  peak RSS {results['b_small']['rss_mb']:.0f} MB ({small} rows) vs "
        f"{results['b']['rss_mb']:.0f} MB ({big} rows); max {rss:.0f} MB "
        f"(target < {RSS_TARGET_MB} MB); load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"  server: {results['server']}")
    print_table(
        f"Where the time of (b) went ({results['b']['seconds']:.1f} s)",
        ["step", "seconds", "share"],
        _split(results["b"]),
    )
    if "f" in results:
        print(
            f"  (f) logged {results['f'].get('rejections', 0):,} rejected codes, "
            f"(g) {results['g'].get('attempts', 0):,} attempts in all"
        )
        print_table(
            f"Where the time of (f) went ({results['f']['seconds']:.1f} s)",
            ["step", "seconds", "share"],
            _split(results["f"]),
        )


def _mb(results: dict) -> str:
    return f"{results['baseline']['rss_mb']:.0f}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench import", description=__doc__)
    parser.add_argument("--packs", type=int, default=1_000_000, help="rows of the big file")
    parser.add_argument("--small", type=int, default=200_000, help="rows of the small file")
    parser.add_argument("--event-packs", type=int, default=10_000, help="0: no events step")
    parser.add_argument("--manufacturers", type=int, default=300)
    parser.add_argument("--chunk", type=int, default=0, help="rows per chunk (0: default)")
    parser.add_argument("--xlsx", type=int, default=0, help="rows of an XLSX file (0: none)")
    parser.add_argument("--bad", type=int, default=0, help="rows of refused codes (0: none)")
    parser.add_argument("--keep-db", action="store_true", help="keep bench_portal afterwards")
    return parser.parse_args(argv)


# --- Child: one step in a Django process -------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class _Clocks:
    """Wall time, this process's CPU time and its PostgreSQL backend's CPU time.

    CPU seconds stay meaningful on a shared machine where wall time depends on the load.
    """

    def __enter__(self) -> "_Clocks":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self._stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self._start = (time.perf_counter(), time.process_time(), self._backend())
        return self

    def _backend(self) -> float:
        try:
            fields = self._stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the server runs on another machine
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc) -> None:
        wall, python, backend = self._start
        self.seconds = time.perf_counter() - wall
        self.python_cpu = time.process_time() - python
        self.db_cpu = self._backend() - backend

    def as_dict(self) -> dict:
        return {"seconds": self.seconds, "python_cpu": self.python_cpu, "db_cpu": self.db_cpu}


def child(params: dict) -> dict:
    import django

    django.setup()
    step = params["step"]
    if step == "seed":
        return _seed(params["manufacturers"])
    if step == "baseline":
        import batteries.imports.services  # noqa: F401  (what an import process loads)

        return {"rss_mb": _rss_mb()}
    if step == "raw":
        return _raw_copy(
            Path(params["file"]),
            target=params["target"],
            enterprise_id=params["enterprise"],
            user_id=params["user"],
            batch_id=params["batch"],
        )
    return _import(params)


def _seed(manufacturers: str) -> dict:
    from batteries.models import ImportBatch
    from common.identifiers import make_uscc
    from enterprises.models import Enterprise, ManufacturerCode
    from enterprises.services.users import user_create

    enterprise = Enterprise.objects.create(
        name="全国基准测试电池集团",
        uscc=make_uscc("350902", 2026),
        address="福建省宁德市",
        division_code="350902",
        contact_name="基准",
        contact_phone="0593-0000000",
        contact_email="bench@example.cn",
        roles=["battery_producer", "vehicle_producer"],
        status=Enterprise.Status.APPROVED,
    )
    with open(manufacturers, encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    ManufacturerCode.objects.bulk_create(
        ManufacturerCode(code=code, enterprise=enterprise, registered_on=date(2024, 1, 1))
        for code in codes
    )
    user = user_create(
        username="bench-importer", password=None, kind="enterprise_admin", enterprise=enterprise
    )
    batch = ImportBatch.objects.create(  # what the raw register events refer to
        enterprise=enterprise, uploaded_by=user, kind="packs", file="none", original_name="raw"
    )
    return {"enterprise": enterprise.pk, "user": user.pk, "batch": batch.pk}


NULL, HASH = "\\N", "0" * 64
RAW_COLUMNS = (
    "id, code, product_type, battery_type, chemistry, spec_code, trace_code, production_date, "
    "serial, manufacturer_code, manufacturer_id, parent_id, original_id, mass_kg, capacity_wh, "
    "state, holder_id, vehicle_id, last_seq, last_hash, last_occurred_at, registered_at, "
    "updated_at"
)


EVENT_COLUMNS = (
    "battery_id, seq, kind, occurred_at, reported_at, reporter_id, reported_by_id, "
    "counterparty_id, vehicle_id, outlet_id, document_ref, channel, import_batch_id, voids_id, "
    "details, state_after, holder_after_id, prev_hash, hash"
)
BATTERY, EVENT, ACCESS = "bench_raw_battery", "bench_raw_event", "bench_raw_access"
CLONES = {"batteries_battery": BATTERY, "batteries_lifecycleevent": EVENT}


def _raw_tables(target: str) -> None:
    """Create the COPY targets: plain columns, + indexes and checks, or + events and FKs."""
    from django.db import connection

    like = "" if target == "plain" else "INCLUDING ALL"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ACCESS}, {EVENT}, {BATTERY}")
        cursor.execute(f"CREATE TABLE {BATTERY} (LIKE batteries_battery {like})")
        if target != "full":
            return
        cursor.execute(f"CREATE TABLE {EVENT} (LIKE batteries_lifecycleevent INCLUDING ALL)")
        cursor.execute(f"CREATE TABLE {ACCESS} (LIKE batteries_batteryaccess INCLUDING ALL)")
        tables = {**CLONES, "batteries_batteryaccess": ACCESS}
        for source, clone in tables.items():
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [source],
            )
            for (definition,) in cursor.fetchall():
                for original, copy in CLONES.items():
                    definition = definition.replace(f"{original}(", f"{copy}(")
                cursor.execute(f"ALTER TABLE {clone} ADD {definition}")


def _raw_copy(path: Path, *, target: str, enterprise_id: int, user_id: int, batch_id: int) -> dict:
    """COPY the file's rows (and, for "full", their register events): the database's speed."""
    from django.db import connection
    from django.utils import timezone

    _raw_tables(target)
    connection.ensure_connection()
    raw, now, rows = connection.connection, timezone.now().isoformat(), 0
    dates = _StampDates()
    event = (
        f"\t1\tregister\t{now}\t{now}\t{enterprise_id}\t{user_id}\t\\N\t\\N\t\\N\t\timport\t"
        f"{batch_id}\t\\N\t{{}}\tregistered\t{enterprise_id}\t\t{HASH}\n"
    )
    with _Clocks() as clocks, open(path, encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next(reader)
        # Committed every 10,000 rows like the pipeline's chunks (one huge transaction would
        # queue every deferred foreign-key check in memory until the end).
        while block := list(itertools.islice(reader, 10_000)):
            with raw.transaction(), raw.cursor() as cursor:
                with cursor.copy(f"COPY {BATTERY} ({RAW_COLUMNS}) FROM STDIN") as copy:
                    copy.write(
                        "".join(
                            _raw_line(rows + n, row, dates, now, enterprise_id)
                            for n, row in enumerate(block, start=1)
                        )
                    )
                if target == "full":
                    numbers = range(rows + 1, rows + 1 + len(block))
                    with cursor.copy(f"COPY {EVENT} ({EVENT_COLUMNS}) FROM STDIN") as copy:
                        copy.write("".join(f"{n}{event}" for n in numbers))
                    access = f"COPY {ACCESS} (enterprise_id, battery_id) FROM STDIN"
                    with cursor.copy(access) as copy:
                        copy.write("".join(f"{enterprise_id}\t{n}\n" for n in numbers))
            rows += len(block)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ACCESS}, {EVENT}, {BATTERY}")
    return {"rows": rows, "rss_mb": _rss_mb(), **clocks.as_dict()}


def _raw_line(number: int, row: list[str], dates: dict, now: str, enterprise_id: int) -> str:
    """Return the batteries_battery COPY line of a file row: slicing only, no validation."""
    code, _parent, mass, capacity = row
    return (
        f"{number}\t{code}\t{code[3]}\t{code[4]}\tlfp\t{code[5:7]}\t{code[7:14]}\t"
        f"{dates[code[14:17]]}\t{code[17:]}\t{code[:3]}\t{enterprise_id}\t\\N\t\\N\t"
        f"{mass or NULL}\t{capacity or NULL}\tregistered\t{enterprise_id}\t\\N\t1\t{HASH}\t"
        f"\\N\t{now}\t{now}\n"
    )


class _StampDates(dict):
    """Production date of a 3-character date stamp, decoded without any validation."""

    def __missing__(self, stamp: str) -> str:
        from common.battery_code import DAY_CODES, MONTH_CODES, YEAR_CODES

        day = DAY_CODES.get(stamp[2]) or 27 + "UVWXY".index(stamp[2])
        value = date(YEAR_CODES[stamp[0]], MONTH_CODES[stamp[1]], day).isoformat()
        self[stamp] = value
        return value


def _import(params: dict) -> dict:
    """Run the Celery task's body on an ImportBatch pointing at the benchmark file."""
    from batteries.imports import packs
    from batteries.imports.readers import csv_data_lines
    from batteries.imports.services import import_batch_run
    from batteries.models import ImportBatch

    if params["chunk"]:
        packs.CHUNK_SIZE = params["chunk"]
    timings: dict = {}
    _capture_timings(timings)
    with open(MEDIA / params["file"], "rb") as handle:
        estimate = csv_data_lines(handle)
    batch = ImportBatch.objects.create(
        enterprise_id=params["enterprise"],
        uploaded_by_id=params["user"],
        kind=params["kind"],
        mode=ImportBatch.Mode.COMMIT_VALID,
        file=params["file"],
        original_name=params["file"],
        rows_total=estimate,
    )
    with _Clocks() as clocks:
        status = import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert status == "done", (status, batch.message)
    return {
        "rows": batch.rows_done,
        "created": batch.rows_created,
        "duplicate": batch.rows_duplicate,
        "failed": batch.rows_failed,
        "rss_mb": _rss_mb(),
        **clocks.as_dict(),
        "timings": timings,
        **_rejections_logged(),
    }


def _rejections_logged() -> dict:
    """Return the rows and attempts of the rejected-code log (absent before it existed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('batteries_coderejection') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return {}
        cursor.execute("SELECT count(*), coalesce(sum(attempts), 0) FROM batteries_coderejection")
        rejections, attempts = cursor.fetchone()
    return {"rejections": rejections, "attempts": attempts}


def _capture_timings(into: dict) -> None:
    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "seconds per step" in record.msg:
                into.update(record.args[2])

    logger = logging.getLogger("batteries.imports.services")
    logger.setLevel(logging.INFO)
    logger.addHandler(Capture(level=logging.INFO))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
        print(json.dumps(child(json.loads(sys.argv[2]))))
    else:
        main(sys.argv[1:])
