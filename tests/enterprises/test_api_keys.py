"""API-key authentication: valid keys act for their enterprise; every other key is refused."""

import datetime as dt

import pytest
from django.utils import timezone

from enterprises.models import EnterpriseApiKey
from enterprises.services.api_keys import api_key_create
from enterprises.services.enterprises import enterprise_review

pytestmark = pytest.mark.django_db

WHOAMI = "/api/v1/whoami"


@pytest.fixture
def key_a(admin_a):
    api_key, plaintext = api_key_create(actor=admin_a, name="MES")
    return api_key, plaintext


def _whoami(client, plaintext: str):
    return client.get(WHOAMI, HTTP_AUTHORIZATION=f"Api-Key {plaintext}")


def test_a_valid_key_acts_for_its_enterprise(client, key_a, enterprise_a):
    payload = _whoami(client, key_a[1]).json()
    assert payload["enterprise_uscc"] == enterprise_a.uscc
    assert payload["auth"] == "api_key"
    assert payload["kind"] == "enterprise_operator"


def test_the_key_may_also_come_in_the_x_api_key_header(client, key_a, enterprise_a):
    response = client.get(WHOAMI, HTTP_X_API_KEY=key_a[1])
    assert response.json()["enterprise_uscc"] == enterprise_a.uscc


def test_using_a_key_records_when_it_was_last_used(client, key_a):
    api_key, plaintext = key_a
    assert api_key.last_used_at is None
    _whoami(client, plaintext)
    api_key.refresh_from_db()
    assert timezone.now() - api_key.last_used_at < dt.timedelta(seconds=10)


def test_a_revoked_key_is_refused_with_a_message(client, key_a):
    api_key, plaintext = key_a
    api_key.revoked = True
    api_key.save()
    response = _whoami(client, plaintext)
    assert response.status_code in {401, 403}
    assert "吊销" in response.json()["detail"]


def test_an_expired_key_is_refused(client, key_a):
    api_key, plaintext = key_a
    EnterpriseApiKey.objects.filter(pk=api_key.pk).update(
        expiry_date=timezone.now() - dt.timedelta(minutes=1)
    )
    response = _whoami(client, plaintext)
    assert response.status_code in {401, 403}
    assert "过期" in response.json()["detail"]


def test_a_wrong_key_is_refused(client, key_a):
    api_key, plaintext = key_a
    response = _whoami(client, plaintext[:-3] + "xyz")
    assert response.status_code in {401, 403}
    assert "无效" in response.json()["detail"]
    assert _whoami(client, "no-such-key").status_code in {401, 403}


def test_a_key_of_a_suspended_enterprise_is_refused(
    client, key_a, enterprise_a, national_regulator
):
    enterprise_review(
        enterprise=enterprise_a, actor=national_regulator, action="suspend", reason="检查"
    )
    response = _whoami(client, key_a[1])
    assert response.status_code in {401, 403}
    assert "暂停" in response.json()["detail"]
