"""Run the whole portal in one terminal: database, migrations, demo data, web, worker, beat.

Ctrl-C stops the web server and the worker (which stops beat), then the embedded database.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the portal with its embedded database, a Celery worker and beat."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo dataset.")

    def handle(self, *args, addrport: str, no_demo: bool, **options):
        call_command("migrate", interactive=False, verbosity=1)
        if not no_demo:
            call_command("seed_demo")
        children = self._start_children(addrport)
        # One heartbeat now, so the worker log shows a task within seconds of start-up.
        from config.tasks import heartbeat

        heartbeat.delay()
        self.stdout.write(
            self.style.SUCCESS(f"门户已启动 / Portal up: http://{addrport}/  (Ctrl-C 停止)")
        )
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
        self._stop_children(children)
        if not os.environ.get("DATABASE_URL"):
            from config.embedded_db import stop as stop_database

            stop_database(settings.VAR_DIR)
            self.stdout.write("嵌入式数据库已停止 / Embedded database stopped.")

    def _start_children(self, addrport: str) -> list[subprocess.Popen]:
        python = sys.executable
        worker = [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-B",
            "-Q",
            "celery,imports,scans,documents,exports",
            "--concurrency",
            "2",
            "-l",
            "INFO",
        ]
        web = [python, "manage.py", "runserver", addrport, "--noreload"]
        # Own process groups: Ctrl-C reaches us once, and we stop each child in order.
        return [
            subprocess.Popen(cmd, cwd=settings.BASE_DIR, start_new_session=True)
            for cmd in (worker, web)
        ]

    def _stop_children(self, children: list[subprocess.Popen]) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("Web 与任务进程已停止 / Web server, worker and beat stopped.")
