"""Tell an enterprise about its case: a message in the portal's inbox, then an email.

A message is keyed by the event it reports (a document, a reminder of one deadline): a
job that runs twice, or two workers at once, insert it once and send one email.
"""

import logging

from django.core.mail import send_mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from enforcement.inbox.models import InboxMessage, InboxRead

logger = logging.getLogger(__name__)


def inbox_notify(
    *,
    enterprise_id: int,
    kind: str,
    key: str,
    title: str,
    body: str,
    case_id=None,
    document_id=None,
) -> int | None:
    """Insert a message unless its key exists; email it after commit. Return its id or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO enforcement_inboxmessage
                (enterprise_id, case_id, document_id, kind, key, title, body, created_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (key) DO NOTHING
            RETURNING id
            """,
            [enterprise_id, case_id, document_id, kind, key, title, body, timezone.now()],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    from enforcement.tasks import inbox_email

    inbox_email.delay_on_commit(row[0])
    return row[0]


def inbox_email_send(*, message_id: int) -> int:
    """Email one inbox message to the enterprise's administrators; return messages sent."""
    from enforcement.documents.services import portal_base_url
    from enterprises.services.notifications import enterprise_admin_emails

    message = InboxMessage.objects.select_related("enterprise").get(pk=message_id)
    link = portal_base_url() + (
        reverse("enforcement:case_detail", args=[message.case_id])
        if message.case_id
        else reverse("enforcement:inbox")
    )
    body = (
        f"{message.enterprise.name}：\n\n{message.body}\n\n查看详情：{link}\n\n"
        "（本邮件由动力电池数字身份监管平台自动发送，请登录平台办理，勿直接回复。）\n"
        "This is an automatic notice of the battery digital identity portal about your "
        "enterprise's enforcement case; please log in to the portal for details.\n"
    )
    try:
        return send_mail(
            f"【动力电池数字身份监管平台】{message.title}",
            body,
            None,
            enterprise_admin_emails(message.enterprise),
        )
    except OSError:
        # The message is in the inbox already; a relay outage must not lose the step.
        logger.exception("inbox message %s not emailed", message_id)
        return 0


def inbox_mark_read(*, user, message_ids) -> int:
    """Mark messages of the user's enterprise read by the user; return how many were new."""
    ids = list(
        InboxMessage.objects.filter(enterprise_id=user.enterprise_id, pk__in=list(message_ids))
        .exclude(reads__user=user)
        .values_list("pk", flat=True)
    )
    InboxRead.objects.bulk_create(
        [InboxRead(message_id=pk, user=user) for pk in ids], ignore_conflicts=True
    )
    return len(ids)
