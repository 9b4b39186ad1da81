from django.urls import path

from enterprises.views import mine, outlets, registration, review

app_name = "enterprises"

urlpatterns = [
    path("register/", registration.register, name="register"),
    path("register/done/", registration.register_done, name="register_done"),
    path("review/", review.review_list, name="review_list"),
    path("", review.enterprise_list, name="enterprise_list"),
    path("<int:pk>/", review.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/review/", review.enterprise_review_action, name="enterprise_review"),
    path("<int:pk>/document/", review.enterprise_document, name="enterprise_document"),
    path("<int:pk>/coverage/", review.enterprise_coverage, name="enterprise_coverage"),
    path("mine/", mine.my_enterprise, name="my_enterprise"),
    path("mine/users/", mine.user_list, name="user_list"),
    path("mine/users/<int:pk>/deactivate/", mine.user_deactivate, name="user_deactivate"),
    path("mine/users/<int:pk>/reactivate/", mine.user_reactivate, name="user_reactivate"),
    path("mine/outlets/", outlets.outlet_list, name="outlet_list"),
    path("mine/outlets/new/", outlets.outlet_create_view, name="outlet_create"),
    path("mine/outlets/<int:pk>/edit/", outlets.outlet_update_view, name="outlet_update"),
    path("mine/outlets/<int:pk>/delete/", outlets.outlet_delete_view, name="outlet_delete"),
    path("mine/api-keys/", mine.api_key_list, name="api_key_list"),
    path("mine/api-keys/<str:prefix>/revoke/", mine.api_key_revoke_view, name="api_key_revoke"),
]
