"""The export record: one row per export, served at once or produced by a worker."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExportJobQuerySet":
        """National regulators see every export; anybody else only their own."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.is_superuser or user.kind == "national":
            return self
        return self.filter(user=user)


class ExportJob(models.Model):
    """Who exported which table, with which filters, in which format, how many rows."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    class Delivery(models.TextChoices):
        DIRECT = "direct", _("即时下载")
        JOB = "job", _("后台生成")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        # Done, and its file deleted after EXPORT_RETENTION_DAYS; the record stays.
        EXPIRED = "expired", _("已过期")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("导出人"),
    )
    table = models.CharField(_("数据表"), max_length=40)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    format = models.CharField(_("格式"), max_length=4, choices=Format.choices)
    delivery = models.CharField(_("方式"), max_length=8, choices=Delivery.choices)
    language = models.CharField(_("表头语言"), max_length=10, default="zh-hans")
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已写出行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Written with each progress save: a running job silent for long lost its worker.
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    file_deleted_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at"], name="exportjob_created"),
            models.Index(fields=["user", "-created_at"], name="exportjob_user_created"),
            # What the nightly purge looks for: background files still kept, by age.
            models.Index(
                fields=["finished_at"],
                name="exportjob_kept_files",
                condition=Q(status="done", delivery="job"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running"]) | Q(finished_at__isnull=False),
                name="exportjob_finished_has_time",
            ),
            models.CheckConstraint(
                condition=Q(format__in=["xlsx", "csv"]), name="exportjob_format_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="expired") | Q(file_deleted_at__isnull=False, file=""),
                name="exportjob_expired_has_no_file",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.table}.{self.format}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("stats_exports:detail", kwargs={"pk": self.pk})

    @property
    def table_title(self) -> str:
        from stats.exports.tables import TABLES

        return str(TABLES[self.table].title) if self.table in TABLES else self.table

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED}

    @property
    def export_again_url(self) -> str:
        """Return the new-export link with this export's table, format and filters."""
        from django.urls import reverse
        from django.utils.http import urlencode

        params = {"table": self.table, "format": self.format, **self.filters}
        return f"{reverse('stats_exports:new')}?{urlencode(params)}"

    @property
    def percent(self) -> int:
        if self.status in {self.Status.DONE, self.Status.EXPIRED}:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))
