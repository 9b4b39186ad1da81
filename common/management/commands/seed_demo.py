"""Load the demo dataset: each installed app's `demo.seed()` runs, upstream apps first."""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load a small realistic demo dataset (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        logins: list[tuple[str, str, str]] = []
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                logins += module.seed() or []
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / Demo data ready. Logins:"))
        for username, password, role in logins:
            self.stdout.write(f"  {username:<22} {password:<16} {role}")
