"""The Celery app, with every periodic schedule of the portal in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# config is not a Django app, so its tasks are listed here.
app.conf.imports = ("config.tasks",)

# Each entry says in plain words what it does and when; times are Asia/Shanghai.
app.conf.beat_schedule = {
    # A heartbeat so an operator sees in the worker log that beat and worker both run.
    "heartbeat-every-minute": {
        "task": "config.tasks.heartbeat",
        "schedule": 60.0,
    },
    # Tell uploaders when an import's worker died mid-file (no progress for 15 minutes)
    # instead of leaving the progress bar spinning: every five minutes.
    "recover-stalled-imports": {
        "task": "batteries.tasks.imports_recover",
        "schedule": 300.0,
    },
    # Likewise for exports (no progress for 15 minutes): the requester sees "failed, export
    # again" instead of a bar that never moves; every five minutes, on the exports queue.
    "recover-stalled-exports": {
        "task": "stats.exports.tasks.exports_recover",
        "schedule": 300.0,
    },
    # Run every violation scan (the findings regulators review in the morning), nightly
    # at 01:30 Beijing time on the "scans" queue.
    "scan-violations-nightly": {
        "task": "enforcement.tasks.scan_all",
        "schedule": crontab(hour=1, minute=30),
    },
    # Re-check enforcement cases whose correction deadline passed yesterday or earlier
    # (overdue → the next rung is proposed to an official, never sanctioned by itself),
    # remind enterprises of deadlines three working days away and of unpaid fines: daily
    # at 02:30 Beijing time, after the nightly scan has recorded the day's cures.
    "enforcement-deadlines-daily": {
        "task": "enforcement.tasks.case_deadlines_check",
        "schedule": crontab(hour=2, minute=30),
    },
    # Bring the statistics rollups up to date with the events, cases and payments recorded
    # since the last refresh (only the cells they touch), every three minutes.
    "refresh-statistics-every-three-minutes": {
        "task": "stats.tasks.rollups_refresh",
        "schedule": 180.0,
    },
    # Rebuild the statistics rollups whole, nightly at 02:50 Beijing time (after the scans
    # and the deadline checks), which also picks up changed deadline rows and calendars.
    "rebuild-statistics-nightly": {
        "task": "stats.tasks.rollups_rebuild",
        "schedule": crontab(hour=2, minute=50),
    },
    # Clear idempotency keys older than their retention window, nightly at 03:10.
    "purge-expired-idempotency-keys-nightly": {
        "task": "batteries.tasks.idempotency_keys_purge",
        "schedule": crontab(hour=3, minute=10),
    },
    # Delete security audit records past their retention (AUDIT_RETENTION_DAYS, at least six
    # months), nightly at 03:40 Beijing time.
    "purge-old-audit-records-nightly": {
        "task": "enterprises.tasks.audit_purge",
        "schedule": crontab(hour=3, minute=40),
    },
    # Delete the files of background exports produced more than EXPORT_RETENTION_DAYS ago
    # (default 7) and mark them expired; the export record stays. Nightly at 03:50 Beijing.
    "purge-expired-export-files-nightly": {
        "task": "stats.exports.tasks.exports_purge",
        "schedule": crontab(hour=3, minute=50),
    },
    # Score every enterprise for the month just ended and rank it within its province (the
    # inspection priority list, stats.scorecard), on the 1st of each month at 04:00 Beijing
    # time, after the nightly scans and rollups.
    "scorecard-snapshot-monthly": {
        "task": "stats.scorecard.tasks.scorecard_monthly",
        "schedule": crontab(day_of_month=1, hour=4, minute=0),
    },
}
