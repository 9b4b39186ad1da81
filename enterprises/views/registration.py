"""Public self-registration of an enterprise and its first administrator."""

import os
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from enterprises.forms import RegistrationForm, add_service_errors
from enterprises.services.enterprises import enterprise_register

# A supporting document uploaded with a submission that had other errors waits here, named
# by an unguessable token held in the applicant's session, until the application is made.
KEPT_FOLDER = "registration-pending"
KEPT_SESSION_KEY = "registration_document"


@require_http_methods(["GET", "POST"])
def register(request):
    """Show the registration form; on success register the enterprise as pending.

    Every error of a submission is shown at once, and a document that passed its checks is
    kept, so the applicant corrects the other fields without choosing the file again.
    """
    if request.method == "POST" and _attempts_exceeded(request):
        message = _("来自您所在网络的注册申请过于频繁，请一小时后再试，或联系监管部门。")
        return render(
            request,
            "enterprises/register.html",
            {"form": RegistrationForm(), "refused": message},
            status=429,
        )
    kept = _kept_document(request) if request.method == "POST" else None
    form = RegistrationForm(request.POST or None, request.FILES or None, kept_document=kept)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_register(**form.cleaned_data_for_service())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _forget_document(request)
            request.session["registered_enterprise"] = enterprise.name
            return redirect("enterprises:register_done")
    if request.method == "POST" and form.new_document is not None:
        _keep_document(request, form.new_document)
    elif request.method == "GET":
        _forget_document(request)
    return render(
        request,
        "enterprises/register.html",
        {"form": form, "kept_name": _kept_name(request)},
    )


def register_done(request):
    """Confirm that the application was received and say what happens next."""
    name = request.session.pop("registered_enterprise", "")
    return render(request, "enterprises/register_done.html", {"enterprise_name": name})


def _keep_document(request, upload) -> None:
    _forget_document(request)
    extension = os.path.splitext(upload.name)[1].lower()
    upload.seek(0)
    path = default_storage.save(f"{KEPT_FOLDER}/{secrets.token_hex(16)}{extension}", upload)
    request.session[KEPT_SESSION_KEY] = {"path": path, "name": os.path.basename(upload.name)}


def _kept_document(request) -> File | None:
    kept = request.session.get(KEPT_SESSION_KEY)
    if not kept or not default_storage.exists(kept["path"]):
        return None
    return File(default_storage.open(kept["path"], "rb"), name=kept["name"])


def _kept_name(request) -> str:
    kept = request.session.get(KEPT_SESSION_KEY)
    return kept["name"] if kept and default_storage.exists(kept["path"]) else ""


def _forget_document(request) -> None:
    kept = request.session.pop(KEPT_SESSION_KEY, None)
    if kept:
        default_storage.delete(kept["path"])


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
