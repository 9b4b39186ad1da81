"""The DRF settings that name our classes resolve in a fresh interpreter.

`manage.py check` failed on a clean clone once: rest_framework.views, imported at the top of
config.api, read DEFAULT_THROTTLE_CLASSES while config.api was still half-initialised.
In-process tests cannot see that because something else imported DRF first.
"""

import os
import subprocess
import sys

from django.conf import settings

SNIPPET = """
import django
django.setup()
from rest_framework.settings import api_settings
print(api_settings.DEFAULT_PAGINATION_CLASS.__name__)
print(api_settings.DEFAULT_THROTTLE_CLASSES[0].__name__)
print(api_settings.EXCEPTION_HANDLER.__name__)
"""


def test_drf_settings_import_in_a_fresh_interpreter():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", SNIPPET],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "CreatedCursorPagination",
        "CallerBurstThrottle",
        "exception_handler",
    ]
