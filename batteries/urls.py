"""Portal pages of the digital identity: web forms and pages, and file imports."""

from batteries.imports.urls import urlpatterns as import_patterns
from batteries.web.urls import urlpatterns as web_patterns

app_name = "batteries"

urlpatterns = web_patterns + import_patterns
