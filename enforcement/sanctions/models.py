"""The ladder's records: procedural periods as data, rectifications, defences, hearings,
payments. Each step is also a `CaseStep` (who, when, why)."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enforcement.models import LegalBasis, _validity_range


class ProcedureRule(LegalBasis):
    """A period or rate of the Administrative Penalty Law and the laws it points to.

    One row in force per key on any day; a case uses the row in force on the day of the
    step (the day a notice or decision is served). Seeded by enforcement/sanctions/seed.py.
    """

    class Key(models.TextChoices):
        HEARING_REQUEST = "hearing_request", _("听证申请期限")
        DEFENCE = "defence", _("陈述、申辩期限")
        HEARING_THRESHOLD = "hearing_threshold", _("可要求听证的罚款数额")
        PAYMENT = "payment", _("罚款缴纳期限")
        SURCHARGE = "surcharge", _("逾期加处罚款（每日）")
        RECONSIDERATION = "reconsideration", _("申请行政复议期限")
        LITIGATION = "litigation", _("提起行政诉讼期限")

    class Unit(models.TextChoices):
        CALENDAR = "calendar", _("日")
        WORKING = "working", _("工作日")
        MONTH = "month", _("个月")
        BASIS_POINT = "basis_point", _("‱（万分之一）")
        YUAN = "yuan", _("元")

    key = models.CharField(_("事项"), max_length=20, choices=Key.choices)
    value = models.PositiveIntegerField(_("数值"))
    unit = models.CharField(_("单位"), max_length=12, choices=Unit.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("处罚程序期限")
        verbose_name_plural = _("处罚程序期限")
        ordering = ["key", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="procedure_valid_range",
            ),
            models.CheckConstraint(condition=Q(value__gte=1), name="procedure_value_positive"),
            ExclusionConstraint(
                name="procedure_no_overlap",
                expressions=[
                    ("key", RangeOperators.EQUAL),
                    (_validity_range(), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} · {self.value} {self.get_unit_display()}"


class Rectification(models.Model):
    """The enterprise's answer to a correction order or warning: a statement and files."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审查")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已采纳")

    case = models.ForeignKey(
        "enforcement.Case", on_delete=models.PROTECT, related_name="rectifications"
    )
    document = models.ForeignKey(
        "enforcement.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("文书")
    )
    statement = models.TextField(_("整改情况说明"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    review_reason = models.TextField(_("审查意见"), blank=True)

    class Meta:
        verbose_name = _("整改材料")
        verbose_name_plural = _("整改材料")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="submitted"),
                name="rectification_one_pending_per_case",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(reviewed_at__isnull=False),
                name="rectification_reviewed_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.submitted_at:%Y-%m-%d}"


class RectificationAttachment(models.Model):
    """One file attached to a rectification (PDF, image or spreadsheet, size-limited)."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="rectifications/%Y/%m/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("整改附件")
        verbose_name_plural = _("整改附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Defence(models.Model):
    """The party's statement and defence (陈述、申辩) or its request for a hearing."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("陈述、申辩")
        HEARING_REQUEST = "hearing_request", _("听证申请")

    case = models.ForeignKey("enforcement.Case", on_delete=models.PROTECT, related_name="defences")
    document = models.ForeignKey(
        "enforcement.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("告知书")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("内容"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("陈述申辩")
        verbose_name_plural = _("陈述申辩")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(kind="hearing_request"),
                name="defence_one_hearing_request_per_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.get_kind_display()}"


class Hearing(models.Model):
    """The record of a hearing held on a notice (art. 64–65)."""

    case = models.ForeignKey("enforcement.Case", on_delete=models.PROTECT, related_name="hearings")
    document = models.OneToOneField(
        "enforcement.Document", on_delete=models.PROTECT, related_name="hearing"
    )
    held_on = models.DateField(_("听证日期"))
    summary = models.TextField(_("听证笔录摘要"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("听证记录")
        verbose_name_plural = _("听证记录")

    def __str__(self) -> str:
        return f"{self.case_id} · {self.held_on}"


class Payment(models.Model):
    """One payment against a fine decision; payments add up (fine first, then surcharge)."""

    case = models.ForeignKey("enforcement.Case", on_delete=models.PROTECT, related_name="payments")
    document = models.ForeignKey(
        "enforcement.Document", on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("缴款日期"))
    amount_fen = models.BigIntegerField(_("金额（分）"))
    voucher_no = models.CharField(_("缴款凭证号"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("罚款缴纳")
        verbose_name_plural = _("罚款缴纳")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["document", "voucher_no"], name="payment_one_per_voucher"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_no} · {self.amount_text}"

    @property
    def amount_text(self) -> str:
        """The amount in yuan as written: 1,200 or 1,200.50."""
        fen = self.amount_fen
        return f"{fen // 100:,}" + (f".{fen % 100:02d}" if fen % 100 else "")
