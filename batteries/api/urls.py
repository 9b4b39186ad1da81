"""Digital-identity endpoints, mounted under /api/v1/."""

from django.urls import path

from batteries.api.views import codes, events, packs, scrap, vehicles

urlpatterns = [
    path("codes/validate", codes.CodeValidateView.as_view(), name="api_codes_validate"),
    path("packs/", packs.PackListView.as_view(), name="api_pack_list"),
    path("packs/<str:code>/", packs.PackDetailView.as_view(), name="api_pack_detail"),
    path("packs/<str:code>/events/", packs.PackEventsView.as_view(), name="api_pack_events"),
    path("vehicles/", vehicles.VehicleListView.as_view(), name="api_vehicle_list"),
    path("vehicles/<str:vin>/", vehicles.VehicleDetailView.as_view(), name="api_vehicle_detail"),
    path("events/", events.EventListView.as_view(), name="api_event_list"),
    path("events/batch", events.EventBatchView.as_view(), name="api_event_batch"),
    path("events/<int:pk>/void", events.EventVoidView.as_view(), name="api_event_void"),
    path("scrapped-vehicles/", scrap.ScrappedVehicleListView.as_view(), name="api_scrap_list"),
    path(
        "scrapped-vehicles/batch", scrap.ScrappedVehicleBatchView.as_view(), name="api_scrap_batch"
    ),
    path(
        "scrapped-vehicles/<str:certificate_no>/",
        scrap.ScrappedVehicleDetailView.as_view(),
        name="api_scrap_detail",
    ),
]
