"""Regulators review applications: transitions, reasons, emails, history and province scope."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_is_active
from enterprises.services.enterprises import enterprise_review
from tests.enterprises.conftest import registration_data
from tests.factories import enterprise_create, user_of
from tests.scoping import assert_page_hides

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(db):
    return enterprise_create(
        name="福建待审回收有限公司", division="350102", seed=31, status="pending"
    )


@pytest.fixture
def applicant_admin(applicant):
    return user_of("enterprise_admin", enterprise=applicant)


@pytest.fixture
def jiangsu_applicant(db):
    return enterprise_create(
        name="江苏待审回收有限公司", division="320506", seed=32, status="pending"
    )


def _review(client, enterprise, action, reason=""):
    return client.post(
        reverse("enterprises:enterprise_review", args=[enterprise.pk]),
        {"action": action, "reason": reason},
    )


def test_a_regulator_approves_an_application_and_the_administrator_is_emailed(
    client, national_regulator, applicant, applicant_admin, django_capture_on_commit_callbacks
):
    client.force_login(national_regulator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _review(client, applicant, "approve")
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == Enterprise.Status.APPROVED
    assert applicant.status_changed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [applicant_admin.email]
    assert "已批准" in message.subject and "approved" in message.subject.lower()
    assert message.body.index("已批准") < message.body.index("approved")
    assert applicant.uscc in message.body


def test_the_history_records_who_changed_the_status_when_and_why(
    client, national_regulator, applicant
):
    client.force_login(national_regulator)
    _review(client, applicant, "approve", "材料齐全")
    record = applicant.history.first()
    assert record.history_user == national_regulator
    assert record.history_change_reason == "批准：材料齐全"
    body = client.get(
        reverse("enterprises:enterprise_detail", args=[applicant.pk])
    ).content.decode()
    assert "待审核 → 已批准" in body
    assert national_regulator.username in body


def test_rejection_requires_a_reason(client, national_regulator, applicant, applicant_admin):
    client.force_login(national_regulator)
    response = _review(client, applicant, "reject", "  ")
    assert response.status_code == 400
    assert "必须填写理由" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == Enterprise.Status.PENDING
    assert not mail.outbox


def test_a_rejection_tells_the_enterprise_why(
    client, national_regulator, applicant, applicant_admin, django_capture_on_commit_callbacks
):
    client.force_login(national_regulator)
    with django_capture_on_commit_callbacks(execute=True):
        _review(client, applicant, "reject", "营业执照照片不清晰")
    applicant.refresh_from_db()
    assert applicant.status == Enterprise.Status.REJECTED
    assert "营业执照照片不清晰" in mail.outbox[0].body
    client.force_login(applicant_admin)
    assert "营业执照照片不清晰" in client.get(reverse("enterprises:my_enterprise")).content.decode()


def test_suspension_requires_a_reason_and_reinstatement_restores_approval(
    national_regulator, enterprise_a, admin_a, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        enterprise_review(enterprise=enterprise_a, actor=national_regulator, action="suspend")
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_review(
            enterprise=enterprise_a, actor=national_regulator, action="suspend", reason="逾期未报"
        )
    admin_a.refresh_from_db()
    assert not enterprise_is_active(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_review(enterprise=enterprise_a, actor=national_regulator, action="reinstate")
    admin_a.refresh_from_db()
    assert enterprise_is_active(admin_a)
    assert [m.subject.split("】")[1].split(" /")[0] for m in mail.outbox] == [
        "企业账户已暂停",
        "企业账户已恢复",
    ]


def test_it_refuses_a_transition_the_table_does_not_allow(national_regulator, enterprise_a):
    with pytest.raises(ValidationError, match="不能执行“批准”"):
        enterprise_review(enterprise=enterprise_a, actor=national_regulator, action="approve")


def test_only_approved_enterprises_may_do_business(applicant_admin, admin_a, national_regulator):
    assert not enterprise_is_active(applicant_admin)
    assert enterprise_is_active(admin_a)
    assert not enterprise_is_active(national_regulator)


def test_a_fujian_regulator_reviews_fujian_applications(
    client, fujian_regulator, applicant, jiangsu_applicant
):
    client.force_login(fujian_regulator)
    body = client.get(reverse("enterprises:review_list")).content.decode()
    assert applicant.name in body
    assert jiangsu_applicant.name not in body
    assert _review(client, applicant, "approve").status_code == 302


def test_a_fujian_regulator_can_neither_see_nor_review_a_jiangsu_enterprise(
    client, fujian_regulator, jiangsu_applicant, jiangsu_regulator
):
    client.force_login(fujian_regulator)
    detail = reverse("enterprises:enterprise_detail", args=[jiangsu_applicant.pk])
    assert client.get(detail).status_code == 404
    assert _review(client, jiangsu_applicant, "approve").status_code == 404
    jiangsu = Client()
    jiangsu.force_login(jiangsu_regulator)
    assert_page_hides(
        client,
        reverse("enterprises:enterprise_list"),
        [jiangsu_applicant.name],
        owner_client=jiangsu,
    )
    with pytest.raises(PermissionDenied):
        enterprise_review(enterprise=jiangsu_applicant, actor=fujian_regulator, action="approve")
    jiangsu_applicant.refresh_from_db()
    assert jiangsu_applicant.status == Enterprise.Status.PENDING


def test_enterprise_users_cannot_open_the_review_screens(client, admin_a, enterprise_a):
    client.force_login(admin_a)
    assert client.get(reverse("enterprises:review_list")).status_code == 403
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 403
    detail = reverse("enterprises:enterprise_detail", args=[enterprise_a.pk])
    assert client.get(detail).status_code == 403
    with pytest.raises(PermissionDenied):
        enterprise_review(enterprise=enterprise_a, actor=admin_a, action="suspend", reason="x")


def test_the_review_queue_shows_pending_applications_oldest_first(
    client, national_regulator, applicant, jiangsu_applicant, enterprise_a
):
    client.force_login(national_regulator)
    body = client.get(reverse("enterprises:review_list")).content.decode()
    assert body.index(applicant.name) < body.index(jiangsu_applicant.name)
    assert enterprise_a.name not in body  # approved, not in the queue


def test_the_registry_filters_by_role_province_and_search(
    client, national_regulator, enterprise_a, enterprise_b
):
    client.force_login(national_regulator)
    url = reverse("enterprises:enterprise_list")
    by_role = client.get(url, {"role": "utilizer"}).content.decode()
    assert enterprise_b.name in by_role and enterprise_a.name not in by_role
    by_province = client.get(url, {"province": "35"}).content.decode()
    assert enterprise_a.name in by_province and enterprise_b.name not in by_province
    by_uscc = client.get(url, {"q": enterprise_b.uscc[:12].lower()}).content.decode()
    assert enterprise_b.name in by_uscc and enterprise_a.name not in by_uscc
    by_name = client.get(url, {"q": "甲电池"}).content.decode()
    assert enterprise_a.name in by_name and enterprise_b.name not in by_name


def test_the_detail_page_links_the_supporting_document_for_regulators_only(
    client, national_regulator, admin_b
):
    client.post(reverse("enterprises:register"), registration_data())
    enterprise = Enterprise.objects.get(name="宁德示例新能源科技有限公司")
    client.force_login(national_regulator)
    document = reverse("enterprises:enterprise_document", args=[enterprise.pk])
    assert (
        document
        in client.get(
            reverse("enterprises:enterprise_detail", args=[enterprise.pk])
        ).content.decode()
    )
    response = client.get(document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(admin_b)
    assert client.get(document).status_code == 404
