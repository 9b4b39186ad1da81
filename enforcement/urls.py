"""URLs of the enforcement pages, mounted under /enforcement/."""

from enforcement.views.cases import urlpatterns as case_patterns
from enforcement.views.register import urlpatterns as register_patterns

app_name = "enforcement"

urlpatterns = [*case_patterns, *register_patterns]
