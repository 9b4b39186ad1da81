"""URLs of the exports (mounted at /stats/exports/ in config/urls.py)."""

from django.urls import path

from stats.exports import views

app_name = "stats_exports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("log/", views.log, name="log"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/download/", views.download, name="download"),
]
