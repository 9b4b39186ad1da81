"""Recompute packs' hash chains and report every broken link."""

from django.core.management.base import BaseCommand, CommandError

from batteries.models import Battery
from batteries.services.chain import chain_verify
from common.identifiers import normalize_identifier


class Command(BaseCommand):
    help = (
        "Verify the per-pack event hash chain of one pack (CODE) or of every pack (--all), "
        "in primary-key chunks. Exits with status 1 if any chain is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="battery code of one pack")
        parser.add_argument("--all", action="store_true", help="verify every pack")
        parser.add_argument(
            "--chunk-size", type=int, default=1000, help="packs read per query (default 1000)"
        )

    def handle(self, *args, code=None, all=False, chunk_size=1000, **options):
        if bool(code) == bool(all):
            raise CommandError("Give either one battery code or --all.")
        if code:
            broken = self._verify_one(normalize_identifier(code))
        else:
            broken = self._verify_all(max(chunk_size, 1))
        if broken:
            raise CommandError(f"{broken} broken chain(s).", returncode=1)

    def _verify_one(self, code: str) -> int:
        battery = Battery.objects.filter(code=code).first()
        if battery is None:
            raise CommandError(f"Unknown battery code: {code}")
        report = chain_verify(battery)
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"{code} OK ({report.events_checked} events)"))
            return 0
        self._report_broken(battery, report)
        return 1

    def _verify_all(self, chunk_size: int) -> int:
        checked = broken = 0
        last_pk = 0
        while True:
            chunk = list(
                Battery.objects.filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", "code", "last_seq", "last_hash")[:chunk_size]
            )
            if not chunk:
                break
            for battery in chunk:
                report = chain_verify(battery)
                if not report.ok:
                    broken += 1
                    self._report_broken(battery, report)
            checked += len(chunk)
            last_pk = chunk[-1].pk
            self.stderr.write(f"… {checked} packs checked, {broken} broken")
        summary = f"{checked} packs checked, {broken} broken."
        self.stdout.write(self.style.ERROR(summary) if broken else self.style.SUCCESS(summary))
        return broken

    def _report_broken(self, battery: Battery, report) -> None:
        self.stdout.write(
            self.style.ERROR(
                f"{battery.code} BROKEN at event #{report.broken_seq} "
                f"({report.reason}; {report.events_checked} events checked)"
            )
        )
