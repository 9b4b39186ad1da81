"""Benchmark the pack list and detail endpoints over 1,000,000 packs under gunicorn.

    .venv/bin/python -m bench.lists [--packs 1000000] [--requests 100] [--rebuild]

Loads a dedicated `bench_lists` database once (kept between runs; `--rebuild` reloads it):
enterprises, API keys and regulator sessions through Django, then the packs, their vehicles
and two events per pack (register + latest) with `INSERT … SELECT generate_series`. Battery
codes are valid GB/T 34014 codes built in SQL from the serial number (a sample is parsed
back). Event hashes are placeholders: the chains of this data set do not verify.

Then it starts `gunicorn config.wsgi -w 2` on a free 127.0.0.1 port and measures, for a
national regulator (session), a battery producer and a utilizer that held only a few packs
(API keys), the server-side p50/p95 (gunicorn `%(D)s`) of:

- GET /api/v1/packs/?page_size=50, the next page through its cursor, filtered lists,
- GET /api/v1/packs/{code}/,

and prints what COUNT(*) over the same rows would cost (what page-number pagination adds).
Gunicorn's database sessions run with a statement timeout (STATEMENT_TIMEOUT_MS), so a
runaway query plan shows up as a failed row instead of stalling the run.
"""

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from bench.api import (
    Client,
    database_exists,
    database_recreate,
    database_url,
    django_run,
    gunicorn,
    percentile,
    print_table,
    socket_dir,
)

DB_NAME = "bench_lists"
TARGET_P95_MS = 50.0
# Gunicorn's database sessions give up after this, so a runaway plan cannot stall the run.
STATEMENT_TIMEOUT_MS = 20_000
BLOCK = 10_000  # packs registered per producer batch: ids cluster by producer like this
DAY_LETTERS = "123456789ABCDEFGHJKLMNPRSTUVWXY"  # 1–31, the common reading of days 27–31

# Pack state by serial % 20, and who holds it then.
STATES = (
    ["registered"] * 2
    + ["produced"] * 2
    + ["delivered"]
    + ["installed"] * 2
    + ["sold"] * 9
    + ["vehicle_scrapped", "dismantled", "received", "recycled"]
)
LATEST_KIND = {
    "produced": "produce",
    "delivered": "deliver",
    "installed": "install",
    "sold": "sell",
    "vehicle_scrapped": "scrap_vehicle",
    "dismantled": "dismantle",
    "received": "receipt_confirm",
    "recycled": "recycle",
}


# --- Seeding ------------------------------------------------------------------------------


PARTIES = {  # name → (division, USCC seed, role)
    "基准电池一": ("350902", 1, "battery_producer"),
    "基准电池二": ("440307", 2, "battery_producer"),
    "基准电池三": ("320506", 3, "battery_producer"),
    "基准电池四": ("310115", 4, "battery_producer"),
    "基准汽车一": ("440307", 11, "vehicle_producer"),
    "基准汽车二": ("110105", 12, "vehicle_producer"),
    "基准拆解": ("320506", 21, "dismantler"),
    "基准综合利用": ("430181", 31, "utilizer"),
    "基准小型综合利用": ("510107", 32, "utilizer"),  # held only 100 of the packs
}


def seed() -> None:
    """Create the parties and a national regulator (Django subprocess)."""
    import django

    django.setup()
    from common.identifiers import make_uscc
    from enterprises.models import Enterprise, ManufacturerCode, User

    for name, (division, seed, role) in PARTIES.items():
        enterprise = Enterprise.objects.create(
            name=name,
            uscc=make_uscc(division, seed),
            address="基准测试地址",
            division_code=division,
            contact_name="基准",
            contact_phone="010-00000000",
            contact_email=f"lists{seed}@example.cn",
            roles=[role],
            status=Enterprise.Status.APPROVED,
        )
        if role == "battery_producer":
            ManufacturerCode.objects.create(
                code=f"L0{seed}", enterprise=enterprise, registered_on=date(2024, 1, 1)
            )
    User.objects.create_user(username="bench-miit", password="-", kind="national")


def credentials() -> None:
    """Print the parties' ids, fresh API keys and a regulator session (Django subprocess)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from enterprises.models import Enterprise, EnterpriseApiKey, User

    ids = dict(Enterprise.objects.filter(name__in=PARTIES).values_list("name", "pk"))
    keys = {
        label: EnterpriseApiKey.objects.create_key(name="bench", enterprise_id=ids[name])[1]
        for label, name in (("producer", "基准电池一"), ("rare", "基准小型综合利用"))
    }
    national = User.objects.get(username="bench-miit")
    session = SessionStore()
    session[SESSION_KEY] = str(national.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = national.get_session_auth_hash()
    session.save()
    print(
        json.dumps(
            {
                "producers": [ids[f"基准电池{i}"] for i in "一二三四"],
                "makers": [ids["基准汽车一"], ids["基准汽车二"]],
                "dismantler": ids["基准拆解"],
                "utilizer": ids["基准综合利用"],
                "rare": ids["基准小型综合利用"],
                "keys": keys,
                "national_session": session.session_key,
            }
        )
    )


def load_packs(parties: dict, count: int) -> float:
    """Insert `count` packs, their vehicles and events in SQL; return the seconds taken."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(host=socket_dir(), user="postgres", dbname=DB_NAME) as conn:
        conn.execute("SET synchronous_commit = off")
        # Rows are consistent by construction: skip the per-row foreign-key triggers.
        conn.execute("SET session_replication_role = replica")
        conn.execute(_packs_sql(parties, count))
        _copy_vins(conn, count)
        conn.execute(VEHICLES_SQL)
        conn.execute(BATTERIES_SQL)
        conn.execute(REGISTER_EVENTS_SQL)
        conn.execute(latest_events_sql())
        conn.execute(ACCESS_SQL)
        conn.execute("SET session_replication_role = origin")
    with psycopg.connect(host=socket_dir(), user="postgres", dbname=DB_NAME) as conn:
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def _packs_sql(parties: dict, count: int) -> str:
    """Return the SQL of a temporary table with one row per pack to create."""
    dismantler, utilizer, rare = parties["dismantler"], parties["utilizer"], parties["rare"]
    states = ", ".join(f"'{state}'" for state in STATES)
    return f"""
        CREATE TEMP TABLE pack AS
        SELECT n, mfr, mfr_code, state, produced, battery_type,
               CASE WHEN state IN ('registered', 'produced') THEN mfr
                    WHEN state IN ('delivered', 'installed', 'sold') THEN maker
                    WHEN state IN ('vehicle_scrapped', 'dismantled') THEN {dismantler}
                    WHEN n % 10000 = 19 THEN {rare}
                    ELSE {utilizer} END AS holder,
               mfr_code || 'P' || battery_type || '01A1B2C3D'
                 || substr('ABCDEFGH', extract(year FROM produced)::int - 2019, 1)
                 || substr('123456789ABC', extract(month FROM produced)::int, 1)
                 || substr('{DAY_LETTERS}', extract(day FROM produced)::int, 1)
                 || lpad(n::text, 7, '0') AS code
        FROM (
            SELECT n,
                   (ARRAY{parties["producers"]}::bigint[])[(n / {BLOCK}) % 4 + 1] AS mfr,
                   'L0' || ((n / {BLOCK}) % 4 + 1) AS mfr_code,
                   (ARRAY{parties["makers"]}::bigint[])[n % 2 + 1] AS maker,
                   (ARRAY[{states}])[n % 20 + 1] AS state,
                   date '2024-01-01' + (n % 900) AS produced,
                   CASE WHEN n % 3 = 0 THEN 'E' ELSE 'B' END AS battery_type
            FROM generate_series(0, {count - 1}) AS n
        ) AS base
    """


def _copy_vins(conn, count: int) -> None:
    """Give every installed or sold pack a vehicle with a valid VIN (check digit included)."""
    from common.identifiers import make_vin

    conn.execute("CREATE TEMP TABLE pack_vin (n integer PRIMARY KEY, vin varchar(17))")
    with conn.cursor().copy("COPY pack_vin (n, vin) FROM STDIN") as copy:
        for n in range(count):
            if STATES[n % 20] in {"installed", "sold"}:
                copy.write_row((n, make_vin("LBENCH00", f"R{n:07d}")))


VEHICLES_SQL = """
    INSERT INTO batteries_vehicle (vin, producer_id, model_name, is_swap_model, created_at)
    SELECT pv.vin, p.holder, '基准车型', false, now()
    FROM pack_vin pv JOIN pack p USING (n) ORDER BY n
"""

BATTERIES_SQL = """
    INSERT INTO batteries_battery (
        code, product_type, battery_type, chemistry, spec_code, trace_code, production_date,
        serial, manufacturer_code, manufacturer_id, mass_kg, capacity_wh, state, holder_id,
        vehicle_id, last_seq, last_hash, last_occurred_at, registered_at, updated_at)
    SELECT p.code, 'P', p.battery_type,
           CASE p.battery_type WHEN 'E' THEN 'ternary' ELSE 'lfp' END,
           '01', 'A1B2C3D', p.produced, lpad(p.n::text, 7, '0'), p.mfr_code, p.mfr, 420, 75000,
           p.state, p.holder, v.id, CASE p.state WHEN 'registered' THEN 1 ELSE 2 END,
           encode(sha256(convert_to(p.code || '#2', 'UTF8')), 'hex'),
           now() - interval '1 hour', now() - interval '30 days', now() - interval '1 hour'
    FROM pack p
    LEFT JOIN pack_vin pv USING (n)
    LEFT JOIN batteries_vehicle v ON v.vin = pv.vin
    ORDER BY p.n
"""

_EVENT_COLUMNS = """
    battery_id, seq, kind, occurred_at, reported_at, reporter_id, counterparty_id, vehicle_id,
    document_ref, channel, details, state_after, holder_after_id, prev_hash, hash
"""

REGISTER_EVENTS_SQL = f"""
    INSERT INTO batteries_lifecycleevent ({_EVENT_COLUMNS})
    SELECT id, 1, 'register', registered_at, registered_at, manufacturer_id, NULL, NULL,
           '', 'system', '{{}}'::jsonb, 'registered', manufacturer_id, '',
           encode(sha256(convert_to(code || '#1', 'UTF8')), 'hex')
    FROM batteries_battery ORDER BY id
"""


# What the services record with every registration and event: the enterprise read scope.
ACCESS_SQL = """
    INSERT INTO batteries_batteryaccess (enterprise_id, battery_id)
    SELECT reporter_id, battery_id FROM batteries_lifecycleevent
    UNION SELECT holder_after_id, battery_id FROM batteries_lifecycleevent
    UNION SELECT counterparty_id, battery_id FROM batteries_lifecycleevent
        WHERE counterparty_id IS NOT NULL
    ON CONFLICT DO NOTHING
"""


def latest_events_sql() -> str:
    """Return the SQL of each pack's second event, the one that put it in its state."""
    kinds = " ".join(f"WHEN '{state}' THEN '{kind}'" for state, kind in LATEST_KIND.items())
    return f"""
        INSERT INTO batteries_lifecycleevent ({_EVENT_COLUMNS})
        SELECT id, 2, CASE state {kinds} END, last_occurred_at, last_occurred_at,
               CASE WHEN state IN ('produced', 'delivered') THEN manufacturer_id
                    ELSE holder_id END,
               CASE WHEN state = 'delivered' THEN holder_id END,
               vehicle_id, '', 'system', '{{}}'::jsonb, state, holder_id,
               encode(sha256(convert_to(code || '#1', 'UTF8')), 'hex'), last_hash
        FROM batteries_battery WHERE state <> 'registered' ORDER BY id
    """


def loaded_packs() -> int:
    import psycopg

    if not database_exists(DB_NAME):
        return 0
    with psycopg.connect(host=socket_dir(), user="postgres", dbname=DB_NAME) as conn:
        try:
            return conn.execute("SELECT count(*) FROM batteries_battery").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def verify_codes(sample: int = 2000) -> None:
    """Parse a random sample of the generated codes back; fail on any invalid one."""
    import psycopg

    from common.battery_code import parse_battery_code

    with psycopg.connect(host=socket_dir(), user="postgres", dbname=DB_NAME) as conn:
        rows = conn.execute(
            "SELECT code, production_date FROM batteries_battery TABLESAMPLE SYSTEM (1) LIMIT %s",
            [sample],
        ).fetchall()
    for code, produced in rows:
        result = parse_battery_code(code, today=date.today())  # noqa: DTZ011 - a calendar date
        if result.errors or result.parsed.production_date != produced:
            raise RuntimeError(f"generated an invalid code {code}: {result.errors}")


# --- Measurements ---------------------------------------------------------------------------


@dataclass
class Outcome:
    client_ms: list[float]
    server_ms: list[float]
    failure: str = ""


def timed_gets(server, client: Client, paths: list[str]) -> Outcome:
    """GET each path; stop at the first failure (e.g. the statement timeout)."""
    mark = server.mark()
    outcome = Outcome([], [])
    for path in paths:
        status, body, ms = client.request("GET", path)
        if status != 200:
            outcome.failure = f"HTTP {status} after {ms / 1000:.1f} s"
            break
        outcome.client_ms.append(ms)
    outcome.server_ms = server.server_times_ms(mark, "/api/v1/packs/")
    return outcome


def next_path(client: Client, path: str) -> str | None:
    status, body, _ = client.request("GET", path)
    link = json.loads(body)["next"] if status == 200 else None
    if link is None:
        return None
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def sample_codes(where: str, count: int) -> list[str]:
    """Return codes of packs matching `where`, read straight from the database."""
    import psycopg

    with psycopg.connect(host=socket_dir(), user="postgres", dbname=DB_NAME) as conn:
        rows = conn.execute(
            f"SELECT code FROM batteries_battery WHERE {where} ORDER BY random() LIMIT %s",
            [count],
        ).fetchall()
    return [code for (code,) in rows]


def scenarios(client: Client, n: int, *, filters: list[str], codes: list[str]) -> list:
    first = "/api/v1/packs/?page_size=50"
    result = [("first page", [first] * n)]
    second = next_path(client, first)
    if second:
        result.append(("next page (cursor)", [second] * n))
    for query in filters:
        result.append((f"filter {query}", [f"{first}&{query}"] * n))
    result.append(("detail /packs/{code}/", [f"/api/v1/packs/{code}/" for code in codes]))
    return result


def count_costs() -> None:
    """Print, as JSON rows, what COUNT(*) of the lists' querysets costs (Django subprocess).

    The querysets are the API's own (scoped selector + FilterSet), so this is exactly the
    count page-number pagination would add to every page.
    """
    import django

    django.setup()
    from django.db import OperationalError

    from batteries.filters import BatteryFilterSet
    from batteries.models import Battery
    from batteries.selectors import pack_list
    from enterprises.models import Enterprise, User
    from enterprises.scoping import Scope

    national = User.objects.get(username="bench-miit")
    ids = dict(Enterprise.objects.filter(name__in=PARTIES).values_list("name", "pk"))
    querysets = [
        ("national, all packs", pack_list(user=national)),
        (
            "national, state=sold & holder_province=44",
            BatteryFilterSet(
                {"state": "sold", "holder_province": "44"}, queryset=pack_list(user=national)
            ).qs,
        ),
        ("producer's scope", Battery.objects.for_scope(Scope(enterprise_id=ids["基准电池一"]))),
        (
            "scope of a utilizer that held 100 packs",
            Battery.objects.for_scope(Scope(enterprise_id=ids["基准小型综合利用"])),
        ),
    ]
    rows = []
    for label, queryset in querysets:
        try:
            queryset.count()  # warm the cache as the pages were
            started = time.perf_counter()
            total = f"{queryset.count():,}"
            ms = f"{(time.perf_counter() - started) * 1000:,.0f}"
        except OperationalError:  # the statement timeout
            total, ms = "-", f"> {STATEMENT_TIMEOUT_MS:,} (cancelled)"
        rows.append([f"COUNT(*) {label}", total, ms])
    estimate = Battery.objects.raw(
        "SELECT 1 AS id, reltuples::bigint AS n FROM pg_class WHERE relname = %s",
        [Battery._meta.db_table],
    )[0].n
    rows.append(["pg_class.reltuples (estimate)", f"{estimate:,}", "<1"])
    print(json.dumps(rows, ensure_ascii=False))


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.lists", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--packs", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100, help="per measured scenario")
    parser.add_argument("--rebuild", action="store_true", help="reload bench_lists")
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace) -> dict:
    """Load the data set unless an identical one is already there; return the parties."""
    url = database_url(DB_NAME)
    if not args.rebuild and loaded_packs() == args.packs:
        print(f"bench.lists: reusing {DB_NAME} with {args.packs:,} packs (--rebuild reloads)")
        django_run(url, "manage.py", "migrate", "--noinput", "-v0")  # new indexes, if any
        return _credentials(url)
    print(f"bench.lists: loading {args.packs:,} packs into {DB_NAME} …")
    database_recreate(DB_NAME)
    django_run(url, "manage.py", "migrate", "--noinput", "-v0")
    django_run(url, "-m", "bench.lists", "--seed")
    parties = _credentials(url)
    seconds = load_packs(parties, args.packs)
    verify_codes()
    print(f"bench.lists: loaded in {seconds:.0f} s; a sample of codes parses back as valid")
    return parties


def _credentials(url: str) -> dict:
    return json.loads(django_run(url, "-m", "bench.lists", "--credentials").splitlines()[-1])


def _figures(outcome: Outcome) -> list:
    if outcome.failure:
        return [len(outcome.client_ms), "-", "-", "-", f"NO: {outcome.failure}"]
    p95 = percentile(outcome.server_ms, 0.95)
    return [
        len(outcome.client_ms),
        f"{percentile(outcome.server_ms, 0.5):.1f}",
        f"{p95:.1f}",
        f"{percentile(outcome.client_ms, 0.95):.1f}",
        "yes" if p95 < TARGET_P95_MS else "NO",
    ]


def main(argv: list[str]) -> None:
    """Run the list benchmark and print its table."""
    from common.identifiers import make_vin

    args = parse_args(argv)
    parties = prepare(args)
    filters = {
        "national": [
            "state=sold&holder_province=44",
            "chemistry=ternary&production_date_after=2025-01-01&production_date_before=2025-03-31",
        ],
        "producer": ["state=registered", f"vin={make_vin('LBENCH00', 'R0000005')}"],
        "rare": [],
    }
    rare, producer = parties["rare"], parties["producers"][0]
    codes = {
        "national": sample_codes("TRUE", args.requests),
        "producer": sample_codes(f"manufacturer_id = {producer}", args.requests),
        "rare": sample_codes(f"holder_id = {rare}", args.requests),
    }
    url = database_url(DB_NAME, statement_timeout_ms=STATEMENT_TIMEOUT_MS)
    rows = []
    with gunicorn(url, workers=args.workers) as server:
        callers = {
            "national": Client(server.port, {"Cookie": f"sessionid={parties['national_session']}"}),
            "producer": Client(
                server.port, {"Authorization": f"Api-Key {parties['keys']['producer']}"}
            ),
            "rare": Client(server.port, {"Authorization": f"Api-Key {parties['keys']['rare']}"}),
        }
        for caller, client in callers.items():
            plan = scenarios(client, args.requests, filters=filters[caller], codes=codes[caller])
            for label, paths in plan:
                rows.append([caller, label, *_figures(timed_gets(server, client, paths))])
    print_table(
        f"GET /api/v1/packs/ over {args.packs:,} packs (ms; server = gunicorn %(D)s)",
        ["caller", "request", "n", "srv p50", "srv p95", "client p95", f"p95<{TARGET_P95_MS:.0f}"],
        rows,
    )
    counts = django_run(url, "-m", "bench.lists", "--count").splitlines()[-1]
    print_table(
        "What counting would cost instead (ms)", ["query", "rows", "ms"], json.loads(counts)
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--seed"]:
        seed()
    elif sys.argv[1:] == ["--credentials"]:
        credentials()
    elif sys.argv[1:] == ["--count"]:
        count_costs()
    else:
        main(sys.argv[1:])
