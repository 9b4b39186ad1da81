"""The rollup tables: small pre-counted cells every figure is read from (decision 0013).

Each cell is keyed by what a filter or a scope can narrow to: the month a fact is
attributed to (first day of the month, Beijing time), the enterprise it is attributed to
and that enterprise's province. Nothing here is edited by hand; `stats.refresh` writes
every row (set-based SQL), a full rebuild or an incremental refresh. The glossary
(`stats.definitions.FIGURES`) says which fact lands in which cell.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise


def _enterprise(verbose_name):
    # No database constraint: rollups are rebuilt wholesale and enterprises never deleted.
    return models.ForeignKey(
        Enterprise,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=verbose_name,
    )


class FlowCell(models.Model):
    """Live lifecycle events of packs per month × reporting enterprise × kind × chemistry.

    `judged` counts the events a reporting deadline applies to, `on_time` those reported
    by their deadline (the row in force on the day the event occurred).
    """

    month = models.DateField(_("月份"))
    enterprise = _enterprise(_("上报企业"))
    province = models.CharField(_("省份"), max_length=2)
    kind = models.CharField(_("事件类型"), max_length=20)
    chemistry = models.CharField(_("电池类型"), max_length=16)
    events = models.IntegerField(_("事件数"), default=0)
    judged = models.IntegerField(_("适用上报期限的事件数"), default=0)
    on_time = models.IntegerField(_("按期上报的事件数"), default=0)

    class Meta:
        verbose_name = _("生命周期事件月度汇总")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["month", "enterprise", "kind", "chemistry"], name="stats_flow_cell"
            )
        ]
        indexes = [
            models.Index(fields=["kind", "month"], name="stats_flow_kind_month"),
            models.Index(fields=["province", "month"], name="stats_flow_province_month"),
            models.Index(fields=["enterprise", "month"], name="stats_flow_enterprise_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.enterprise_id} {self.kind}: {self.events}"


class StockCell(models.Model):
    """Packs now held per holder × state (the registry's current state)."""

    enterprise = _enterprise(_("持有企业"))
    province = models.CharField(_("省份"), max_length=2)
    state = models.CharField(_("状态"), max_length=20)
    packs = models.IntegerField(_("电池包数"), default=0)

    class Meta:
        verbose_name = _("电池包在库状态汇总")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "state"], name="stats_stock_cell")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.state}: {self.packs}"


class Retirement(models.Model):
    """One scrapped pack and whether it reached a qualified receiver by its deadline.

    A per-pack fact (not a figure): the recycling-rate cells are counted from it, and an
    incremental refresh recomputes only the packs new events touched. A pack that has not
    arrived while its deadline is still to come (on the refresh's day, Beijing time) is
    `pending`; each refresh turns the pending packs whose deadline has passed into
    `not_arrived` (the partial index finds them).
    """

    class Outcome(models.TextChoices):
        ON_TIME = "on_time", _("按期移交至合规接收方")
        LATE = "late", _("逾期移交至合规接收方")
        NOT_ARRIVED = "not_arrived", _("尚未移交至合规接收方")
        PENDING = "pending", _("期限未到")

    battery_id = models.BigIntegerField(primary_key=True)
    scrap_event_id = models.BigIntegerField()
    month = models.DateField(_("报废月份"))
    enterprise = _enterprise(_("拆解企业"))
    province = models.CharField(_("省份"), max_length=2)
    scrapped_on = models.DateField(_("报废日期"))
    due = models.DateField(_("移交期限"), null=True)
    arrived_on = models.DateField(_("移交日期"), null=True)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)

    class Meta:
        verbose_name = _("报废电池移交情况")
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["enterprise", "month"], name="stats_retire_ent_month"),
            models.Index(
                fields=["due"], name="stats_retire_pending_due", condition=Q(outcome="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.battery_id}: {self.outcome}"


class RecyclingCell(models.Model):
    """Scrapped packs per month of scrapping × dismantler, by outcome.

    retired = on_time + late + not_arrived + pending; the rate's denominator leaves out
    `pending` (not arrived, deadline still to come).
    """

    month = models.DateField(_("月份"))
    enterprise = _enterprise(_("拆解企业"))
    province = models.CharField(_("省份"), max_length=2)
    retired = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    not_arrived = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("规范回收率月度汇总")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["month", "enterprise"], name="stats_recycling_cell")
        ]
        indexes = [models.Index(fields=["province", "month"], name="stats_recycling_prov")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.enterprise_id}: {self.on_time}/{self.retired}"


class SalesCell(models.Model):
    """Sale events per month × producer × sales area, the outlet-coverage scan's notion.

    Level `province`: a battery producer's packs sold, in the province of the enterprise
    that reported the sale. Level `prefecture`: a vehicle producer's vehicles sold, in the
    prefecture of the reporter.
    """

    month = models.DateField(_("月份"))
    enterprise = _enterprise(_("生产企业"))
    level = models.CharField(max_length=10)
    area = models.CharField(_("区域"), max_length=4)
    province = models.CharField(_("区域所在省份"), max_length=2)
    sales = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("销售区域月度汇总")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["month", "enterprise", "level", "area"], name="stats_sales_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.enterprise_id} {self.area}: {self.sales}"


class CoverageCell(models.Model):
    """A producer's sales area of the last 12 months and whether an active outlet covers it."""

    enterprise = _enterprise(_("生产企业"))
    level = models.CharField(max_length=10)
    area = models.CharField(_("区域"), max_length=4)
    province = models.CharField(_("区域所在省份"), max_length=2)
    covered = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("回收服务网点覆盖汇总")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "level", "area"], name="stats_coverage_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.area}: {self.covered}"


class FindingCell(models.Model):
    """Findings per month of detection × enterprise held responsible × rule."""

    month = models.DateField(_("月份"))
    enterprise = _enterprise(_("责任企业"))
    province = models.CharField(_("省份"), max_length=2)
    rule = models.CharField(_("规则"), max_length=40)
    open = models.IntegerField(default=0)
    cured = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("违法线索月度汇总")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["month", "enterprise", "rule"], name="stats_finding_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.enterprise_id} {self.rule}"


class CaseCell(models.Model):
    """Cases per month opened × enterprise × rule × current status."""

    month = models.DateField(_("月份"))
    enterprise = _enterprise(_("企业"))
    province = models.CharField(_("省份"), max_length=2)
    rule = models.CharField(_("规则"), max_length=40)
    status = models.CharField(_("状态"), max_length=16)
    cases = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("案件月度汇总")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["month", "enterprise", "rule", "status"], name="stats_case_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.enterprise_id} {self.rule} {self.status}"


class FineCell(models.Model):
    """Fines per month of the fine decision × enterprise × rule, in fen."""

    month = models.DateField(_("月份"))
    enterprise = _enterprise(_("企业"))
    province = models.CharField(_("省份"), max_length=2)
    rule = models.CharField(_("规则"), max_length=40)
    fines = models.IntegerField(default=0)
    issued_fen = models.BigIntegerField(default=0)
    paid_fen = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("罚款月度汇总")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["month", "enterprise", "rule"], name="stats_fine_cell")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.enterprise_id} {self.rule}: {self.issued_fen}"


class RefreshState(models.Model):
    """When a group of rollups was last refreshed, and up to where (the "data as of" time)."""

    class Group(models.TextChoices):
        EVENTS = "events", _("电池与事件汇总")
        ENFORCEMENT = "enforcement", _("执法汇总")

    group = models.CharField(max_length=16, choices=Group.choices, primary_key=True)
    refreshed_at = models.DateTimeField(_("数据截至"))
    last_event_id = models.BigIntegerField(default=0)
    signature = models.JSONField(default=dict)
    mode = models.CharField(max_length=12)
    duration_ms = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("汇总刷新状态")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.group} @ {self.refreshed_at}"


class AppliedEvent(models.Model):
    """Ids of recently applied events, so a late-committing event is applied exactly once.

    Event ids come from a sequence: a transaction may commit an event whose id is below
    the watermark of a refresh that ran meanwhile. Each incremental refresh looks back
    `stats.refresh.LOOKBACK_IDS` ids below the watermark and skips the ids listed here.
    """

    id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("已计入汇总的事件")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return str(self.id)
