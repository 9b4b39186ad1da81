"""Emails to enterprises. Bilingual by design: Chinese first, then English, in one message."""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from enterprises.models import Enterprise, User

logger = logging.getLogger(__name__)

# action -> (Chinese subject, English subject, English status)
REVIEW_SUBJECTS = {
    "approve": ("企业注册申请已批准", "Registration approved", "approved"),
    "reject": ("企业注册申请已驳回", "Registration rejected", "rejected"),
    "suspend": ("企业账户已暂停", "Enterprise account suspended", "suspended"),
    "reinstate": ("企业账户已恢复", "Enterprise account reinstated", "approved"),
}


def enterprise_admin_emails(enterprise: Enterprise) -> list[str]:
    """Return the addresses of the enterprise's active administrators (or its contact)."""
    emails = list(
        enterprise.users.filter(kind=User.Kind.ENTERPRISE_ADMIN, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return emails or [enterprise.contact_email]


def enterprise_review_notify(*, enterprise_id: int, action: str) -> int:
    """Email the enterprise's administrators the outcome of a review; return messages sent."""
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    subject_zh, subject_en, status_en = REVIEW_SUBJECTS[action]
    with translation.override("zh-hans"):
        body = render_to_string(
            "enterprises/email/review_notice.txt",
            {
                "enterprise": enterprise,
                "subject_zh": subject_zh,
                "subject_en": subject_en,
                "status_zh": enterprise.get_status_display(),
                "status_en": status_en,
            },
        )
    try:
        return send_mail(
            f"【动力电池数字身份监管平台】{subject_zh} / {subject_en}",
            body,
            None,
            enterprise_admin_emails(enterprise),
        )
    except OSError:
        # The decision is already committed; a mail relay outage must not hide it.
        logger.exception("review notice for enterprise %s not sent", enterprise_id)
        return 0
