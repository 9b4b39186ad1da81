"""Write a realistic national data set as import files under var/bench/ (streaming, seeded).

    .venv/bin/python -m bench generate [--packs 1000000] [--manufacturers 300]
                                       [--event-packs N] [--variant 0] [--seed 2026]

Files (N = --packs, V = --variant):

- `manufacturers.csv`: the GB/T 34014 manufacturer codes (a few hundred producers) and each
  one's market share, Zipf-like as in the real market (the largest holds ~20 % of packs);
- `packs-N[-vV].csv`: N pack rows in the packs template, in production-date order over the
  last ~3 years, manufacturers interleaved; LFP ~60 %, ternary ~38 %, other 2 %; realistic
  mass and energy. Variants use disjoint serial ranges, so their codes never collide;
- `events-N[-vV].csv`: 3 events per pack (生产, 装车（合格证） with a VIN, 车辆销售), in time
  order across the whole file (three time-shifted streams merged), for the first
  --event-packs packs (default: all).

Nothing is held in memory but the current rows: the files are written as they are generated.
No Django needed.
"""

import argparse
import csv
import heapq
import itertools
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from common.battery_code import DAY_LETTERS, MONTH_LETTERS, YEAR_LETTERS
from common.identifiers import make_vin

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
ALNUM = string.digits + string.ascii_uppercase
PACK_HEADER = ["电池编码", "上级编码", "质量(kg)", "额定能量(Wh)"]
EVENT_HEADER = [
    "电池编码",
    "事件类型",
    "发生时间",
    "对方企业统一社会信用代码",
    "车辆识别代号",
    "回收网点编号",
    "单据编号",
    "备注",
]
SERIAL_SPAN = 3_000_000  # serials of variant v start at v * SERIAL_SPAN (variants 0-2)
INSTALL = "装车（合格证）"
SHANGHAI = ZoneInfo("Asia/Shanghai")  # times are written as local Beijing time
WMIS = ["LGXCE4CB", "LFV2A21K", "LSVNV4187", "LB37622S", "LNBSCCAK"]


@dataclass(frozen=True, slots=True)
class Pack:
    code: str
    mass_kg: int
    capacity_wh: int
    produced_at: datetime
    installed_at: datetime
    sold_at: datetime
    vin: str


def manufacturer_codes(count: int, seed: int) -> list[tuple[str, float]]:
    """Return `count` distinct 3-character codes with Zipf-like market shares."""
    rng = random.Random(seed)
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        code = "".join(rng.choice(ALNUM) for _ in range(3))
        if code not in seen:
            seen.add(code)
            codes.append(code)
    weights = [1 / (rank**1.1) for rank in range(1, count + 1)]
    total = sum(weights)
    return [(code, weight / total) for code, weight in zip(codes, weights, strict=True)]


def packs(
    count: int, *, manufacturers: list[tuple[str, float]], seed: int, variant: int = 0
) -> Iterator[Pack]:
    """Yield `count` packs in production order; the same arguments give the same packs."""
    if not 0 <= variant < 10**7 // SERIAL_SPAN:
        raise ValueError(f"variant must be 0–{10**7 // SERIAL_SPAN - 1}: serials have 7 digits")
    rng = random.Random(seed * 1000 + variant)
    codes = [code for code, _ in manufacturers]
    cumulative = list(_accumulate(share for _, share in manufacturers))
    serials = dict.fromkeys(codes, variant * SERIAL_SPAN)
    specs = {code: [f"{n:02d}" for n in range(1, rng.randint(2, 6))] for code in codes}
    today = datetime.now(tz=SHANGHAI).date()
    last = today - timedelta(days=75)  # leaves room for installation and sale
    first = last - timedelta(days=3 * 365)
    span = (last - first).days
    for index in range(count):
        mfr = codes[_pick(cumulative, rng.random())]
        serials[mfr] += 1
        if serials[mfr] >= (variant + 1) * SERIAL_SPAN:
            raise ValueError(f"more than {SERIAL_SPAN:,} packs for manufacturer {mfr}")
        produced = first + timedelta(days=span * index // max(count, 1))
        chemistry = rng.choices("BEZ", weights=(60, 38, 2))[0]
        stamp = YEAR_LETTERS[produced.year] + MONTH_LETTERS[produced.month]
        stamp += DAY_LETTERS[produced.day]
        trace = "".join(rng.choice(ALNUM) for _ in range(7))
        code = f"{mfr}P{chemistry}{rng.choice(specs[mfr])}{trace}{stamp}{serials[mfr]:07d}"
        energy = rng.randrange(40_000, 110_000, 500)
        morning = datetime(produced.year, produced.month, produced.day, 8, tzinfo=SHANGHAI)
        start = morning + timedelta(minutes=rng.randrange(0, 600))
        installed = start + timedelta(days=rng.randint(3, 20), minutes=rng.randrange(600))
        sold = installed + timedelta(days=rng.randint(5, 40), minutes=rng.randrange(600))
        vin = make_vin(WMIS[index % len(WMIS)][:8], f"T{variant}{index:06d}"[-8:])
        yield Pack(code, int(energy / 150), energy, start, installed, sold, vin)


def _accumulate(values) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def _pick(cumulative: list[float], x: float) -> int:
    low, high = 0, len(cumulative) - 1
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] < x:
            low = middle + 1
        else:
            high = middle
    return low


def _suffix(variant: int) -> str:
    return f"-v{variant}" if variant else ""


def packs_path(count: int, variant: int = 0) -> Path:
    return OUT / f"packs-{count}{_suffix(variant)}.csv"


def events_path(count: int, variant: int = 0, event_packs: int | None = None) -> Path:
    scope = f"-first{event_packs}" if event_packs is not None and event_packs < count else ""
    return OUT / f"events-{count}{scope}{_suffix(variant)}.csv"


def write_packs(count: int, *, seed: int, variant: int, manufacturers) -> Path:
    path = packs_path(count, variant)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PACK_HEADER)
        for pack in packs(count, manufacturers=manufacturers, seed=seed, variant=variant):
            writer.writerow([pack.code, "", pack.mass_kg, pack.capacity_wh])
    return path


def _event_stream(kind: str, source: Iterator[Pack]) -> Iterator[tuple[datetime, list[str]]]:
    for pack in source:
        if kind == "produce":
            yield pack.produced_at, [pack.code, "生产", _t(pack.produced_at), "", "", "", "", ""]
        elif kind == "install":
            row = [pack.code, INSTALL, _t(pack.installed_at), "", pack.vin, ""]
            yield pack.installed_at, [*row, f"HGZ{pack.vin[-8:]}", ""]
        else:
            yield pack.sold_at, [pack.code, "车辆销售", _t(pack.sold_at), "", "", "", "", ""]


def _t(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def write_events(count: int, *, seed: int, variant: int, manufacturers, event_packs: int) -> Path:
    """Write the three events of the first `event_packs` packs, merged in time order."""
    path = events_path(count, variant, event_packs)

    def source() -> Iterator[Pack]:
        everything = packs(count, manufacturers=manufacturers, seed=seed, variant=variant)
        return itertools.islice(everything, event_packs)

    streams = [_event_stream(kind, source()) for kind in ("produce", "install", "sell")]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EVENT_HEADER)
        for _, row in heapq.merge(*streams, key=lambda item: item[0]):
            writer.writerow(row)
    return path


def generate(
    *, packs_count: int, manufacturers: int, seed: int, variant: int, event_packs: int | None
) -> dict[str, Path]:
    """Write the manufacturer list, the packs file and the events file; return their paths."""
    OUT.mkdir(parents=True, exist_ok=True)
    codes = manufacturer_codes(manufacturers, seed)
    with open(OUT / "manufacturers.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "share"])
        writer.writerows((code, f"{share:.6f}") for code, share in codes)
    event_packs = packs_count if event_packs is None else min(event_packs, packs_count)
    paths = {
        "manufacturers": OUT / "manufacturers.csv",
        "packs": write_packs(packs_count, seed=seed, variant=variant, manufacturers=codes),
    }
    if event_packs:
        paths["events"] = write_events(
            packs_count, seed=seed, variant=variant, manufacturers=codes, event_packs=event_packs
        )
    return paths


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench generate", description=__doc__)
    parser.add_argument("--packs", type=int, default=1_000_000)
    parser.add_argument("--manufacturers", type=int, default=300)
    parser.add_argument("--event-packs", type=int, default=None, help="default: every pack")
    parser.add_argument("--variant", type=int, default=0, help="disjoint serial range")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    paths = generate(
        packs_count=args.packs,
        manufacturers=args.manufacturers,
        seed=args.seed,
        variant=args.variant,
        event_packs=args.event_packs,
    )
    for name, path in paths.items():
        print(f"{name:>13}: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
