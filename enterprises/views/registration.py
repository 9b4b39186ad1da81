"""Public self-registration of an enterprise and its first administrator."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from enterprises.forms import RegistrationForm, add_service_errors
from enterprises.services.enterprises import enterprise_register


@require_http_methods(["GET", "POST"])
def register(request):
    """Show the registration form; on success register the enterprise as pending."""
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
