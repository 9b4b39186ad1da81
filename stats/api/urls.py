"""Statistics API endpoints, mounted under /api/v1/stats/."""

from django.urls import path

from stats.api import views

urlpatterns = [
    path("as-of", views.AsOfView.as_view(), name="api_stats_as_of"),
    path("flows/monthly", views.MonthlyFlowsView.as_view(), name="api_stats_flows"),
    path("packs/by-province", views.PacksByProvinceView.as_view(), name="api_stats_province"),
    path("packs/by-state", views.PacksByStateView.as_view(), name="api_stats_state"),
    path("packs/by-chemistry", views.PacksByChemistryView.as_view(), name="api_stats_chemistry"),
    path("packs/by-producer", views.PacksByProducerView.as_view(), name="api_stats_producer"),
    path("recycling-rate", views.RecyclingRateView.as_view(), name="api_stats_recycling"),
    path("reporting/on-time", views.OnTimeReportingView.as_view(), name="api_stats_on_time"),
    path("findings/by-rule", views.FindingsByRuleView.as_view(), name="api_stats_findings"),
    path("findings/top-enterprises", views.TopEnterprisesView.as_view(), name="api_stats_top"),
    path("cases/by-status", views.CasesByStatusView.as_view(), name="api_stats_cases"),
    path("fines/monthly", views.FinesByMonthView.as_view(), name="api_stats_fines"),
    path("outlets/coverage", views.OutletCoverageView.as_view(), name="api_stats_coverage"),
]
