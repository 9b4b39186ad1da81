"""The portal's 403, 404 and 500 pages: in the frame, in the user's language, with a way back.

`make run` shows the same pages (DEBUG on, config.middleware); Django's debug pages appear
only when a developer asks for them with DEBUG_PAGES=1.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """Requests in English leave English active in the thread (LocaleMiddleware): undo it."""
    with translation.override(translation.get_language()):
        yield


MIDDLEWARE = "config.middleware.ErrorPagesMiddleware"
TECHNICAL_404 = "Using the URLconf defined in"


@pytest.fixture
def operator(db):
    return user_of("enterprise_operator", enterprise=enterprise_create(name="甲电池有限公司"))


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def test_an_unknown_address_gets_the_portal_404_in_the_frame_with_a_way_home(operator):
    response = _client(operator).get("/batteries/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "未找到该页面" in body and 'aria-label="主导航"' in body
    assert f'href="{reverse("home")}"' in body and "返回首页" in body
    assert TECHNICAL_404 not in body and "urlpatterns" not in body


def test_the_404_names_what_was_not_found_when_the_portal_said_it(operator):
    body = _client(operator).get("/batteries/imports/999/").content.decode()
    assert "导入批次不存在或无权查看。" in body
    # Django's own English 404 texts are not shown to people.
    assert "matches the given query" not in body


def test_the_404_offers_the_page_the_user_came_from(operator):
    client = _client(operator)
    came_from = "http://testserver/batteries/packs/"
    body = client.get("/batteries/imports/999/", HTTP_REFERER=came_from).content.decode()
    assert f'href="{came_from}"' in body and "返回上一页" in body
    foreign = client.get("/batteries/imports/999/", HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in foreign.content.decode()


def test_the_error_pages_follow_the_users_language(operator):
    client = _client(operator)
    client.cookies["django_language"] = "en"
    body = client.get("/batteries/no-such-page/").content.decode()
    assert '<html lang="en">' in body and "Log out" in body
    assert "退出登录" not in body


def test_a_refused_page_gets_the_portal_403_with_the_reason(operator):
    response = _client(operator).get(reverse("enterprises:review_list"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "无权访问该页面" in body and "仅限监管人员访问。" in body
    assert 'aria-label="主导航"' in body and "返回首页" in body
    regulator = _client(user_of("national")).get(reverse("enterprises:review_list"))
    assert regulator.status_code == 200


def test_an_anonymous_visitor_is_offered_the_login_on_an_error_page():
    body = _client().get("/no-such-page/").content.decode()
    assert "未找到该页面" in body and f'href="{reverse("login")}"' in body


@pytest.mark.urls("tests.platform.error_urls")
def test_a_failing_page_gets_the_portal_500_without_the_traceback(operator):
    response = _client(operator, raise_request_exception=False).get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in body and "错误已记录" in body and 'aria-label="主导航"' in body
    assert "RuntimeError" not in body and "a bug the person must not see" not in body


MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def test_the_500_page_still_renders_when_static_files_are_broken(operator, settings, tmp_path):
    # Production without collectstatic: {% static %} raises, so the frame cannot render; the
    # person must still get the plain 500 page, not an unhandled error.
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = tmp_path
    response = _client(operator, raise_request_exception=False).get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in body and "错误已记录" in body and 'href="/"' in body
    assert "Traceback" not in body and "manifest" not in body


def test_the_api_answers_unknown_addresses_in_json(operator):
    response = _client(operator).get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到该页面"}


# --- Development (DEBUG on): the same pages unless DEBUG_PAGES=1 ------------------------------


@pytest.fixture
def development(settings, monkeypatch):
    settings.DEBUG = True
    assert MIDDLEWARE in settings.MIDDLEWARE  # the settings install it
    monkeypatch.delenv("DEBUG_PAGES", raising=False)
    return monkeypatch


def test_development_shows_the_404_people_see(development, operator):
    for url in ("/batteries/no-such-page/", "/batteries/imports/999/"):
        response = _client(operator).get(url)
        body = response.content.decode()
        assert response.status_code == 404, url
        assert "未找到该页面" in body and TECHNICAL_404 not in body, url


def test_development_shows_the_debug_404_when_a_developer_asks(development, operator):
    development.setenv("DEBUG_PAGES", "1")
    body = _client(operator).get("/batteries/no-such-page/").content.decode()
    assert TECHNICAL_404 in body and "未找到该页面" not in body


@pytest.mark.urls("tests.platform.error_urls")
def test_development_shows_the_500_people_see_and_logs_the_traceback(development, operator, caplog):
    response = _client(operator, raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)


def test_development_keeps_the_append_slash_redirect(development, operator):
    response = _client(operator).get("/batteries/packs")
    assert response.status_code == 301 and response["Location"] == "/batteries/packs/"
