"""Fixtures shared by the whole suite: enterprises, users of every role, a browser."""

import os
import shutil

import pytest
from django.test.client import ClientMixin
from hypothesis import settings as hypothesis_settings

from tests.factories import enterprise_create, user_of

# Playwright drives the page from an asyncio loop; Django's live server is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# `make mutate` reruns the rule tests once per mutant, through mutmut's trampolines (slower
# calls): fewer examples and no deadline there; the normal runs keep Hypothesis's defaults.
hypothesis_settings.register_profile("mutate", max_examples=20, deadline=None)


def _login_with_second_factor(original):
    """Sign a test client in as if its user also gave its TOTP code.

    Regulators and staff must pass the second factor before any page opens; tests that
    sign in with `client.force_login` or `client.login` are about something else, so their
    session is marked verified. The sign-in journey itself (password, then code) is tested
    through the real pages in tests/security.
    """

    def _login(self, user, backend=None):
        original(self, user, backend)
        from enterprises.twofactor import VERIFIED_KEY, requires_two_factor

        if requires_two_factor(user):
            session = self.session
            session[VERIFIED_KEY] = user.pk
            session.save()

    return _login


ClientMixin._login = _login_with_second_factor(ClientMixin._login)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Start every test with empty throttle and attempt counters (the cache is per process)."""
    from django.core.cache import cache

    cache.clear()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def legal_parameters(request):
    """Give every database test the calendar table and the seeded legal parameters.

    Migrations write them, but a transactional test (a browser journey, a real worker)
    flushes every table when it ends, so a later test on the same worker would find them
    gone. The scans restore them themselves (enforcement_data_ensure); direct reads in
    tests need this.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from enforcement.services.setup import enforcement_data_ensure

    enforcement_data_ensure()


@pytest.fixture
def enterprise_a(db):
    return enterprise_create(name="甲电池有限公司", division="350902", seed=1)


@pytest.fixture
def enterprise_b(db):
    return enterprise_create(name="乙回收有限公司", division="320506", seed=2, roles=["utilizer"])


@pytest.fixture
def national_regulator(db):
    return user_of("national")


@pytest.fixture
def fujian_regulator(db):
    return user_of("provincial", province="35")


@pytest.fixture
def admin_a(enterprise_a):
    return user_of("enterprise_admin", enterprise=enterprise_a)


@pytest.fixture
def operator_a(enterprise_a):
    return user_of("enterprise_operator", enterprise=enterprise_a)


@pytest.fixture
def admin_b(enterprise_b):
    return user_of("enterprise_admin", enterprise=enterprise_b)


# --- Browser: Debian's Chromium through Playwright -----------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install it (.ci/run).")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser test skipped.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
