"""URLs of the enforcement pages, mounted under /enforcement/."""

from enforcement.documents.views import urlpatterns as document_patterns
from enforcement.inbox.views import urlpatterns as inbox_patterns
from enforcement.sanctions.views import urlpatterns as ladder_patterns
from enforcement.views.cases import urlpatterns as case_patterns
from enforcement.views.register import urlpatterns as register_patterns

app_name = "enforcement"

urlpatterns = [
    *case_patterns,
    *register_patterns,
    *ladder_patterns,
    *document_patterns,
    *inbox_patterns,
]
