from django.urls import path
from rest_framework.routers import SimpleRouter

from enterprises.api import views

router = SimpleRouter(trailing_slash=True)
router.register("enterprises", views.EnterpriseViewSet, basename="api_enterprise")
router.register("outlets", views.OutletViewSet, basename="api_outlet")

urlpatterns = [
    path("whoami", views.WhoAmIView.as_view(), name="api_whoami"),
    *router.urls,
]
