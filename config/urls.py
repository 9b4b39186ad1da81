"""Top-level URL map."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import views

admin.site.site_header = _("工业和信息化部 · 动力电池数字身份监管后台")
admin.site.site_title = _("动力电池监管后台")
admin.site.index_title = _("监管业务管理")

api_v1 = [
    path("", include("enterprises.api.urls")),
    path("", include("batteries.api.urls")),
    path("stats/", include("stats.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("enterprises.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("enterprises/", include("enterprises.urls")),
    path("batteries/", include("batteries.urls")),
    path("enforcement/", include("enforcement.urls")),
    path("stats/exports/", include("stats.exports.urls")),
    path("stats/scorecards/", include("stats.scorecard.urls")),
    path("stats/", include("stats.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The portal's own error pages (config/views.py): in the frame, in the user's language.
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
