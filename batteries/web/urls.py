"""URLs of the pack pages and forms (batteries.web)."""

from django.urls import path

from batteries.web import events, packs, public, rejections, scrap, vehicles

urlpatterns: list = [
    path("packs/", packs.pack_list, name="pack_list"),
    path("packs/register/", packs.pack_register, name="pack_register"),
    path("packs/<str:code>/", packs.pack_detail, name="pack_detail"),
    path("packs/<str:code>/verify/", packs.pack_verify, name="pack_verify"),
    path("vehicles/<str:vin>/", vehicles.vehicle_detail, name="vehicle_detail"),
    path("events/new/", events.event_report, name="event_report"),
    path("events/counterparty/", events.counterparty_check, name="counterparty_check"),
    path("handovers/inbox/", events.handover_inbox, name="handover_inbox"),
    path(
        "handovers/<int:pk>/confirm/",
        events.handover_resolve,
        {"action": "confirm"},
        name="handover_confirm",
    ),
    path(
        "handovers/<int:pk>/dispute/",
        events.handover_resolve,
        {"action": "dispute"},
        name="handover_dispute",
    ),
    path("scrapped/", scrap.scrap_list, name="scrap_list"),
    path("scrapped/new/", scrap.scrap_report, name="scrap_report"),
    path("scrapped/<str:certificate_no>/", scrap.scrap_detail, name="scrap_detail"),
    path("codes/check/", public.code_check, name="code_check"),
    path("rejections/", rejections.code_rejection_list, name="code_rejection_list"),
    path("lookup/", public.lookup, name="lookup"),
]
