"""Reads of the inbox, for the enterprise user asking."""

from django.db.models import Exists, OuterRef, QuerySet

from enforcement.inbox.models import InboxMessage, InboxRead

UNREAD_CAP = 99  # the header shows "99+" beyond: never counts a long history


def inbox_messages(*, user) -> QuerySet[InboxMessage]:
    """Return the messages of the user's enterprise, with `unread` for this user."""
    if not getattr(user, "enterprise_id", None):
        return InboxMessage.objects.none()
    read = InboxRead.objects.filter(message=OuterRef("pk"), user=user)
    return InboxMessage.objects.filter(enterprise_id=user.enterprise_id).annotate(read=Exists(read))


def inbox_unread_count(*, user) -> int:
    """Return how many messages the user has not read (at most UNREAD_CAP + 1)."""
    unread = inbox_messages(user=user).filter(read=False).order_by()
    return len(unread.values_list("pk", flat=True)[: UNREAD_CAP + 1])
