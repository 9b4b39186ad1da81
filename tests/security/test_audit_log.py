"""The audit log: what a record holds, that it cannot be changed, and its retention."""

import datetime as dt

import pytest
from django.db import connection
from django.db.utils import IntegrityError, InternalError
from django.test import RequestFactory
from django.utils import timezone

from enterprises.models import AuditEvent
from enterprises.services.audit import audit_purge, audit_record

pytestmark = pytest.mark.django_db


def test_a_record_says_who_when_from_where_and_what(admin_a):
    request = RequestFactory().post(
        "/enterprises/mine/api-keys/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="curl/8"
    )
    record = audit_record(
        actor=admin_a,
        action="api_key_create",
        request=request,
        target="AbCdEf12",
        details={"name": "ERP"},
    )
    stored = AuditEvent.objects.get(pk=record.pk)
    assert stored.actor_id == admin_a.pk
    assert stored.actor_name == admin_a.username
    assert stored.enterprise_id == admin_a.enterprise_id
    assert stored.province == "35"
    assert stored.ip_address == "203.0.113.7"
    assert stored.user_agent == "curl/8"
    assert stored.path == "/enterprises/mine/api-keys/"
    assert (stored.target, stored.details) == ("AbCdEf12", {"name": "ERP"})
    assert timezone.now() - stored.occurred_at < dt.timedelta(seconds=5)
    assert stored.action_label == "创建 API 密钥"


def test_a_tried_user_name_and_control_characters_are_stored_safely():
    record = audit_record(actor="ghost\x00\x1b", action="login_failed", target="a\x00b")
    stored = AuditEvent.objects.get(pk=record.pk)
    assert stored.actor_id is None
    assert "\x00" not in stored.actor_name and stored.actor_name.startswith("ghost")
    assert stored.target == "a\ufffdb"


def test_big_details_are_cut_rather_than_stored_whole():
    record = audit_record(actor=None, action="export", details={"rows": "x" * 100_000})
    assert len(AuditEvent.objects.get(pk=record.pk).details["truncated"]) == 4_000


def test_records_cannot_be_changed_or_deleted_even_in_sql(admin_a):
    record = audit_record(actor=admin_a, action="login")
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=record.pk).update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=record.pk).delete()
    for sql in (
        "UPDATE enterprises_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM enterprises_auditevent WHERE id = %s",
    ):
        with pytest.raises((IntegrityError, InternalError)), connection.cursor() as cursor:
            cursor.execute("SAVEPOINT s")
            try:
                cursor.execute(sql, [record.pk])
            finally:
                cursor.execute("ROLLBACK TO SAVEPOINT s")
    assert AuditEvent.objects.get(pk=record.pk).action == "login"


def test_purge_deletes_only_what_is_past_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    recent = audit_record(actor=None, action="login")
    with connection.cursor() as cursor:  # an old row, as if written 400 days ago
        cursor.execute(
            "INSERT INTO enterprises_auditevent (occurred_at, actor_name, actor_kind, province,"
            " action, user_agent, path, target, details) VALUES (%s, 'old', '', '', 'login',"
            " '', '', '', '{}')",
            [now - dt.timedelta(days=400)],
        )
    assert audit_purge(now=now) == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_purge_is_scheduled_nightly_and_its_task_runs(settings):
    from config.celery import app
    from enterprises.tasks import audit_purge as task

    entry = app.conf.beat_schedule["purge-old-audit-records-nightly"]
    assert entry["task"] == "enterprises.tasks.audit_purge"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {40})
    audit_record(actor=None, action="login")
    assert task() == 0  # nothing is old enough yet
