"""Fuzz the REST API with schemathesis against our own OpenAPI schema (`make fuzz`, CI).

    .venv/bin/python -m tests.fuzz [--max-examples 100] [--seed 20261101] [--keep-db]

Creates a dedicated `fuzz_portal` database on the embedded PostgreSQL (dropped and made
anew on every run), migrates it, seeds an approved enterprise (battery producer, vehicle
maker and dismantler) with packs, events, a vehicle, an outlet and an API key, starts
gunicorn with the production settings on a free 127.0.0.1 port, and runs schemathesis with
that key. The run fails on a server error, a response that does not match the schema, an
undocumented status code or a wrong content type. The seed is fixed, so a failure replays
with the same command; schemathesis prints a curl line for each failure.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DB_NAME = "fuzz_portal"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "response_schema_conformance",
        "content_type_conformance",
    ]
)

# schemathesis runs its workers as threads, and on CPython 3.11 before 3.11.9 two threads in
# ast.parse at once corrupt the parser's shared recursion counter ("SystemError: AST
# constructor recursion depth mismatch", CPython gh-106905): hypothesis parses source to name
# the lambdas schemathesis filters with. The CLI runs with ast.parse serialised by a lock.
RUN_SCHEMATHESIS = """
import ast, sys, threading
_lock, _parse = threading.Lock(), ast.parse
def _serialised_parse(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)
ast.parse = _serialised_parse
from schemathesis.cli import schemathesis
sys.argv[0] = "schemathesis"
sys.exit(schemathesis())
"""

SEED = """
import datetime as dt
from django.utils import timezone
from batteries.models import Channel
from batteries.services.events import EventInput, events_record
from batteries.services.packs import PackInput, packs_register
from common.battery_code import make_battery_code
from common.identifiers import make_uscc, make_vin
from enterprises.models import Enterprise, EnterpriseApiKey, ManufacturerCode, Outlet

producer = Enterprise.objects.create(
    name="模糊测试电池有限公司", uscc=make_uscc("320506", 7001), address="苏州",
    division_code="320506", contact_name="测试", contact_phone="0512-00000000",
    contact_email="fuzz@example.cn", roles=["battery_producer", "vehicle_producer", "dismantler"],
    dismantler_qualification_no="FUZZ-0001",
    status="approved",
)
ManufacturerCode.objects.create(code="F01", enterprise=producer, registered_on=dt.date(2026, 1, 1))
Outlet.objects.create(owner=producer, name="模糊测试网点", address="苏州", division_code="320506")
codes = [make_battery_code(manufacturer="F01", produced=dt.date(2026, 3, 15), serial=n)
         for n in range(1, 21)]
assert packs_register(items=[PackInput(code=c) for c in codes], reporter=producer,
                      channel=Channel.API).ok
start = timezone.now() - dt.timedelta(days=30)
for n, code in enumerate(codes[:10]):
    items = [EventInput(code=code, kind="produce", occurred_at=start)]
    if n < 5:
        vin = make_vin("LFZ12345", f"F{n:07d}")
        later = start + dt.timedelta(hours=1)
        items.append(EventInput(code=code, kind="install", occurred_at=later, vin=vin))
    assert events_record(items=items, reporter=producer, channel=Channel.API).ok
_, key = EnterpriseApiKey.objects.create_key(name="fuzz", enterprise=producer)
print("KEY=" + key)
"""


def _socket_dir() -> str:
    from config.embedded_db import embedded_database

    return embedded_database(ROOT / "var")["HOST"]


def _database_recreate(host: str) -> None:
    import psycopg

    with psycopg.connect(host=host, user="postgres", dbname="postgres") as conn:
        conn.autocommit = True
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(host: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"postgres://postgres@/{DB_NAME}?host={host}",
        "DEBUG": "0",
        "SECRET_KEY": "fuzz-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "ERROR",  # a 4xx is the expected answer to most cases
        # The fuzzer is one key sending thousands of requests: throttling it would only
        # turn its cases into 429s (the throttle itself is tested in tests/security).
        "API_THROTTLE_BURST": "1000000/min",
        "API_THROTTLE_SUSTAINED": "1000000/hour",
        "CELERY_BROKER_URL": "memory://",
    }


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # loopback only
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer {url} within {seconds} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261101)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DEBUG", "1")
    host = _socket_dir()
    _database_recreate(host)
    env = _env(host)
    started = time.monotonic()
    _manage(env, "migrate", "-v0")
    # Production settings serve hashed static files: without the manifest every HTML page the
    # fuzzer reaches outside /api/v1/ (a 404 for a mangled URL) would fail to render.
    _manage(env, "collectstatic", "--noinput", "-v0")
    key = _manage(env, "shell", "-c", SEED).strip().rpartition("KEY=")[2]
    port = _free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "-t",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(f"{base}/health/")
        print(f"fuzz: server ready after {time.monotonic() - started:.0f} s", flush=True)
        command = [
            str(BIN / "python"),
            "-c",
            RUN_SCHEMATHESIS,
            "run",
            f"{base}/api/schema/",
            "--header",
            f"Authorization: Api-Key {key}",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(args.max_examples),
            "--seed",
            str(args.seed),
            "--workers",
            "2",
            "--request-timeout",
            "30",
            "--no-color",
        ]
        status = subprocess.run(command, cwd=ROOT, check=False).returncode
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep_db:
            import psycopg

            with psycopg.connect(host=host, user="postgres", dbname="postgres") as conn:
                conn.autocommit = True
                conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    print(f"fuzz: {'passed' if status == 0 else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
