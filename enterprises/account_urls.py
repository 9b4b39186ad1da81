"""Account URLs under /accounts/: second factor, passwords, and the regulators' security desk."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from enterprises.views import account

urlpatterns = [
    path("2fa/verify/", account.otp_verify, name="otp_verify"),
    path("2fa/setup/", account.otp_setup, name="otp_setup"),
    path("security/", account.account_security, name="account_security"),
    path("security/recovery-codes/", account.recovery_codes_renew, name="recovery_codes_renew"),
    path("security/2fa/disable/", account.otp_disable, name="otp_disable"),
    path("password/change/", account.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            extra_context={"login_url": reverse_lazy("login")}
        ),
        name="password_reset_complete",
    ),
    path("lockouts/", account.lockout_list, name="lockout_list"),
    path("audit/", account.audit_log, name="audit_log"),
]
