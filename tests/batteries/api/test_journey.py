"""An enterprise system's whole journey over HTTP with its own API key."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from enterprises.models import EnterpriseApiKey
from tests.batteries.api.conftest import an_hour_ago
from tests.batteries.builders import code_for

pytestmark = pytest.mark.django_db


def test_a_producer_system_validates_registers_reports_and_reads_back(producer, maker):
    _, key = EnterpriseApiKey.objects.create_key(name="MES", enterprise=producer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")

    me = client.get("/api/v1/whoami").json()
    assert (me["enterprise_uscc"], me["auth"]) == (producer.uscc, "api_key")

    code = code_for("T01")
    checked = client.post("/api/v1/codes/validate", {"code": code}, format="json").json()
    assert (
        checked["results"][0]["valid"] and not checked["results"][0]["registry"]["code_registered"]
    )

    registered = client.post("/api/v1/packs/", {"packs": [{"code": code}]}, format="json")
    assert registered.status_code == 201

    events = [
        {"code": code, "kind": "produce", "occurred_at": an_hour_ago()},
        {
            "code": code,
            "kind": "deliver",
            "occurred_at": an_hour_ago(1),
            "counterparty_uscc": maker.uscc,
        },
    ]
    reported = client.post("/api/v1/events/batch", {"events": events}, format="json")
    assert reported.status_code == 201, reported.content

    pack = client.get(f"/api/v1/packs/{code}/").json()
    assert pack["state"] == "delivered" and pack["holder"]["uscc"] == maker.uscc
    timeline = client.get(pack["events"]).json()["results"]
    assert [e["kind"] for e in timeline] == ["register", "produce", "deliver"]
    assert [e["id"] for e in timeline[1:]] == [e["id"] for e in reported.json()["events"]]


def test_a_revoked_or_expired_key_gets_401(producer):
    api_key, key = EnterpriseApiKey.objects.create_key(name="old", enterprise=producer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/packs/").status_code == 200
    api_key.expiry_date = timezone.now() - dt.timedelta(days=1)
    api_key.save()
    assert client.get("/api/v1/packs/").status_code == 401
    api_key.revoked = True
    api_key.save()
    response = client.get("/api/v1/packs/")
    assert response.status_code == 401 and "吊销" in response.json()["detail"]


def test_requests_without_credentials_get_401_with_the_scheme_to_use(client):
    response = client.get("/api/v1/packs/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_errors_come_in_chinese_by_default_and_in_english_when_asked(client):
    assert client.get("/api/v1/packs/").json()["detail"] == "身份认证信息未提供。"
    english = client.get("/api/v1/packs/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "Authentication credentials were not provided."
