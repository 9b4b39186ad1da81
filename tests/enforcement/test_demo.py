"""Right after `make run`: a scan has run and every review queue holds cases."""

import io

import pytest
from django.core.management import call_command

from enforcement.models import Finding, Rule, ScanRun
from enforcement.selectors import case_queue_counts
from enterprises.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_flags_every_rule_and_fills_every_queue_of_both_regulators():
    call_command("seed_demo", stdout=io.StringIO())
    assert {f.rule for f in Finding.objects.all()} == set(Rule.values)
    for username in ("miit", "jiangsu"):
        counts = case_queue_counts(user=User.objects.get(username=username))
        assert all(counts.values()), (username, counts)
    runs = ScanRun.objects.filter(started_by="demo")
    assert runs.count() == len(Rule.values)
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing new
    assert ScanRun.objects.filter(started_by="demo").count() == len(Rule.values)
