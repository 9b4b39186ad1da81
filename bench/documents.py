"""Benchmark official documents: rendering, throughput with two workers, gap-free numbers.

    .venv/bin/python -m bench documents [--renders 5] [--annex 1000] [--throughput 60]
                                        [--issues 1000] [--issuers 8]

On a dedicated `bench_documents` database (dropped and re-created, migrated) a Jiangsu
dismantler gets confirmed cases of the headline rule, with 1 finding each, one with
`--annex` findings, and a Zhejiang dismantler `--issues` more; their correction orders are
issued through the real service (`order_issue`: number, snapshot, row). Then:

1. Rendering: a fresh worker-like process renders the one-page order and the order whose
   annex lists `--annex` packs, `--renders` times each (WeasyPrint, AR PL UMing), and
   reports seconds per document, pages, PDF size and the process's peak RSS (one process
   per document kind, so each peak is its own).
2. Throughput: `celery worker -Q documents -c 2` renders `--throughput` one-page orders
   queued by the issuing (filesystem broker under var/bench/); documents per minute are
   taken between the first and the last document stored.
3. Numbering: `--issuers` processes issue `--issues` correction orders of one authority,
   kind and year at the same moment; one issue in ten is rolled back after taking its
   number (and retried). The check: the numbers are exactly 1…N, no gap, no duplicate,
   and the counter row says N.

Django runs only in subprocesses (as in bench.api), files go to var/bench/documents/.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

from bench.api import PYTHON, ROOT, database_recreate, database_url, print_table, server_env

DB = "bench_documents"
WORK = ROOT / "var" / "bench" / "documents"


def env(phase: str) -> dict[str, str]:
    """The environment of a Django process of one phase (its own broker folder)."""
    return {
        **server_env(database_url(DB)),
        "PORTAL_VAR_DIR": str(WORK / phase),
        "MEDIA_ROOT": str(WORK / "media"),
        "CELERY_BROKER_URL": "filesystem://",
        "LOG_LEVEL": "WARNING",
    }


def child(phase: str, payload: dict) -> dict:
    done = subprocess.run(
        [PYTHON, "-m", "bench.documents", "--child", json.dumps(payload)],
        cwd=ROOT,
        env=env(phase),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"{payload['step']} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Steps run inside Django (child processes) --------------------------------------------------


def _setup():
    import django

    django.setup()


def child_seed(payload: dict) -> dict:
    """Create the parties and cases; issue the orders to render; return their ids."""
    _setup()
    import datetime as dt

    from django.db import transaction

    from common.identifiers import make_uscc
    from enforcement.models import Case, Finding
    from enforcement.sanctions import services as ladder
    from enforcement.services.setup import enforcement_data_ensure
    from enterprises.models import Enterprise
    from enterprises.services.users import user_create

    enforcement_data_ensure()

    def enterprise(name: str, division: str, seed: int) -> Enterprise:
        return Enterprise.objects.create(
            name=name, uscc=make_uscc(division, seed), address=f"{name}厂区",
            division_code=division, contact_name="张工", contact_phone="0512-00000000",
            contact_email=f"bench{seed}@example.cn", roles=["dismantler"], status="approved",
        )  # fmt: skip

    jiangsu_firm = enterprise("基准江苏拆解公司", "320506", 9101)
    zhejiang_firm = enterprise("基准浙江拆解公司", "330106", 9102)
    officials = {
        key: user_create(
            username=f"bench-{key}",
            password="bench-pass-2026",
            kind="provincial",
            email=f"{key}@example.cn",
            enterprise=None,
            province=province,
        )  # fmt: skip
        for key, province in (("jiangsu", "32"), ("zhejiang", "33"))
    }

    def cases(firm, sizes: list[int], tag: str) -> list[int]:
        made = Case.objects.bulk_create(
            Case(enterprise=firm, rule="scrapped_pack_not_handed_over", status="confirmed",
                 province=firm.province)
            for _ in sizes
        )  # fmt: skip
        findings = []
        for case, size in zip(made, sizes, strict=True):
            findings += [
                Finding(
                    rule="scrapped_pack_not_handed_over",
                    key=f"bench:{tag}:{case.pk}:{n}",
                    subject=f"B01PB01A1B2C3DG4F{n:07d}",
                    enterprise=firm,
                    case=case,
                    anchor_date=dt.date(2026, 5, 6),
                    deadline=dt.date(2026, 5, 26),
                    detected_as_of=dt.date(2026, 6, 1),
                    details={"source": "portal"},
                )  # fmt: skip
                for n in range(size)
            ]
        Finding.objects.bulk_create(findings, batch_size=5000)
        return [case.pk for case in made]

    one, annex = cases(jiangsu_firm, [1, payload["annex"]], "render")
    throughput = cases(jiangsu_firm, [1] * payload["throughput"], "throughput")
    numbering = cases(zhejiang_firm, [1] * payload["issues"], "numbering")
    ids = {}
    with transaction.atomic():
        for key, pk in (("one", one), ("annex", annex)):
            case = Case.objects.get(pk=pk)
            ids[key] = ladder.order_issue(case=case, actor=officials["jiangsu"]).pk
    return {"render": ids, "throughput_cases": throughput, "numbering_cases": numbering}


def child_issue(payload: dict) -> dict:
    """Issue orders for the given cases as one official; roll back every tenth once."""
    _setup()
    from django.db import transaction

    from enforcement.models import Case
    from enforcement.sanctions import services as ladder
    from enterprises.models import User

    class Rollback(Exception):
        pass

    official = User.objects.get(username=payload["official"])
    issued = rolled_back = 0
    began = time.monotonic()
    for n, pk in enumerate(payload["cases"]):
        case = Case.objects.get(pk=pk)
        if payload.get("rollbacks") and n % 10 == 3:
            try:
                with transaction.atomic():
                    ladder.order_issue(case=case, actor=official)
                    raise Rollback
            except Rollback:
                rolled_back += 1
        ladder.order_issue(case=case, actor=official)
        issued += 1
    return {"issued": issued, "rolled_back": rolled_back, "seconds": time.monotonic() - began}


def child_render(payload: dict) -> dict:
    """Render one document `times` times, as the worker does, without storing it."""
    _setup()
    import resource

    from enforcement.documents.render import document_pdf
    from enforcement.models import Document

    seconds, size, pages = [], 0, 0
    for _ in range(payload["times"]):
        document = Document.objects.select_related("authority").get(pk=payload["id"])
        began = time.perf_counter()
        pdf, pages = document_pdf(document)
        seconds.append(time.perf_counter() - began)
        size = len(pdf)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "bytes": size, "pages": pages, "peak_mb": peak_kb / 1024}


def child_check(payload: dict) -> dict:
    """Read back the numbers of the concurrent issue and the throughput renders."""
    _setup()
    from django.db.models import Max, Min

    from enforcement.models import Document, DocumentCounter

    numbers = Document.objects.filter(authority__province="33", kind="correction_order")
    sequences = sorted(numbers.values_list("sequence", flat=True))
    counter = DocumentCounter.objects.filter(authority__province="33").first()
    rendered = Document.objects.filter(case_id__in=payload["throughput_cases"]).exclude(sha256="")
    span = rendered.aggregate(first=Min("rendered_at"), last=Max("rendered_at"))
    return {
        "sequences": sequences,
        "distinct": len(set(sequences)),
        "counter": counter.last if counter else 0,
        "first_number": numbers.order_by("sequence").values_list("number", flat=True).first(),
        "last_number": numbers.order_by("-sequence").values_list("number", flat=True).first(),
        "rendered": rendered.count(),
        "span_s": (span["last"] - span["first"]).total_seconds() if span["first"] else 0,
    }


# --- The run ------------------------------------------------------------------------------------


def prepare(args) -> dict:
    shutil.rmtree(WORK, ignore_errors=True)
    for phase in ("seed", "throughput", "numbering"):
        for sub in ("out", "processed", "control"):
            (WORK / phase / "broker" / sub).mkdir(parents=True, exist_ok=True)
    database_recreate(DB)
    done = subprocess.run(
        [PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env("seed"), capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    payload = {"annex": args.annex, "throughput": args.throughput, "issues": args.issues}
    return child("seed", {"step": "seed", **payload})


def render_phase(ids: dict, times: int, annex: int) -> list[list]:
    rows = []
    labels = (
        ("one", "correction order, 1 pack"),
        ("annex", f"correction order, {annex}-pack annex"),
    )
    for key, label in labels:
        result = child("seed", {"step": "render", "id": ids[key], "times": times})
        s = result["seconds"]
        rows.append(
            [
                label,
                result["pages"],
                f"{result['bytes'] / 1024:.0f}",
                f"{statistics.mean(s):.3f}",
                f"{min(s):.3f}",
                f"{max(s):.3f}",
                f"{result['peak_mb']:.0f}",
            ]
        )
    return rows


def throughput_phase(seeded: dict, count: int) -> dict:
    """Issue `count` orders into the throughput broker, then let two workers render them."""
    per = max(1, len(seeded["throughput_cases"]))
    child(
        "throughput",
        {"step": "issue", "official": "bench-jiangsu", "cases": seeded["throughput_cases"]},
    )
    worker = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", "documents", "-c", "2",
         "--pool", "prefork", "-l", "WARNING", "--without-heartbeat", "--without-gossip",
         "--without-mingle"],
        cwd=ROOT, env=env("throughput"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    began = time.monotonic()
    try:
        while time.monotonic() - began < 600:
            check = child("seed", {"step": "check", "throughput_cases": seeded["throughput_cases"]})
            if check["rendered"] >= per:
                break
            time.sleep(1)
    finally:
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
    return check


def numbering_phase(seeded: dict, issuers: int) -> tuple[float, list[dict]]:
    cases = seeded["numbering_cases"]
    chunks = [cases[i::issuers] for i in range(issuers)]
    began = time.monotonic()
    processes = [
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "bench.documents",
                "--child",
                json.dumps(
                    {
                        "step": "issue",
                        "official": "bench-zhejiang",
                        "cases": chunk,
                        "rollbacks": True,
                    }
                ),
            ],
            cwd=ROOT,
            env=env("numbering"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for chunk in chunks
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=1200)
        if process.returncode:
            raise RuntimeError(f"issuer failed:\n{err[-3000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return time.monotonic() - began, results


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.documents")
    parser.add_argument("--renders", type=int, default=5, help="renders per document kind")
    parser.add_argument("--annex", type=int, default=1000, help="packs in the annex")
    parser.add_argument("--throughput", type=int, default=60, help="documents for 2 workers")
    parser.add_argument("--issues", type=int, default=1000, help="documents issued at once")
    parser.add_argument("--issuers", type=int, default=8, help="concurrent issuing processes")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    seeded = prepare(args)
    rows = render_phase(seeded["render"], args.renders, args.annex)
    print_table(
        f"Rendering (WeasyPrint, AR PL UMing; {args.renders} renders each; annex "
        f"{args.annex} packs; load {load:.1f})",
        ["document", "pages", "KB", "s/doc mean", "min", "max", "peak RSS MB"],
        rows,
    )
    check = throughput_phase(seeded, args.throughput)
    rendered, span = check["rendered"], check["span_s"]
    rate = (rendered - 1) / span * 60 if span and rendered > 1 else 0
    print_table(
        "Throughput: celery worker -Q documents -c 2 (prefork), one-page orders",
        ["documents", "rendered", "first → last stored (s)", "documents/min"],
        [[args.throughput, rendered, f"{span:.1f}", f"{rate:.0f}"]],
    )
    seconds, results = numbering_phase(seeded, args.issuers)
    check = child("seed", {"step": "check", "throughput_cases": []})
    expected = list(range(1, args.issues + 1))
    gap_free = check["sequences"] == expected
    print_table(
        f"Numbering: {args.issues} correction orders of one authority × kind × year issued by "
        f"{args.issuers} concurrent processes",
        ["issued", "rolled back (retried)", "seconds", "numbers", "distinct", "counter",
         "exactly 1…N"],
        [[sum(r["issued"] for r in results), sum(r["rolled_back"] for r in results),
          f"{seconds:.1f}", f"{check['first_number']} … {check['last_number']}",
          check["distinct"], check["counter"], "yes" if gap_free else "NO"]],
    )  # fmt: skip
    if not gap_free:
        missing = sorted(set(expected) - set(check["sequences"]))[:20]
        print(f"  missing: {missing}; duplicates: {len(check['sequences']) - check['distinct']}")
        raise SystemExit(1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        request = json.loads(sys.argv[2])
        step = {
            "seed": child_seed,
            "issue": child_issue,
            "render": child_render,
            "check": child_check,
        }[request["step"]]
        print(json.dumps(step(request), default=str))
    else:
        main(sys.argv[1:])
