"""Pass the second factor in browser tests: regulators give a code after their password."""

import re

from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises.models import User
from enterprises.twofactor import requires_two_factor

TEST_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret


def authenticator(user) -> TOTPDevice:
    """Return the user's confirmed authenticator, enrolled with the RFC 6238 test key."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "test", "key": TEST_KEY}
    )
    return device


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def recovery_code(user) -> str:
    """Return a fresh one-time recovery code (a TOTP code cannot be used twice in 30 s)."""
    authenticator(user)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", confirmed=True)
    token = StaticToken.random_token()
    StaticToken.objects.create(device=device, token=token)
    return token


def pass_second_factor(page, username: str) -> None:
    """After the password step, give a recovery code if the user must verify."""
    user = User.objects.get(username=username)
    if not requires_two_factor(user):
        return
    code = recovery_code(user)  # enrols the user now if it had no authenticator yet
    page.wait_for_url(re.compile(r"/accounts/2fa/"))
    if "/2fa/setup/" in page.url:  # sent to enrol before the authenticator above existed
        page.goto(page.url.replace("/2fa/setup/", "/2fa/verify/"))
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="验证").click()
