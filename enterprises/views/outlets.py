"""The enterprise's recycling service outlets: list, create, edit, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from enterprises import rules, selectors
from enterprises.forms import OutletForm, add_service_errors
from enterprises.services.outlets import outlet_create, outlet_delete, outlet_update
from enterprises.views.access import enterprise_admin_required, enterprise_user_required


@enterprise_user_required
def outlet_list(request):
    """List the outlets the enterprise set up or operates."""
    outlets = selectors.outlet_list(user=request.user).order_by("province", "name", "pk")
    page = Paginator(outlets, 100).get_page(request.GET.get("page"))
    enterprise = request.user.enterprise
    return render(
        request,
        "enterprises/outlet_list.html",
        {
            "page": page,
            "enterprise": enterprise,
            "can_manage": request.user.is_enterprise_admin
            and selectors.enterprise_is_active(request.user)
            and bool(set(enterprise.roles) & rules.PRODUCER_ROLES),
        },
    )


def _outlet_form_page(request, outlet=None):
    form = OutletForm(request.POST or None, instance=outlet)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if outlet is None:
                saved = outlet_create(actor=request.user, **data)
            else:
                saved = outlet_update(actor=request.user, outlet=outlet, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存回收服务网点“%(name)s”。") % {"name": saved.name})
            return redirect("enterprises:outlet_list")
    return render(request, "enterprises/outlet_form.html", {"form": form, "outlet": outlet})


@require_http_methods(["GET", "POST"])
@enterprise_admin_required
def outlet_create_view(request):
    """Set up a new outlet."""
    return _outlet_form_page(request)


@require_http_methods(["GET", "POST"])
@enterprise_admin_required
def outlet_update_view(request, pk: int):
    """Change one of the enterprise's own outlets."""
    outlet = get_object_or_404(selectors.outlet_owned(user=request.user), pk=pk)
    return _outlet_form_page(request, outlet)


@require_POST
@enterprise_admin_required
def outlet_delete_view(request, pk: int):
    """Delete an outlet no battery record refers to."""
    outlet = get_object_or_404(selectors.outlet_owned(user=request.user), pk=pk)
    try:
        outlet_delete(actor=request.user, outlet=outlet)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除回收服务网点“%(name)s”。") % {"name": outlet.name})
    return redirect("enterprises:outlet_list")
