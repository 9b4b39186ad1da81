"""The enterprise's own pages: company data, operator accounts, API keys."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from enterprises import selectors
from enterprises.forms import ApiKeyForm, OperatorForm, add_service_errors
from enterprises.services.api_keys import api_key_create, api_key_revoke
from enterprises.services.users import operator_create, operator_set_active
from enterprises.views.access import enterprise_admin_required, enterprise_user_required


@enterprise_user_required
def my_enterprise(request):
    """Show the company data, its status and what the user may do next."""
    enterprise = selectors.enterprise_get(user=request.user, pk=request.user.enterprise_id)
    return render(
        request,
        "enterprises/my_enterprise.html",
        {
            "enterprise": enterprise,
            "is_active": selectors.enterprise_is_active(request.user),
            "whitelist": selectors.enterprise_whitelist(enterprise=enterprise),
        },
    )


@require_http_methods(["GET", "POST"])
@enterprise_admin_required
def user_list(request):
    """List the enterprise's accounts and create operator accounts."""
    form = OperatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password_confirm"}
        try:
            user = operator_create(actor=request.user, **data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "first_name" in exc.error_dict:
                exc.error_dict["full_name"] = exc.error_dict.pop("first_name")
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建操作员账号“%(u)s”。") % {"u": user.username})
            return redirect("enterprises:user_list")
    users = selectors.enterprise_users(user=request.user)
    return render(
        request,
        "enterprises/user_list.html",
        {
            "form": form,
            "users": users,
            "is_active": selectors.enterprise_is_active(request.user),
        },
    )


@require_POST
@enterprise_admin_required
def user_deactivate(request, pk: int):
    """Switch off one operator account of the enterprise."""
    return _user_set_active(request, pk, active=False)


@require_POST
@enterprise_admin_required
def user_reactivate(request, pk: int):
    """Switch an operator account of the enterprise back on."""
    return _user_set_active(request, pk, active=True)


def _user_set_active(request, pk: int, *, active: bool):
    user = get_object_or_404(selectors.enterprise_users(user=request.user), pk=pk)
    try:
        operator_set_active(actor=request.user, user=user, active=active)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        done = _("已启用账号“%(u)s”。") if active else _("已停用账号“%(u)s”。")
        messages.success(request, done % {"u": user.username})
    return redirect("enterprises:user_list")


@never_cache
@require_http_methods(["GET", "POST"])
@enterprise_admin_required
def api_key_list(request):
    """List the enterprise's API keys; a successful POST shows the new key once, never again."""
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            api_key, plaintext = api_key_create(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Rendered, not redirected: the plaintext is never stored, not even in the session;
            # never_cache keeps it out of browser and proxy caches.
            return render(
                request,
                "enterprises/api_key_created.html",
                {"api_key": api_key, "plaintext": plaintext},
            )
    return render(
        request,
        "enterprises/api_key_list.html",
        {
            "form": form,
            "api_keys": selectors.api_key_list(user=request.user),
            "is_active": selectors.enterprise_is_active(request.user),
        },
    )


@require_POST
@enterprise_admin_required
def api_key_revoke_view(request, prefix: str):
    """Revoke one of the enterprise's API keys."""
    api_key = get_object_or_404(selectors.api_key_list(user=request.user), prefix=prefix)
    api_key_revoke(actor=request.user, api_key=api_key, request=request)
    messages.success(request, _("已吊销 API 密钥“%(name)s”。") % {"name": api_key.name})
    return redirect("enterprises:api_key_list")
