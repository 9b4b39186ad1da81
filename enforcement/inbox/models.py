"""Messages to an enterprise about its cases, with who of its users has read them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboxMessage(models.Model):
    """One message to an enterprise; `key` names the event so it is sent only once."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("文书送达")
        RETURNED = "returned", _("整改材料被退回")
        ACCEPTED = "accepted", _("整改材料已采纳")
        DUE_SOON = "due_soon", _("期限临近")
        OVERDUE = "overdue", _("已逾期")
        CLOSED = "closed", _("案件办结")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "enforcement.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        "enforcement.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    key = models.CharField(_("事件标识"), max_length=120, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "-id"], name="inbox_enterprise_id")]

    def __str__(self) -> str:
        return self.title


class InboxRead(models.Model):
    """That one user of the enterprise has read one message."""

    message = models.ForeignKey(InboxMessage, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="inbox_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} · {self.user_id}"
