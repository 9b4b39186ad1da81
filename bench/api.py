"""Benchmark the REST API under gunicorn on loopback: batches of events and single events.

    .venv/bin/python -m bench.api [--batches 12] [--batch-size 10000] [--singles 2000]
                                  [--threads 4] [--clients 2] [--workers 2] [--keep-db]

Creates a dedicated `bench_api` database on the embedded PostgreSQL (dropped and re-created
on every run), migrates it, seeds an approved battery producer with an API key and a vehicle
maker, then starts `gunicorn config.wsgi -w 2` on a free 127.0.0.1 port and measures:

- pack registration (POST /api/v1/packs/, batches of `--batch-size`),
- events/s for batches of `--batch-size` "produce" events (POST /api/v1/events/batch) in
  three runs: one client without and one with an Idempotency-Key, then `--clients` parallel
  clients (an enterprise system with several senders; gunicorn has `--workers` workers),
- requests/s and p50/p95 latency for `--singles` single "deliver" events
  (POST /api/v1/events/) sent by `--threads` client threads over http.client.

Latencies are given as seen by the client and as measured by gunicorn itself (access log
`%(D)s`). Django runs only in subprocesses (migrate, seed, gunicorn), so this module can run
next to other benchmarks in one process.
"""

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB_NAME = "bench_api"
CODE_PREFIX = "B01PB01A1B2C3DG3F"  # manufacturer B01, pack, LFP, spec 01, trace, 2026-03-15


# --- Database and processes (shared with bench.lists) -----------------------------------------


def socket_dir() -> str:
    """Return the embedded PostgreSQL's socket directory, starting the server if needed."""
    from config.embedded_db import embedded_database

    return embedded_database(ROOT / "var")["HOST"]


def database_url(name: str, *, statement_timeout_ms: int | None = None) -> str:
    """Return a DATABASE_URL for the embedded server; optionally cap every statement."""
    url = f"postgres://postgres@/{name}?host={socket_dir()}"
    if statement_timeout_ms:
        url += f"&options=-c%20statement_timeout%3D{statement_timeout_ms}"
    return url


def database_recreate(name: str) -> None:
    """Drop and create the benchmark database (never the portal's own)."""
    import psycopg

    assert name.startswith("bench_"), name
    with psycopg.connect(host=socket_dir(), user="postgres", dbname="postgres") as conn:
        conn.autocommit = True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(host=socket_dir(), user="postgres", dbname="postgres") as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def server_env(url: str) -> dict[str, str]:
    """Return the environment of a production-like process on the benchmark database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
    }


def django_run(url: str, *args: str) -> str:
    """Run `python <args>` with Django pointed at the benchmark database; return stdout."""
    done = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=server_env(url), capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(url: str, *, workers: int, extra_args: tuple[str, ...] = ()) -> Iterator["Server"]:
    """Run gunicorn on a free loopback port; yield it; stop it (only this process)."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="bench-access-", suffix=".log")[1])
    process = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
            *extra_args,
        ],
        cwd=ROOT,
        env=server_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Server(port=port, access_log=log)
    try:
        server.wait_until_up(process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.unlink(missing_ok=True)


@dataclass
class Server:
    port: int
    access_log: Path

    def wait_until_up(self, process: subprocess.Popen) -> None:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
            with contextlib.suppress(OSError):
                status, _, _ = Client(self.port, {}).request("GET", "/health/")
                if status == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /health/ within 30 s")

    def mark(self) -> int:
        """Return the current end of the access log (to read only later lines)."""
        return self.access_log.stat().st_size

    def server_times_ms(self, since: int, path_prefix: str) -> list[float]:
        """Return gunicorn's own request durations (ms) logged after `since`."""
        time.sleep(0.2)  # let the workers flush their log lines
        with self.access_log.open("rb") as log:
            log.seek(since)
            lines = log.read().decode().splitlines()
        return [
            int(parts[3]) / 1000
            for parts in (line.split() for line in lines)
            if len(parts) == 4 and parts[1].startswith(path_prefix)
        ]


class Client:
    """One keep-alive-capable HTTP connection (reopened when the server closes it)."""

    def __init__(self, port: int, headers: dict[str, str]):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.headers = headers

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, float]:
        """Return status, body and the client-side latency in milliseconds."""
        all_headers = {**self.headers, **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=all_headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, data, (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def print_table(title: str, header: list[str], rows: list[list]) -> None:
    cells = [header] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for index, row in enumerate(cells):
        print("  " + "  ".join(cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            print("  " + "  ".join("-" * width for width in widths))


# --- Seeding (runs in a Django subprocess) ----------------------------------------------------


def seed() -> None:
    """Create the producer, its manufacturer code and API key, and a vehicle maker."""
    import django

    django.setup()
    from common.battery_code import make_battery_code
    from common.identifiers import make_uscc
    from enterprises.models import Enterprise, EnterpriseApiKey, ManufacturerCode

    def enterprise(name: str, division: str, seed: int, role: str) -> Enterprise:
        return Enterprise.objects.create(
            name=name,
            uscc=make_uscc(division, seed),
            address="基准测试地址",
            division_code=division,
            contact_name="基准",
            contact_phone="010-00000000",
            contact_email=f"bench{seed}@example.cn",
            roles=[role],
            status=Enterprise.Status.APPROVED,
        )

    producer = enterprise("基准电池有限公司", "350902", 1, "battery_producer")
    maker = enterprise("基准汽车有限公司", "440307", 2, "vehicle_producer")
    ManufacturerCode.objects.create(
        code="B01", enterprise=producer, registered_on=datetime(2026, 1, 1, tzinfo=UTC).date()
    )
    sample = make_battery_code(
        manufacturer="B01", produced=datetime(2026, 3, 15, tzinfo=UTC).date(), serial=7
    )
    assert sample == f"{CODE_PREFIX}0000007", sample
    _, key = EnterpriseApiKey.objects.create_key(name="bench", enterprise=producer)
    print(json.dumps({"key": key, "maker_uscc": maker.uscc}))


# --- Measurements -----------------------------------------------------------------------------


def code(serial: int) -> str:
    return f"{CODE_PREFIX}{serial:07d}"


def post_batches(
    clients: list[Client], path: str, bodies: list[bytes], headers: list[dict]
) -> float:
    """POST the bodies, spread over the clients (one thread each); return the wall seconds.

    Fails loudly on any non-201.
    """
    failures: list[str] = []

    def work(client: Client, share: list[tuple[bytes, dict]]) -> None:
        for body, extra in share:
            status, data, _ = client.request("POST", path, body, extra)
            if status != 201:
                failures.append(f"{path} answered {status}: {data[:500]!r}")

    jobs = list(zip(bodies, headers, strict=True))
    threads = [
        threading.Thread(target=work, args=(client, jobs[i :: len(clients)]))
        for i, client in enumerate(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(failures[0])
    return time.perf_counter() - started


def register_packs(client: Client, count: int, batch_size: int) -> list[list]:
    bodies = [
        json.dumps({"packs": [{"code": code(n)} for n in range(s, min(s + batch_size, count))]})
        for s in range(0, count, batch_size)
    ]
    seconds = post_batches(
        [client], "/api/v1/packs/", [b.encode() for b in bodies], [{}] * len(bodies)
    )
    return [
        [
            "POST /packs/ (register)",
            1,
            len(bodies),
            count,
            f"{seconds:.1f}",
            f"{count / seconds:,.0f}",
            "",
        ]
    ]


def produce_batches(clients: list[Client], server: Server, batches: int, size: int) -> list[list]:
    """Send "produce" batches three ways: one client, one client with keys, all clients."""
    occurred = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    bodies = [
        json.dumps(
            {
                "events": [
                    {"code": code(n), "kind": "produce", "occurred_at": occurred}
                    for n in range(b * size, (b + 1) * size)
                ]
            }
        ).encode()
        for b in range(batches)
    ]
    third = batches // 3
    runs = (
        ("without key", bodies[:third], False, clients[:1]),
        ("Idempotency-Key", bodies[third : 2 * third], True, clients[:1]),
        ("without key", bodies[2 * third :], False, clients),
    )
    rows = []
    for label, chunk, with_key, senders in runs:
        if not chunk:
            continue
        headers = [
            {"Idempotency-Key": f"bench-{label}-{i}"} if with_key else {} for i in range(len(chunk))
        ]
        mark = server.mark()
        seconds = post_batches(senders, "/api/v1/events/batch", chunk, headers)
        server_ms = server.server_times_ms(mark, "/api/v1/events/batch")
        events = len(chunk) * size
        rows.append(
            [
                f"POST /events/batch ({label})",
                len(senders),
                len(chunk),
                events,
                f"{seconds:.1f}",
                f"{events / seconds:,.0f}",
                f"{statistics.median(server_ms):,.0f}",
            ]
        )
    return rows


def single_events(
    port: int, server: Server, key: str, *, serials: range, maker_uscc: str, threads: int
) -> list:
    occurred = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    bodies = [
        json.dumps(
            {
                "code": code(n),
                "kind": "deliver",
                "occurred_at": occurred,
                "counterparty_uscc": maker_uscc,
            }
        ).encode()
        for n in serials
    ]
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def work(share: list[bytes]) -> None:
        client = Client(port, {"Authorization": f"Api-Key {key}"})
        for body in share:
            status, data, ms = client.request("POST", "/api/v1/events/", body)
            with lock:
                latencies.append(ms)
                if status != 201:
                    failures.append(f"{status} {data[:200]!r}")

    mark = server.mark()
    workers = [threading.Thread(target=work, args=(bodies[i::threads],)) for i in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} single events failed, e.g. {failures[0]}")
    server_ms = server.server_times_ms(mark, "/api/v1/events/")
    return [
        "POST /events/ (one event)",
        len(bodies),
        threads,
        f"{len(bodies) / seconds:,.0f}",
        f"{percentile(latencies, 0.5):.1f}",
        f"{percentile(latencies, 0.95):.1f}",
        f"{percentile(server_ms, 0.5):.1f}",
        f"{percentile(server_ms, 0.95):.1f}",
    ]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=12, help="split in three runs")
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--singles", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=4, help="client threads, single events")
    parser.add_argument("--clients", type=int, default=2, help="parallel clients, last run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-db", action="store_true", help="keep bench_api afterwards")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    """Run the API benchmark and print its tables."""
    args = parse_args(argv)
    if args.singles > args.batches * args.batch_size:
        raise SystemExit("--singles needs at least as many produced packs (batches × size)")
    url = database_url(DB_NAME)
    print(f"bench.api: database {DB_NAME} (re-created), gunicorn -w {args.workers} on 127.0.0.1")
    database_recreate(DB_NAME)
    try:
        django_run(url, "manage.py", "migrate", "--noinput", "-v0")
        seeded = json.loads(django_run(url, "-m", "bench.api", "--seed").splitlines()[-1])
        with gunicorn(url, workers=args.workers) as server:
            auth = {"Authorization": f"Api-Key {seeded['key']}"}
            clients = [Client(server.port, auth) for _ in range(args.clients)]
            total = args.batches * args.batch_size
            batch_rows = register_packs(clients[0], total, args.batch_size)
            batch_rows += produce_batches(clients, server, args.batches, args.batch_size)
            single = single_events(
                server.port,
                server,
                seeded["key"],
                serials=range(min(args.singles, total)),
                maker_uscc=seeded["maker_uscc"],
                threads=args.threads,
            )
    finally:
        if not args.keep_db:
            with contextlib.suppress(Exception):
                database_drop(DB_NAME)
    print_table(
        f"Batches of {args.batch_size:,} items (each client sends its requests one after another)",
        ["endpoint", "clients", "requests", "items", "seconds", "items/s", "server p50 ms"],
        batch_rows,
    )
    print_table(
        "Single events (client threads over http.client)",
        ["endpoint", "requests", "threads", "req/s", "p50 ms", "p95 ms", "srv p50", "srv p95"],
        [single],
    )


def database_drop(name: str) -> None:
    import psycopg

    assert name.startswith("bench_"), name
    with psycopg.connect(host=socket_dir(), user="postgres", dbname="postgres") as conn:
        conn.autocommit = True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    if sys.argv[1:] == ["--seed"]:
        seed()
    else:
        main(sys.argv[1:])
