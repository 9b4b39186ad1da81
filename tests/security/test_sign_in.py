"""Signing in: lockout per account and per address, the second factor, passwords, idle regulators.

Every test goes through the real pages (the login form, the code form), as a person would.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises.models import AuditEvent
from tests.factories import PASSWORD
from tests.twofactor import authenticator, current_code, recovery_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_code_throttle(settings):
    """django-otp slows down a device after a wrong code (1 s, then 2 s, ...); tests do not wait."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


LOGIN = "/accounts/login/"


def sign_in(client, username: str, password: str = PASSWORD, address: str = "198.51.100.1"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, follow=False
    )


def actions(**filters) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


# --- Lockout ----------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_with_a_translated_message(admin_a):
    client = Client()
    for _ in range(4):
        assert sign_in(client, admin_a.username, "wrong").status_code == 200
    locked = sign_in(client, admin_a.username, "wrong")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # Even the right password is refused now, from another address too.
    again = sign_in(Client(), admin_a.username, address="198.51.100.2")
    assert again.status_code == 429 and "_auth_user_id" not in Client().session
    assert "lockout" in actions(actor_name=admin_a.username)
    assert actions(actor_name=admin_a.username).count("login_failed") >= 5


def test_the_lockout_message_is_english_for_an_english_reader(admin_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(5):
        response = sign_in(client, admin_a.username, "wrong")
    assert response.status_code == 429
    assert re.search(r"登录失败次数过多|too many", response.content.decode(), re.I)


def test_an_address_trying_many_accounts_is_locked_after_twenty_failures(db):
    client = Client()
    for n in range(19):
        assert sign_in(client, f"nobody-{n}", "wrong").status_code == 200
    assert sign_in(client, "nobody-19", "wrong").status_code == 429
    assert sign_in(Client(), "nobody-20", "wrong", address="198.51.100.9").status_code == 200


def test_the_admin_login_is_locked_too(admin_a):
    client = Client()
    for _ in range(5):
        response = client.post("/admin/login/", {"username": admin_a.username, "password": "wrong"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_a_national_regulator_unlocks_an_account_and_it_is_recorded(
    client, admin_a, national_regulator, fujian_regulator
):
    for _ in range(5):
        sign_in(Client(), admin_a.username, "wrong")
    client.force_login(fujian_regulator)
    assert client.get(reverse("lockout_list")).status_code == 403
    client.force_login(national_regulator)
    page = client.get(reverse("lockout_list"))
    assert admin_a.username in page.content.decode()
    client.post(reverse("lockout_list"), {"username": admin_a.username})
    assert sign_in(Client(), admin_a.username).status_code == 302  # signed in
    assert "unlock" in actions(actor_name=national_regulator.username)


def test_the_lockout_ends_by_itself_after_the_cool_off(admin_a, settings):
    import datetime as dt

    from axes.models import AccessAttempt

    for _ in range(5):
        sign_in(Client(), admin_a.username, "wrong")
    assert sign_in(Client(), admin_a.username).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert sign_in(Client(), admin_a.username).status_code == 302


# --- Second factor ----------------------------------------------------------------------------


def test_a_regulator_without_an_authenticator_must_enrol_before_any_page(national_regulator):
    client = Client()
    assert sign_in(client, national_regulator.username).status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/2fa/setup/")
    assert client.get("/api/v1/packs/").status_code == 403
    setup = client.get(home["Location"])
    assert "启用双因素认证" in setup.content.decode()
    device = TOTPDevice.objects.get(user=national_regulator, confirmed=False)
    wrong = client.post(home["Location"], {"token": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    done = client.post(home["Location"], {"token": current_code(device)})
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    assert {"otp_enrolled", "recovery_codes"} <= set(actions(actor_id=national_regulator.pk))


def test_an_enrolled_regulator_gives_a_code_and_a_recovery_code_works_once(fujian_regulator):
    device = authenticator(fujian_regulator)
    client = Client()
    sign_in(client, fujian_regulator.username)
    assert client.get("/")["Location"].startswith("/accounts/2fa/verify/")
    refused = client.post("/accounts/2fa/verify/", {"token": "123456"})
    assert "验证码不正确" in refused.content.decode()
    assert client.post("/accounts/2fa/verify/", {"token": current_code(device)}).status_code == 302
    assert client.get("/").status_code == 200
    code = recovery_code(fujian_regulator)
    for expected in (302, 200):  # the second use of the same code is refused
        other = Client()
        sign_in(other, fujian_regulator.username)
        assert other.post("/accounts/2fa/verify/", {"token": code}).status_code == expected
    assert "recovery_code_used" in actions(actor_id=fujian_regulator.pk)
    assert "otp_failed" in actions(actor_id=fujian_regulator.pk)


def test_the_back_office_requires_the_second_factor_too(national_regulator):
    national_regulator.is_staff = True
    national_regulator.save()
    authenticator(national_regulator)
    client = Client()
    client.post("/admin/login/", {"username": national_regulator.username, "password": PASSWORD})
    assert client.get("/admin/")["Location"].startswith("/accounts/2fa/verify/")


def test_an_enterprise_administrator_may_enrol_and_then_is_asked(admin_a):
    client = Client()
    sign_in(client, admin_a.username)
    assert client.get("/").status_code == 200  # optional: no second factor yet
    setup = client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=admin_a)
    assert setup.status_code == 200
    client.post(reverse("otp_setup"), {"token": current_code(device)})
    again = Client()
    sign_in(again, admin_a.username)
    assert again.get("/")["Location"].startswith("/accounts/2fa/verify/")
    assert again.post(reverse("otp_disable")).status_code == 302  # the verify page first
    client.post(reverse("otp_disable"))
    assert not TOTPDevice.objects.filter(user=admin_a).exists()
    assert "otp_disabled" in actions(actor_id=admin_a.pk)


def test_a_regulator_cannot_switch_the_second_factor_off(client, national_regulator):
    authenticator(national_regulator)
    client.force_login(national_regulator)
    assert client.post(reverse("otp_disable")).status_code == 403


# --- Passwords and idle sessions --------------------------------------------------------------


def test_every_user_changes_the_password_and_it_is_recorded(client, operator_a):
    client.force_login(operator_a)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    done = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "New-pass-2026-x",
            "new_password2": "New-pass-2026-x",
        },
    )
    assert done.status_code == 302
    operator_a.refresh_from_db()
    assert operator_a.check_password("New-pass-2026-x")
    assert "password_change" in actions(actor_id=operator_a.pk)


def test_a_forgotten_password_is_reset_by_a_translated_email(operator_a):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": operator_a.email})
    assert response.status_code == 302
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert unknown["Location"] == response["Location"]  # no oracle on e-mail addresses
    (message,) = mail.outbox
    assert "重置" in message.subject + message.body  # Django's own zh-hans email
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "Reset-pass-2026-y", "new_password2": "Reset-pass-2026-y"},
    )
    assert done.status_code == 302
    operator_a.refresh_from_db()
    assert operator_a.check_password("Reset-pass-2026-y")
    assert {"password_reset_request", "password_reset"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_an_idle_regulator_is_signed_out_and_an_enterprise_user_is_not(
    client, national_regulator, operator_a, settings
):
    from enterprises.idle import LAST_SEEN_KEY

    client.force_login(national_regulator)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] -= settings.REGULATOR_IDLE_MINUTES * 60 + 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    enterprise = Client()
    enterprise.force_login(operator_a)
    enterprise.get("/")
    session = enterprise.session
    session[LAST_SEEN_KEY] = 0
    session.save()
    assert enterprise.get("/").status_code == 200


# --- Audit log --------------------------------------------------------------------------------


def test_regulators_search_the_audit_log_and_a_province_sees_only_its_own(
    client, admin_a, admin_b, national_regulator, fujian_regulator
):
    sign_in(Client(), admin_a.username)  # Fujian
    sign_in(Client(), admin_b.username, "wrong")  # Jiangsu enterprise, failed
    client.force_login(national_regulator)
    everything = client.get(reverse("audit_log")).content.decode()
    assert admin_a.username in everything
    failed = client.get(reverse("audit_log"), {"action": "login_failed"}).content.decode()
    assert admin_b.username in failed and "198.51.100.1" in failed
    client.force_login(fujian_regulator)
    fujian = client.get(reverse("audit_log")).content.decode()
    assert admin_a.username in fujian and admin_b.username not in fujian
    client.force_login(admin_a)
    assert client.get(reverse("audit_log")).status_code == 403


def test_api_key_creation_and_revocation_are_recorded(client, admin_a):
    client.force_login(admin_a)
    import datetime as dt

    from django.utils import timezone

    expires = (timezone.localdate() + dt.timedelta(days=300)).isoformat()
    created = client.post(
        reverse("enterprises:api_key_list"), {"name": "ERP", "expires_on": expires}
    )
    assert created.status_code == 200
    from enterprises.models import EnterpriseApiKey

    key = EnterpriseApiKey.objects.get(enterprise=admin_a.enterprise)
    client.post(reverse("enterprises:api_key_revoke", args=[key.prefix]))
    recorded = AuditEvent.objects.filter(actor_id=admin_a.pk)
    assert set(recorded.values_list("action", flat=True)) >= {"api_key_create", "api_key_revoke"}
    assert set(recorded.filter(action__startswith="api_key").values_list("target", flat=True)) == {
        key.prefix
    }
