"""Public self-registration of an enterprise and its first administrator."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from enterprises.forms import RegistrationForm, add_service_errors
from enterprises.services.enterprises import enterprise_register


@require_http_methods(["GET", "POST"])
def register(request):
    """Show the registration form; on success register the enterprise as pending."""
    if request.method == "POST" and _attempts_exceeded(request):
        message = _("来自您所在网络的注册申请过于频繁，请一小时后再试，或联系监管部门。")
        return render(
            request,
            "enterprises/register.html",
            {"form": RegistrationForm(), "refused": message},
            status=429,
        )
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_register(**form.cleaned_data_for_service())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["registered_enterprise"] = enterprise.name
            return redirect("enterprises:register_done")
    return render(request, "enterprises/register.html", {"form": form})


def register_done(request):
    """Confirm that the application was received and say what happens next."""
    name = request.session.pop("registered_enterprise", "")
    return render(request, "enterprises/register_done.html", {"enterprise_name": name})


def _attempts_exceeded(request) -> bool:
    """Count this address's submissions in the current hour; True once over the limit.

    The form is public and takes file uploads: without a limit one script can fill the
    regulators' review queue. REMOTE_ADDR is the client as the reverse proxy reports it.
    """
    key = f"registration-attempts:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=3600)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        attempts = 1
    return attempts > settings.REGISTRATION_ATTEMPTS_PER_HOUR
