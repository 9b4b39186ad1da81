"""The monthly compliance snapshot: one row per enterprise × month, ranked within province."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import PROVINCE_CHOICES, Enterprise
from enterprises.scoping import ScopedQuerySet


class SnapshotQuerySet(ScopedQuerySet):
    province_path = "province"


class ScorecardSnapshot(models.Model):
    """An enterprise's figures, priority score and reasons for one month.

    Built by `stats.scorecard.services.snapshot_build` (a month is replaced as a whole);
    `figures` holds the inputs (on-time reporting, findings, disputes, fines, and for a
    comprehensive-utilization enterprise its mass balance) and `reasons` the points of
    `stats.scorecard.rules.priority_score`, largest first.
    """

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天。"))
    province = models.CharField(_("省份"), max_length=2, choices=PROVINCE_CHOICES)
    score = models.PositiveIntegerField(_("优先度分值"))
    rank = models.PositiveIntegerField(_("省内排名"))
    reasons = models.JSONField(_("原因"), default=list)
    figures = models.JSONField(_("指标"), default=dict)
    built_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("合规评分月度快照")
        verbose_name_plural = _("合规评分月度快照")
        ordering = ["month", "province", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "month"], name="scorecard_one_per_month"),
            models.UniqueConstraint(
                fields=["month", "province", "rank"], name="scorecard_one_rank_per_province"
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="scorecard_month_first_day"
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "-month"], name="scorecard_enterprise_month"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.month:%Y-%m}: {self.score}"
