"""URLs of the import screens (batteries.imports)."""

from django.urls import path

from batteries.imports import views

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/errors/", views.import_errors, name="import_errors"),
    path("imports/templates/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
]
