"""URLs of this part of the statistics pages (see config/urls.py for the mount point)."""

from django.urls import path

from stats.scorecard import views

app_name = "stats_scorecard"

urlpatterns = [
    path("", views.priority_list, name="priority_list"),
    path("build/", views.build, name="build"),
    path("<int:pk>/", views.card, name="card"),
]
