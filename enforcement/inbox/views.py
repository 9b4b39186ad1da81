"""The enterprise's inbox: its messages, the unread count for the header, read marks."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from batteries.web.pagination import cursor, keyset_page
from enforcement.inbox.selectors import UNREAD_CAP, inbox_messages, inbox_unread_count
from enforcement.inbox.services import inbox_mark_read
from enterprises.views.access import enterprise_user_required

PAGE_SIZE = 30


@enterprise_user_required
def inbox(request):
    """List the enterprise's messages, newest first; unread ones are marked."""
    page = keyset_page(
        inbox_messages(user=request.user),
        after=cursor(request.GET.get("after")),
        before=cursor(request.GET.get("before")),
        size=PAGE_SIZE,
    )
    return render(request, "enforcement/inbox.html", {"page": page})


@enterprise_user_required
def inbox_open(request, pk: int):
    """Mark one message read and go to its case (or back to the inbox)."""
    message = inbox_messages(user=request.user).filter(pk=pk).first()
    if message is None:
        raise Http404(_("未找到该消息。"))
    inbox_mark_read(user=request.user, message_ids=[message.pk])
    if message.case_id:
        return redirect("enforcement:case_detail", pk=message.case_id)
    return redirect("enforcement:inbox")


@require_POST
@enterprise_user_required
def inbox_read_all(request):
    """Mark every message of the enterprise read by this user."""
    ids = inbox_messages(user=request.user).filter(read=False).values_list("pk", flat=True)
    inbox_mark_read(user=request.user, message_ids=ids)
    return redirect("enforcement:inbox")


def inbox_badge(request):
    """Return the header's unread badge (fetched by htmx after the page loads)."""
    user = request.user
    if not user.is_authenticated or not getattr(user, "enterprise_id", None):
        return HttpResponse("")
    n = inbox_unread_count(user=user)
    if not n:
        return HttpResponse("")
    label = f"{UNREAD_CAP}+" if n > UNREAD_CAP else str(n)
    return HttpResponse(
        format_html(
            '<span class="badge bad inbox-unread" title="{}">{}</span>', _("未读消息"), label
        )
    )


urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("inbox/badge/", inbox_badge, name="inbox_badge"),
    path("inbox/read-all/", inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:pk>/", inbox_open, name="inbox_open"),
]
