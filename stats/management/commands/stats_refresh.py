"""Refresh the statistics rollups by hand: `manage.py stats_refresh [--full] [--json]`."""

import json

from django.core.management.base import BaseCommand

from stats.refresh import full_rebuild, incremental_refresh


class Command(BaseCommand):
    help = (
        "Refresh the statistics rollups: apply what changed since the last refresh, or "
        "with --full rebuild them all from the registry and the enforcement tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every rollup")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, full, as_json, **options):
        outcome = full_rebuild() if full else incremental_refresh()
        if as_json:
            self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{outcome.mode}: {outcome.events} events, "
            f"enforcement {'recounted' if outcome.enforcement else 'unchanged'}, "
            f"{outcome.seconds:.2f} s"
        )
