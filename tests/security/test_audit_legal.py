"""A change of a legal parameter in the back office is in the security audit log too."""

import pytest

from enterprises.models import AuditEvent
from tests.enforcement.admin_forms import change_url, form_data
from tests.enforcement.test_back_office import headline_row, legal_rows, miit  # noqa: F401

pytestmark = pytest.mark.django_db


def test_changing_a_deadline_is_recorded_with_who_where_which_row_and_why(client, miit):  # noqa: F811
    row = headline_row()
    client.force_login(miit)
    response = client.post(
        change_url(row),
        form_data(row, days=10, change_reason="部长办公会纪要"),
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302
    (record,) = AuditEvent.objects.filter(action="legal_parameter_change")
    assert (record.actor_id, record.ip_address) == (miit.pk, "192.0.2.44")
    assert record.target == f"enforcement.deadlinerule#{row.pk}"
    assert record.details["reason"] == "部长办公会纪要"
