"""Let the framework-free validator tests run without project settings (``-p no:django``)."""

import os

from django.conf import settings

# Lazy messages need configured settings to be rendered. Under the full suite pytest-django
# sets DJANGO_SETTINGS_MODULE first, and the real settings must win.
if not os.environ.get("DJANGO_SETTINGS_MODULE") and not settings.configured:
    settings.configure(USE_I18N=False)
