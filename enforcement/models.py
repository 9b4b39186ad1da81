"""Enforcement: legal parameters as data, the working-day calendar, findings and cases.

The registry (batteries) records facts; this app judges them. Deadlines, the penalty
schedule and the calendar are rows national regulators edit (with history); scans turn
facts into findings, one per violation key; findings are grouped into cases that
regulators review.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from batteries.models import Battery, EventKind
from enterprises.models import PROVINCE_CHOICES, Enterprise, Role
from enterprises.scoping import Scope, ScopedQuerySet


class Rule(models.TextChoices):
    """The detection rules; each key names one violation of DOMAIN.md section 6."""

    SCRAPPED_PACK_NOT_HANDED_OVER = "scrapped_pack_not_handed_over", _("报废车辆电池未按期移交")
    VEHICLE_SCRAPPED_WITHOUT_PACK = "vehicle_scrapped_without_pack", _("车辆报废时电池缺失")
    HANDOVER_TO_UNQUALIFIED_RECEIVER = (
        "handover_to_unqualified_receiver",
        _("向不具备资质的企业移交"),
    )
    HANDOVER_NOT_CONFIRMED = "handover_not_confirmed", _("移交未按期确认或异议未解决")
    LATE_REPORTING = "late_reporting", _("未按期上报")
    CODING_VIOLATION = "coding_violation", _("违反编码规则")
    OUTLET_COVERAGE_GAP = "outlet_coverage_gap", _("回收服务网点未覆盖销售区域")
    PROHIBITED_REUSE = "prohibited_reuse", _("用于禁止领域")


def _validity_range():
    """The closed date range [valid_from, valid_to] of a dated row (no end: unbounded)."""
    return Func(
        F("valid_from"),
        F("valid_to"),
        function="daterange",
        template="daterange(%(expressions)s, '[]')",
        output_field=DateRangeField(),
    )


class LegalBasis(models.Model):
    """Where a legal parameter comes from, and whether its figure is confirmed."""

    legal_document = models.CharField(_("法律依据（文件）"), max_length=200)
    legal_article = models.CharField(_("条款"), max_length=100, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期（含）"), null=True, blank=True)
    unconfirmed = models.BooleanField(
        _("数值未经确认"),
        default=False,
        help_text=_("公开资料未能确认该数值时勾选；页面上凡使用该数值处均提示“未经确认”。"),
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True

    @property
    def basis(self) -> str:
        return f"{self.legal_document} {self.legal_article}".strip()


class DeadlineRule(LegalBasis):
    """A deadline: event kind × reporter role → N days, counted from an anchor moment.

    With `anchor` empty the deadline is a reporting deadline: the event must be reported
    within N days of its own occurred-at. With `anchor` an earlier event kind (the
    scrapping, the handover) it is an action deadline: the event must occur within N days
    of that earlier event. An event is judged by the row in force on the day it (or its
    anchor) occurred.
    """

    class Unit(models.TextChoices):
        CALENDAR = "calendar", _("自然日")
        WORKING = "working", _("工作日")

    event_kind = models.CharField(_("事件类型"), max_length=20, choices=EventKind.choices)
    reporter_role = models.CharField(
        _("上报企业类型"),
        max_length=32,
        choices=Role.choices,
        blank=True,
        help_text=_("留空表示任何企业类型。"),
    )
    anchor = models.CharField(
        _("起算时点"),
        max_length=20,
        choices=EventKind.choices,
        blank=True,
        help_text=_("留空：自该事件发生之日起算（上报期限）；否则自所选的前一事件发生之日起算。"),
    )
    days = models.PositiveSmallIntegerField(_("期限（天）"))
    unit = models.CharField(_("计算方式"), max_length=8, choices=Unit.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("上报与办理期限")
        verbose_name_plural = _("上报与办理期限")
        ordering = ["event_kind", "reporter_role", "anchor", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="deadline_valid_range",
            ),
            models.CheckConstraint(condition=Q(days__gte=1), name="deadline_days_positive"),
            ExclusionConstraint(
                name="deadline_no_overlap",
                expressions=[
                    ("event_kind", RangeOperators.EQUAL),
                    ("reporter_role", RangeOperators.EQUAL),
                    ("anchor", RangeOperators.EQUAL),
                    (_validity_range(), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_kind_display()} · {self.days} {self.get_unit_display()}"


class PenaltyRule(LegalBasis):
    """The sanction ladder of one detection rule: correction order → warning → fine range."""

    rule = models.CharField(_("违法情形"), max_length=40, choices=Rule.choices)
    correction_days = models.PositiveSmallIntegerField(
        _("责令改正期限（工作日）"), help_text=_("责令限期改正通知书给予的改正期限。")
    )
    warning_step = models.BooleanField(_("逾期未改正先予警告"), default=True)
    fine_min_yuan = models.PositiveIntegerField(_("罚款下限（元）"))
    fine_max_yuan = models.PositiveIntegerField(_("罚款上限（元）"))
    demo_values = models.BooleanField(
        _("演示数值"),
        default=False,
        help_text=_("法律未公布具体数额时使用的演示数值，须在正式使用前由监管部门确认。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("处罚标准")
        verbose_name_plural = _("处罚标准")
        ordering = ["rule", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="penalty_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(fine_max_yuan__gte=F("fine_min_yuan")), name="penalty_fine_range"
            ),
            ExclusionConstraint(
                name="penalty_no_overlap",
                expressions=[
                    ("rule", RangeOperators.EQUAL),
                    (_validity_range(), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.fine_min_yuan}–{self.fine_max_yuan} 元"


# --- The working-day calendar ------------------------------------------------------------


class CalendarOverride(models.Model):
    """A regulator's correction of the working-day calendar; wins over the package."""

    day = models.DateField(_("日期"), unique=True)
    is_working = models.BooleanField(_("是否工作日"))
    reason = models.CharField(_("原因"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'工作日' if self.is_working else '休息日'}"


class OfficialScheduleYear(models.Model):
    """A year whose official holiday schedule regulators entered as overrides by hand.

    Years the `chinesecalendar` package knows are official already; for a later year the
    calendar falls back to Monday–Friday plus overrides, and pages say so until a row
    here records that the State Council's schedule for that year has been entered.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("国务院办公厅通知文号"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("已录入的官方放假安排")
        verbose_name_plural = _("已录入的官方放假安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.source}"


class CalendarDay(models.Model):
    """One date of the calendar table the scans join (built from package + overrides).

    `working_ordinal` counts the working days up to and including the date, so "N working
    days after D" is the working day whose ordinal is ordinal(D) + N: one join in SQL.
    """

    day = models.DateField(primary_key=True)
    is_working = models.BooleanField()
    working_ordinal = models.PositiveIntegerField()
    official = models.BooleanField()
    name = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("日历")
        verbose_name_plural = _("日历")
        indexes = [
            models.Index(
                fields=["working_ordinal"],
                condition=Q(is_working=True),
                name="calendar_working_ordinal",
            )
        ]

    def __str__(self) -> str:
        return str(self.day)


# --- Scans and findings --------------------------------------------------------------------


class ScanRun(models.Model):
    """One run of one rule: what it examined and found, how long it took, who started it."""

    rule = models.CharField(_("规则"), max_length=40, choices=Rule.choices)
    as_of = models.DateField(_("检查基准日"))
    dry_run = models.BooleanField(_("试运行"), default=False)
    started_by = models.CharField(_("发起方"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)
    rows_examined = models.PositiveIntegerField(_("检查行数"), default=0)
    found = models.PositiveIntegerField(_("发现"), default=0)
    new = models.PositiveIntegerField(_("新增"), default=0)
    known = models.PositiveIntegerField(_("已知"), default=0)
    cured = models.PositiveIntegerField(_("已纠正"), default=0)

    class Meta:
        verbose_name = _("扫描记录")
        verbose_name_plural = _("扫描记录")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["rule", "-started_at"], name="scanrun_rule_started")]

    def __str__(self) -> str:
        return f"{self.rule} @ {self.as_of}"


class FindingQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        if scope.province:
            return Q(enterprise__province=scope.province)
        return Q(enterprise_id=scope.enterprise_id)


class Finding(models.Model):
    """One violation, once per (rule, key), with its evidence; stays when later cured."""

    rule = models.CharField(_("规则"), max_length=40, choices=Rule.choices)
    key = models.CharField(_("违法标识"), max_length=120)
    subject = models.CharField(_("对象"), max_length=64, help_text=_("电池编码、VIN 或区域"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任企业")
    )
    # Indexed by `finding_battery` below (and the case by `finding_case_id`).
    battery = models.ForeignKey(
        Battery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("电池"),
        db_index=False,
    )
    anchor_date = models.DateField(_("起算日期"), null=True, blank=True)
    deadline = models.DateField(_("期限"), null=True, blank=True)
    deadline_rule = models.ForeignKey(
        DeadlineRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("期限依据"),
    )
    evidence = ArrayField(models.BigIntegerField(), verbose_name=_("证据事件"), default=list)
    details = models.JSONField(_("详情"), default=dict)
    detected_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    detected_as_of = models.DateField(_("发现时基准日"))
    cured_at = models.DateTimeField(_("纠正时间"), null=True, blank=True)
    case = models.ForeignKey(
        "Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("案件"),
        db_index=False,
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("违法线索")
        verbose_name_plural = _("违法线索")
        constraints = [
            models.UniqueConstraint(fields=["rule", "key"], name="finding_one_per_violation"),
        ]
        indexes = [
            models.Index(
                fields=["enterprise", "rule"],
                condition=Q(case__isnull=True),
                name="finding_ungrouped",
            ),
            models.Index(fields=["case", "id"], name="finding_case_id"),  # a case's pages
            models.Index(fields=["battery"], name="finding_battery"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.subject}"


# --- Cases ------------------------------------------------------------------------------------


class CaseQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        if scope.province:
            return Q(enterprise__province=scope.province)
        return Q(enterprise_id=scope.enterprise_id)


class Case(models.Model):
    """The findings of one enterprise under one rule, reviewed together.

    While a case is detected or under review, new findings of the same enterprise and
    rule join it (one open case per enterprise × rule, a named constraint); once it is
    confirmed or dismissed, later findings open a new case.
    """

    class Status(models.TextChoices):
        DETECTED = "detected", _("新发现")
        UNDER_REVIEW = "under_review", _("审查中")
        CONFIRMED = "confirmed", _("已确认")
        DISMISSED = "dismissed", _("已驳回（不予立案）")
        # The sanction ladder (Enforcement II, enforcement/rules.py CASE_TRANSITIONS).
        ORDERED = "ordered", _("已责令改正")
        RECTIFIED = "rectified", _("整改已采纳")
        OVERDUE = "overdue", _("逾期未改正")
        WARNED = "warned", _("已警告")
        NOTICE_SERVED = "notice_served", _("已告知拟处罚")
        DECIDED = "decided", _("已作出罚款决定")
        CLOSED = "closed", _("已结案")

    # "Open for grouping": new findings join only cases nobody has decided on yet.
    OPEN_STATUSES = ("detected", "under_review")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="cases", verbose_name=_("企业")
    )
    rule = models.CharField(_("规则"), max_length=40, choices=Rule.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DETECTED
    )
    province = models.CharField(_("省份"), max_length=2, choices=PROVINCE_CHOICES)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
    )
    opened_at = models.DateTimeField(_("立案线索时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("审查结论时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审查意见"), blank=True)
    # The ladder's current rung, kept by enforcement.sanctions in the transaction of each
    # step; the desk's queues read them without joins. Database defaults too: the scans
    # open cases in SQL.
    due_on = models.DateField(
        _("当前期限"),
        null=True,
        blank=True,
        help_text=_("改正期限、陈述申辩期限届满日或罚款缴纳期限。"),
    )
    response_pending = models.BooleanField(_("整改材料待审查"), default=False, db_default=False)
    proposal = models.CharField(_("复查建议"), max_length=10, blank=True, db_default="")
    proposal_reason = models.TextField(_("复查说明"), blank=True, db_default="")
    rechecked_on = models.DateField(_("已复查的期限"), null=True, blank=True)
    warned_at = models.DateTimeField(_("警告时间"), null=True, blank=True)
    fine_fen = models.BigIntegerField(_("罚款金额（分）"), null=True, blank=True)
    paid_fen = models.BigIntegerField(_("已缴金额（分）"), default=0, db_default=0)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "rule"],
                condition=Q(status__in=["detected", "under_review"]),
                name="case_one_open_per_enterprise_rule",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "province"], name="case_status_province"),
            models.Index(fields=["assigned_to", "status"], name="case_assignee_status"),
            models.Index(
                fields=["due_on", "status"],
                condition=Q(due_on__isnull=False),
                name="case_running_deadline",
            ),
        ]
        permissions = [("review_case", _("可审查案件"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enforcement:case_detail", kwargs={"pk": self.pk})

    @property
    def number(self) -> str:
        return f"AJ{self.opened_at.year}-{self.pk:06d}"


class CaseStep(models.Model):
    """One transition of a case: who did what, when and why. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(_("操作"), max_length=20)
    status_before = models.CharField(_("原状态"), max_length=16, choices=Case.Status.choices)
    status_after = models.CharField(_("新状态"), max_length=16, choices=Case.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        verbose_name = _("案件办理记录")
        verbose_name_plural = _("案件办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.status_before} → {self.status_after}"


# --- The commerce authorities' scrapped-vehicle register ---------------------------------------


class RegisterUpload(models.Model):
    """One file of the scrapped-vehicle certificate register, uploaded by a regulator."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("文件"), upload_to="register/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_created = models.PositiveIntegerField(_("新增"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("已存在"), default=0)
    rows_failed = models.PositiveIntegerField(_("错误行数"), default=0)
    error_sample = models.JSONField(_("错误示例"), default=list, blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报废车辆回收证明登记导入")
        verbose_name_plural = _("报废车辆回收证明登记导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class ScrapRegisterEntry(models.Model):
    """A certificate of the commerce authorities' register (《报废机动车回收证明》)."""

    certificate_no = models.CharField(_("证明编号"), max_length=64, unique=True)
    vin = models.CharField(_("车辆识别代号"), max_length=17, db_index=True)
    scrapped_on = models.DateField(_("报废日期"))
    dismantler_uscc = models.CharField(_("拆解企业统一社会信用代码"), max_length=18)
    # NULL when the dismantler is not (yet) an approved enterprise of the portal.
    dismantler = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("拆解企业"),
    )
    upload = models.ForeignKey(
        RegisterUpload, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("报废车辆回收证明登记")
        verbose_name_plural = _("报废车辆回收证明登记")
        ordering = ["-scrapped_on"]

    def __str__(self) -> str:
        return f"{self.vin} · {self.certificate_no}"


# Enforcement II: documents, the ladder's records and the enterprises' inbox live in
# sub-packages; importing them here registers them with the app.
from enforcement.documents.models import (  # noqa: E402
    Authority,
    Document,
    DocumentCounter,
    DocumentDownload,
)
from enforcement.inbox.models import InboxMessage, InboxRead  # noqa: E402
from enforcement.sanctions.models import (  # noqa: E402
    Defence,
    Hearing,
    Payment,
    ProcedureRule,
    Rectification,
    RectificationAttachment,
)

__all__ = [
    "Authority",
    "CalendarDay",
    "CalendarOverride",
    "Case",
    "CaseStep",
    "DeadlineRule",
    "Defence",
    "Document",
    "DocumentCounter",
    "DocumentDownload",
    "Finding",
    "Hearing",
    "InboxMessage",
    "InboxRead",
    "LegalBasis",
    "OfficialScheduleYear",
    "Payment",
    "PenaltyRule",
    "ProcedureRule",
    "Rectification",
    "RectificationAttachment",
    "RegisterUpload",
    "Rule",
    "ScanRun",
    "ScrapRegisterEntry",
]
