from django.urls import path

from enterprises.api import views

urlpatterns = [
    path("whoami", views.WhoAmIView.as_view(), name="api_whoami"),
]
