"""The account pages: the second step of signing in, enrolment, recovery codes, passwords,
and for regulators the audit log and (national) the lockouts."""

from django import forms
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from enterprises import lockout, twofactor
from enterprises.models import AuditAction
from enterprises.selectors import audit_list
from enterprises.services.audit import audit_record
from enterprises.views.access import regulator_required, requires

national_required = requires(
    lambda user: user.is_superuser or user.kind == "national", _("仅限工业和信息化部监管人员访问。")
)


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("身份验证器应用显示的 6 位数字；手机不在身边时可输入一个恢复码。"),
    )


def _next_url(request) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return str(reverse_lazy("home"))


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Ask an enrolled user for the code of its authenticator (or a recovery code)."""
    if not twofactor.needs_verification(request):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        ok = twofactor.second_factor_verify(
            user=request.user, token=form.cleaned_data["token"], request=request
        )
        if ok:
            return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确或已过期，请输入身份验证器当前显示的验证码。"))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/otp_verify.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol an authenticator: scan the QR code (or type the key), confirm with a code."""
    device = twofactor.totp_pending(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        token = form.cleaned_data["token"]
        if twofactor.totp_confirm(user=request.user, device=device, token=token, request=request):
            codes = twofactor.recovery_codes_create(user=request.user, request=request)
            context = {"codes": codes, "next": _next_url(request)}
            return render(request, "registration/recovery_codes.html", context)
        form.add_error("token", _("验证码不正确：请确认手机时间准确后，输入应用当前显示的验证码。"))
    context = {
        "form": form,
        "qr": twofactor.otpauth_qr_svg(device),
        "secret": twofactor.totp_secret(device),
        "required": twofactor.requires_two_factor(request.user),
        "next": _next_url(request),
    }
    return render(request, "registration/otp_setup.html", context)


@login_required
def account_security(request):
    """Show the account's sign-in protection: password, second factor, recovery codes."""
    context = {
        "device": twofactor.totp_device(request.user),
        "required": twofactor.requires_two_factor(request.user),
    }
    return render(request, "registration/account_security.html", context)


@login_required
@require_POST
def recovery_codes_renew(request):
    if twofactor.totp_device(request.user) is None:
        return redirect("otp_setup")
    codes = twofactor.recovery_codes_create(user=request.user, request=request)
    context = {"codes": codes, "next": str(reverse_lazy("account_security"))}
    return render(request, "registration/recovery_codes.html", context)


@login_required
@require_POST
def otp_disable(request):
    twofactor.two_factor_disable(user=request.user, request=request)
    messages.success(request, _("已停用双因素认证。"))
    return redirect("account_security")


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action=AuditAction.PASSWORD_CHANGE,
            request=self.request,
            target=self.request.user.username,
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Send the reset link (Django's translated email); the page is the same either way."""

    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        audit_record(
            actor=None,
            action=AuditAction.PASSWORD_RESET_REQUEST,
            request=self.request,
            target=form.cleaned_data["email"][:300],
        )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=form.user,
            action=AuditAction.PASSWORD_RESET,
            request=self.request,
            target=form.user.username,
        )
        return response


@national_required
@require_http_methods(["GET", "POST"])
def lockout_list(request):
    """The accounts and addresses locked now; a national regulator unlocks them."""
    if request.method == "POST":
        removed = lockout.lockout_clear(
            actor=request.user,
            request=request,
            username=request.POST.get("username", "")[:150],
            ip_address=request.POST.get("ip_address", "")[:45],
        )
        messages.success(request, _("已解除锁定（清除%(n)s条失败记录）。") % {"n": removed})
        return redirect("lockout_list")
    context = {"attempts": lockout.lockouts_current()[:200]}
    return render(request, "registration/lockout_list.html", context)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部"))] + AuditAction.choices
    )
    ip_address = forms.GenericIPAddressField(label=_("来源地址"), required=False)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@regulator_required
def audit_log(request):
    """Search the audit log (provincial regulators: actors of their province)."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = audit_list(user=request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(rows, 50, allow_empty_first_page=True).get_page(request.GET.get("page"))
    return render(request, "registration/audit_list.html", {"form": form, "page": page})
