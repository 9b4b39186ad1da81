"""URLs of this part of the statistics pages (see config/urls.py for the mount point)."""

from django.urls import path

from stats import glossary
from stats.views import dashboard

app_name = "stats"

urlpatterns: list = [
    path("", dashboard.dashboard, name="dashboard"),
    path("glossary/", glossary.glossary, name="glossary"),
]
