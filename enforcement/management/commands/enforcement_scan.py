"""Run the violation scans by hand: `manage.py enforcement_scan --as-of 2026-11-30`."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enforcement.scans import scan_run
from enforcement.scans.specs import SPECS


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: not a date in YYYY-MM-DD: {text!r}") from None


class Command(BaseCommand):
    help = (
        "Run the violation scans as of a day (default today, Beijing time). Safe to run "
        "twice; --dry-run writes nothing; --json prints only the findings as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_day, default=None, help="YYYY-MM-DD")
        parser.add_argument(
            "--rule", action="append", choices=sorted(SPECS), dest="rules", help="repeatable"
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, as_of, rules, dry_run, as_json, **options):
        as_of = as_of or timezone.localdate()
        outcomes = scan_run(
            as_of=as_of, rules=rules, dry_run=dry_run, started_by="command", collect=as_json
        )
        if as_json:
            findings = [f for outcome in outcomes for f in outcome.findings]
            self.stdout.write(json.dumps(findings, ensure_ascii=False, default=str))
            return
        mode = "（试运行，未写入）" if dry_run else ""
        self.stdout.write(f"扫描基准日 / as of {as_of.isoformat()} {mode}")
        self.stdout.write(
            f"{'rule':<34}{'examined':>10}{'found':>8}{'new':>8}{'known':>8}{'cured':>8}{'ms':>8}"
        )
        for outcome in outcomes:
            run = outcome.run
            self.stdout.write(
                f"{run.rule:<34}{run.rows_examined:>10}{run.found:>8}{run.new:>8}"
                f"{run.known:>8}{run.cured:>8}{run.duration_ms:>8}"
            )
