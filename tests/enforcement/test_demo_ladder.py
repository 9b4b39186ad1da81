"""Right after `make run`: cases at every rung of the ladder, for both regulators."""

import io

import pytest
from django.core.management import call_command

from enforcement.models import Case, Document
from enforcement.selectors import desk_counts
from enterprises.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_at_every_rung_with_documents_and_a_paid_and_an_unpaid_fine():
    call_command("seed_demo", stdout=io.StringIO())
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        "detected", "under_review", "confirmed", "dismissed", "ordered", "overdue", "warned",
        "notice_served", "decided", "closed",
    } <= statuses  # fmt: skip
    for username in ("miit", "jiangsu"):
        _review, ladder, totals = desk_counts(user=User.objects.get(username=username))
        assert all(ladder.values()), (username, ladder)
        assert totals["fined_fen"] == (40_000 + 20_000) * 100
    kinds = set(Document.objects.values_list("kind", flat=True))
    assert kinds == {"correction_order", "warning", "penalty_notice", "fine_decision"}
    assert Document.objects.filter(revoked_at__isnull=False).count() == 1
    assert Document.objects.filter(number="工信改〔2026〕1号").exists()
    fines = Case.objects.filter(fine_fen__isnull=False)
    assert sorted(fines.values_list("status", flat=True)) == ["closed", "decided"]
    enterprise = User.objects.get(username="dismantler-admin")
    todo = desk_counts(user=enterprise)[1]
    assert todo["todo"] >= 3 and todo["closed"] >= 2
