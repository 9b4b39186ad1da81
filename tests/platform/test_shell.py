"""The portal shell: login, language, health, API plumbing, scoping, Celery."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, User
from tests.factories import PASSWORD
from tests.scoping import assert_sees_only

pytestmark = pytest.mark.django_db


def test_it_redirects_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_the_login_page_in_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "用户名" in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


def test_it_switches_the_interface_to_english(client, national_regulator):
    client.force_login(national_regulator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in body
    assert "Log out" in body


def test_it_shows_the_admin_in_chinese_to_a_regulator(client, national_regulator):
    assert client.login(username=national_regulator.username, password=PASSWORD)
    body = client.get(reverse("admin:index")).content.decode()
    assert "动力电池数字身份监管后台" in body
    assert "企业" in body


def test_it_keeps_enterprise_users_out_of_the_admin(client, admin_a):
    client.force_login(admin_a)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_it_reports_database_and_broker_health(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    payload = response.json()
    assert payload["checks"]["database"]["status"] == "ok"
    assert payload["checks"]["broker"]["status"] == "ok"


def test_it_reports_an_unreachable_broker_as_unhealthy(client, settings):
    from config.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("health"))
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"].startswith("error")


def test_it_serves_swagger_ui_from_our_own_static_files(client, admin_a):
    client.force_login(admin_a)
    body = client.get(reverse("api_docs")).content.decode()
    assert "swagger-ui" in body
    assert "cdn" not in body.lower()
    schema = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    document = schema.json()
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/packs/", "/api/v1/events/batch", "/api/v1/codes/validate"):
        assert path in document["paths"], path
    assert "ApiKey" in str(document["components"].get("securitySchemes", {})), document.get(
        "components", {}
    ).get("securitySchemes")


def test_it_answers_whoami_for_a_session_user(client, admin_a):
    client.force_login(admin_a)
    payload = client.get("/api/v1/whoami").json()
    assert payload["enterprise_uscc"] == admin_a.enterprise.uscc
    assert payload["auth"] == "session"


def test_it_scopes_enterprises_to_the_callers_organisation(
    enterprise_a, enterprise_b, admin_a, fujian_regulator, national_regulator
):
    assert_sees_only(Enterprise.objects.scoped_for(admin_a), [enterprise_a], [enterprise_b])
    # enterprise_a is in Fujian (35), enterprise_b in Jiangsu (32).
    assert_sees_only(
        Enterprise.objects.scoped_for(fujian_regulator), [enterprise_a], [enterprise_b]
    )
    assert set(Enterprise.objects.scoped_for(national_regulator)) >= {enterprise_a, enterprise_b}


def test_it_shows_nothing_to_a_user_without_an_organisation(enterprise_a):
    nobody = User.objects.create(username="nobody", kind="", is_superuser=True, is_active=False)
    assert not Enterprise.objects.scoped_for(nobody).exists()


def test_it_gives_each_role_its_menu(client, admin_a, national_regulator):
    client.force_login(admin_a)
    body = client.get(reverse("home")).content.decode()
    assert reverse("admin:index") not in body
    client.force_login(national_regulator)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_each_api_key_has_its_own_rate_limit_bucket(enterprise_a, enterprise_b, rf):
    from config.api import CallerRateThrottle
    from enterprises.api.authentication import ApiKeyUser
    from enterprises.models import EnterpriseApiKey

    keys = [
        EnterpriseApiKey.objects.create_key(name="k", enterprise=e)[0]
        for e in (enterprise_a, enterprise_b)
    ]
    throttle = CallerRateThrottle()
    cache_keys = set()
    for key in keys:
        request = rf.get("/api/v1/whoami")
        request.user = ApiKeyUser(key)
        cache_keys.add(throttle.get_cache_key(request, view=None))
    assert len(cache_keys) == 2
