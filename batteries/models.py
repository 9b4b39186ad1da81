"""The digital identity: battery units, vehicles, bindings, append-only lifecycle events."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, Outlet
from enterprises.scoping import Scope, ScopedQuerySet


class State(models.TextChoices):
    """Where a pack is in its life (DOMAIN.md section 4)."""

    REGISTERED = "registered", _("已赋码")
    PRODUCED = "produced", _("已生产")
    DELIVERED = "delivered", _("已交付整车企业")
    INSTALLED = "installed", _("已装车")
    SOLD = "sold", _("已销售")
    IN_SWAP_POOL = "in_swap_pool", _("换电站在库")
    REMOVED = "removed", _("维修拆卸")
    AT_OUTLET = "at_outlet", _("回收网点在库")
    VEHICLE_SCRAPPED = "vehicle_scrapped", _("车辆已报废")
    DISMANTLED = "dismantled", _("拆解企业已拆卸")
    HANDED_OVER = "handed_over", _("已移交待接收")
    RECEIVED = "received", _("综合利用企业已接收")
    RECYCLED = "recycled", _("已再生利用")
    REPURPOSED = "repurposed", _("已梯次利用（重新编码）")


class EventKind(models.TextChoices):
    PRODUCE = "produce", _("生产")
    DELIVER = "deliver", _("交付整车企业")
    INSTALL = "install", _("装车（合格证）")
    SELL = "sell", _("车辆销售")
    SWAP_IN = "swap_in", _("换电入库")
    SWAP_OUT = "swap_out", _("换电装车")
    REMOVE_FOR_REPAIR = "remove_for_repair", _("维修更换拆卸")
    REINSTALL = "reinstall", _("维修后重新装车")
    OUTLET_INTAKE = "outlet_intake", _("回收网点收集")
    SCRAP_VEHICLE = "scrap_vehicle", _("车辆报废回收")
    DISMANTLE = "dismantle", _("拆解拆卸电池")
    HANDOVER = "handover", _("移交")
    RECEIPT_CONFIRM = "receipt_confirm", _("接收确认（入库）")
    RECEIPT_DISPUTE = "receipt_dispute", _("接收异议")
    RECYCLE = "recycle", _("再生利用完成")
    REPURPOSE = "repurpose", _("梯次利用（重新编码）")
    REGISTER = "register", _("赋码登记")
    VOID = "void", _("更正（作废前一事件）")


class Channel(models.TextChoices):
    WEB = "web", _("网页表单")
    IMPORT = "import", _("文件导入")
    API = "api", _("接口上报")
    SYSTEM = "system", _("系统")


def _unchecked_reference(
    to, verbose_name=None, *, optional=False, related_name="+", one_to_one=False, db_index=False
):
    """A foreign key that PostgreSQL does not check per inserted row, only on delete.

    Each declared key is a trigger per inserted row that runs a `SELECT … FOR KEY SHARE` at
    commit; packs, events and access rows are written by the ten thousand. The referenced
    rows are never deleted by the portal, `on_delete=PROTECT` still guards the ORM, and a
    BEFORE DELETE trigger on each referenced table refuses to delete a row that is still
    referred to (docs/decisions/0005 and 0007, migrations 0008 and 0010). A new column of
    this kind needs its pair added to that trigger's list: tests/batteries/test_schema.py
    fails until it is.
    """
    field = models.OneToOneField if one_to_one else models.ForeignKey
    return field(
        to,
        on_delete=models.PROTECT,
        null=optional,
        blank=optional,
        related_name=related_name,
        verbose_name=verbose_name,
        db_index=db_index,
        db_constraint=False,
    )


def _not_null_index(field: str, name: str) -> models.Index:
    """Index a mostly-NULL foreign key for `field = id` lookups, without its NULL rows."""
    return models.Index(
        fields=[field], name=name, condition=models.Q(**{f"{field}__isnull": False})
    )


class Vehicle(models.Model):
    vin = models.CharField(_("车辆识别代号"), max_length=17, unique=True)
    producer = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("生产企业")
    )
    model_name = models.CharField(_("车型"), max_length=100, blank=True)
    is_swap_model = models.BooleanField(_("换电车型"), default=False)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vin__regex=r"^[0-9A-HJ-NPR-Z]{17}$"), name="vehicle_vin_format"
            )
        ]

    def __str__(self) -> str:
        return self.vin


class BatteryQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.Q:
        """A province sees every pack an enterprise of the province was ever party to.

        A provincial regulator follows the packs its enterprises made, held, reported or
        received, also after they left the province (a pack scrapped in Jiangsu and handed
        over to Hunan stays visible to Jiangsu). An enterprise sees the packs it ever held.
        """
        if scope.province:
            return models.Q(
                models.Exists(
                    BatteryAccess.objects.filter(
                        battery_id=models.OuterRef("pk"), enterprise__province=scope.province
                    )
                )
            )
        # Maker, reporter, holder or counterparty at any time, through the access table
        # (a receiver asked to confirm a handover must see the pack before it holds it).
        # A join (not IN): PostgreSQL then walks the access table's primary key
        # (enterprise, battery) backwards for "newest first" lists, which stays fast for an
        # enterprise with a handful of packs among millions. The key is unique per
        # enterprise, so the join never repeats a pack.
        return models.Q(access__enterprise_id=scope.enterprise_id)


class Battery(models.Model):
    """One coded battery unit (pack, module or cell) and its current, event-derived state."""

    class ProductType(models.TextChoices):
        PACK = "P", _("电池包")
        MODULE = "M", _("模块")
        CELL = "C", _("单体")

    # Byte-order collation: the unique index then also serves prefix search (LIKE 'X%'),
    # which under the database's libc collation needs a second, pattern_ops index.
    code = models.CharField(_("电池编码"), max_length=24, db_collation="C")
    product_type = models.CharField(_("产品类型"), max_length=1, choices=ProductType.choices)
    battery_type = models.CharField(_("电池类型代码"), max_length=1)
    chemistry = models.CharField(_("电池类型"), max_length=16)
    spec_code = models.CharField(_("规格代码"), max_length=2)
    trace_code = models.CharField(_("追溯信息代码"), max_length=7, blank=True)
    production_date = models.DateField(_("生产日期"))
    serial = models.CharField(_("序列号"), max_length=7)
    manufacturer_code = models.CharField(_("厂商代码"), max_length=3)
    manufacturer = _unchecked_reference(Enterprise, _("生产企业"))
    # Partial indexes in Meta: most units have no parent and were never recoded.
    parent = _unchecked_reference(
        "self", _("上级（电池包/模块）"), optional=True, related_name="children"
    )
    original = _unchecked_reference(
        "self", _("原编码（梯次利用前）"), optional=True, related_name="recoded_as"
    )
    mass_kg = models.PositiveIntegerField(_("质量（千克）"), null=True, blank=True)
    capacity_wh = models.PositiveIntegerField(_("额定能量（瓦时）"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.REGISTERED
    )
    holder = _unchecked_reference(Enterprise, _("当前持有企业"))
    # Partial index in Meta: NULL until installed.
    vehicle = _unchecked_reference(Vehicle, _("当前车辆"), optional=True, related_name="batteries")
    last_seq = models.PositiveIntegerField(_("最新事件序号"), default=0)
    last_hash = models.CharField(_("最新事件哈希"), max_length=64, blank=True)
    last_occurred_at = models.DateTimeField(_("最新事件发生时间"), null=True, blank=True)
    registered_at = models.DateTimeField(_("赋码登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("状态更新时间"), default=timezone.now)

    objects = BatteryQuerySet.as_manager()

    class Meta:
        verbose_name = _("电池")
        verbose_name_plural = _("电池")
        indexes = [
            models.Index(fields=["holder", "state"], name="battery_holder_state"),
            models.Index(fields=["manufacturer", "state"], name="battery_mfr_state"),
            models.Index(fields=["state", "updated_at"], name="battery_state_updated"),
            # Reverse lookups filter on a pack id; NULL rows (most of them) stay out.
            _not_null_index("parent", "battery_parent"),
            _not_null_index("original", "battery_original"),
            _not_null_index("vehicle", "battery_vehicle"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="battery_code_unique"),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9A-Z]{19}([0-9A-Z]{5})?$"),
                name="battery_code_format",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("batteries:pack_detail", kwargs={"code": self.code})


class VehicleBinding(models.Model):
    """A pack installed in a vehicle from one event until another."""

    battery = models.ForeignKey(Battery, on_delete=models.PROTECT, related_name="bindings")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="bindings")
    bound_at = models.DateTimeField(_("装车时间"))
    unbound_at = models.DateTimeField(_("拆卸时间"), null=True, blank=True)
    bound_by = models.ForeignKey(
        "LifecycleEvent", on_delete=models.PROTECT, related_name="+", verbose_name=_("装车事件")
    )
    unbound_by = models.ForeignKey(
        "LifecycleEvent",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("车电绑定")
        verbose_name_plural = _("车电绑定")
        constraints = [
            models.UniqueConstraint(
                fields=["battery"],
                condition=models.Q(unbound_at__isnull=True),
                name="binding_one_open_per_battery",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.battery_id} → {self.vehicle_id}"


class EventQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.Q:
        """Events of the packs the caller may see: a pack's holders see its whole history."""
        return models.Q(battery__in=Battery.objects.for_scope(scope).values("pk"))

    def update(self, **kwargs):
        raise TypeError("Lifecycle events are append-only: record a correction event instead.")

    def delete(self):
        raise TypeError("Lifecycle events are append-only: they are never deleted.")


class LifecycleEvent(models.Model):
    """One fact in a pack's life. Never edited or deleted; corrections void by a new event.

    `hash` is SHA-256 over the event's canonical content and `prev_hash` (the hash of the
    pack's previous event), so altering any stored event breaks the chain from there on.
    """

    # The unique (battery, seq) index serves lookups by pack.
    battery = _unchecked_reference(Battery, _("电池"), related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("事件类型"), max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    reporter = _unchecked_reference(Enterprise, _("上报企业"))
    reported_by = _unchecked_reference(settings.AUTH_USER_MODEL, _("上报人"), optional=True)
    counterparty = _unchecked_reference(Enterprise, _("对方企业"), optional=True)
    # Partial indexes in Meta: NULL for most events.
    vehicle = _unchecked_reference(Vehicle, _("车辆"), optional=True, related_name="events")
    outlet = _unchecked_reference(Outlet, _("回收服务网点"), optional=True)
    document_ref = models.CharField(_("单据编号"), max_length=64, blank=True)
    channel = models.CharField(_("上报渠道"), max_length=8, choices=Channel.choices)
    # Partial index in Meta: NULL for web and API events.
    import_batch = _unchecked_reference(
        "ImportBatch", _("导入批次"), optional=True, related_name="events"
    )
    voids = _unchecked_reference(
        "self",
        _("作废的事件"),
        optional=True,
        related_name="voided_by",
        one_to_one=True,  # its unique index
    )
    details = models.JSONField(_("附加信息"), default=dict, blank=True)
    state_after = models.CharField(_("事件后状态"), max_length=20, choices=State.choices)
    holder_after = _unchecked_reference(Enterprise, _("事件后持有企业"))
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("生命周期事件")
        verbose_name_plural = _("生命周期事件")
        ordering = ["battery_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["battery", "seq"], name="event_unique_seq"),
        ]
        indexes = [
            models.Index(fields=["kind", "occurred_at"], name="event_kind_occurred"),
            models.Index(fields=["reporter", "reported_at"], name="event_reporter_reported"),
            _not_null_index("vehicle", "event_vehicle"),
            _not_null_index("outlet", "event_outlet"),
            _not_null_index("import_batch", "event_import_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.battery_id}#{self.seq} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Lifecycle events are append-only: record a correction event instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Lifecycle events are append-only: they are never deleted.")


class Handover(models.Model):
    """A two-sided handover: the giver's event, then the receiver's confirmation or dispute."""

    class Status(models.TextChoices):
        OPEN = "open", _("待接收确认")
        CONFIRMED = "confirmed", _("已确认接收")
        DISPUTED = "disputed", _("接收方有异议")
        VOIDED = "voided", _("已作废")
        # The receiver reported the receipt before the giver reported the handover: the
        # pack is recorded as received; the giver's handover report closes the pair.
        AWAITING_GIVER = "awaiting_giver", _("接收方已先行确认，待移交方上报")

    battery = models.ForeignKey(Battery, on_delete=models.PROTECT, related_name="handovers")
    giver = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    # NULL while a receipt reported first awaits the giver's handover report.
    handover_event = models.OneToOneField(
        LifecycleEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="handover"
    )
    resolution_event = models.OneToOneField(
        LifecycleEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state_before = models.CharField(max_length=20, choices=State.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    handed_over_at = models.DateTimeField(_("移交时间"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("移交记录")
        verbose_name_plural = _("移交记录")
        constraints = [
            models.UniqueConstraint(
                fields=["battery"],
                condition=models.Q(status="open"),
                name="handover_one_open_per_battery",
            ),
            models.UniqueConstraint(
                fields=["battery"],
                condition=models.Q(status="awaiting_giver"),
                name="handover_one_awaiting_giver_per_battery",
            ),
            # A receipt reported first has no handover event until the giver reports; if
            # the receipt is voided before that, its pair is voided without one.
            models.CheckConstraint(
                condition=models.Q(status__in=["awaiting_giver", "voided"])
                | models.Q(handover_event__isnull=False),
                name="handover_event_unless_awaiting_giver",
            ),
        ]
        indexes = [
            models.Index(fields=["receiver", "status"], name="handover_receiver_status"),
            models.Index(fields=["giver", "status"], name="handover_giver_status"),
        ]

    def __str__(self) -> str:
        return f"{self.battery_id}: {self.giver_id} → {self.receiver_id} ({self.status})"


class ScrappedVehicleQuerySet(ScopedQuerySet):
    """A dismantler reads its own records; a province, those of its dismantlers."""

    enterprise_path = "dismantler"
    province_path = "dismantler__province"


class ScrappedVehicle(models.Model):
    """A scrapped vehicle as the dismantler reported it: VIN, certificate, which packs came.

    The record is a fact of its own (车电一体报废): it says which of the packs bound to the
    VIN arrived with the vehicle and which were missing, or that a swap-model vehicle came
    without its pack because the pack belongs to the swap pool. The scrap events of the
    packs that arrived follow from it (one service path for form, file and API).
    """

    class PackStatus(models.TextChoices):
        ARRIVED = "arrived", _("电池随车到场")
        PARTIAL = "partial", _("部分电池缺失")
        MISSING = "missing", _("电池缺失")
        SWAP_POOL = "swap_pool", _("换电车型：电池在换电体系内")

    certificate_no = models.CharField(_("《报废机动车回收证明》编号"), max_length=64, unique=True)
    vin = models.CharField(_("车辆识别代号"), max_length=17, db_index=True)
    # NULL when the portal never registered the vehicle (its maker never reported it).
    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scrap_records",
        verbose_name=_("车辆"),
    )
    dismantler = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("拆解企业")
    )
    scrapped_at = models.DateTimeField(_("报废回收时间"))
    pack_status = models.CharField(_("电池到场情况"), max_length=12, choices=PackStatus.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    channel = models.CharField(_("上报渠道"), max_length=8, choices=Channel.choices)
    import_batch = models.ForeignKey(
        "ImportBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScrappedVehicleQuerySet.as_manager()

    class Meta:
        verbose_name = _("报废车辆记录")
        verbose_name_plural = _("报废车辆记录")
        indexes = [
            models.Index(fields=["dismantler", "scrapped_at"], name="scrap_dismantler_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vin__regex=r"^[0-9A-HJ-NPR-Z]{17}$"), name="scrap_vin_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vin} · {self.certificate_no}"


class ScrappedVehiclePack(models.Model):
    """One pack bound to a scrapped vehicle: arrived with it (and its scrap event), or not."""

    record = models.ForeignKey(ScrappedVehicle, on_delete=models.PROTECT, related_name="packs")
    battery = models.ForeignKey(Battery, on_delete=models.PROTECT, related_name="+")
    arrived = models.BooleanField(_("随车到场"))
    event = models.OneToOneField(
        LifecycleEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("报废车辆电池")
        verbose_name_plural = _("报废车辆电池")
        constraints = [
            models.UniqueConstraint(fields=["record", "battery"], name="scrap_pack_unique"),
        ]
        indexes = [models.Index(fields=["battery"], name="scrap_pack_battery")]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.battery_id} ({'arrived' if self.arrived else 'missing'})"


class CodeRejection(models.Model):
    """A battery code an enterprise submitted for registration and the registry refused.

    Kept out of the registry (junk never becomes a pack) but logged per enterprise, code
    and reason, from every channel, as the evidence of the coding-violation scan. A repeat
    of the same refusal counts up instead of adding a row.
    """

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交企业")
    )
    code = models.CharField(_("提交的编码"), max_length=64, db_collation="C")
    error_code = models.CharField(_("错误代码"), max_length=64)
    message = models.CharField(_("错误说明"), max_length=300)
    channel = models.CharField(_("上报渠道"), max_length=8, choices=Channel.choices)
    attempts = models.PositiveIntegerField(_("次数"), default=1)
    first_at = models.DateTimeField(_("首次提交时间"), default=timezone.now)
    last_at = models.DateTimeField(_("最近提交时间"), default=timezone.now)
    # The latest batch that submitted it (NULL for forms and the API).
    import_batch = models.ForeignKey(
        "ImportBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("被拒绝的编码")
        verbose_name_plural = _("被拒绝的编码")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "code", "error_code"], name="code_rejection_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.error_code})"


class ImportBatch(models.Model):
    """One uploaded file, processed by a Celery worker, with progress and an error report."""

    class Kind(models.TextChoices):
        PACKS = "packs", _("电池包赋码登记")
        EVENTS = "events", _("生命周期事件")
        SCRAPPED_VEHICLES = "scrapped", _("报废车辆回收")

    class Mode(models.TextChoices):
        COMMIT_VALID = "commit_valid", _("导入有效行，报告错误行")
        ALL_OR_NOTHING = "all_or_nothing", _("有任何错误则全部不导入")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        REJECTED = "rejected", _("未导入（存在错误）")
        FAILED = "failed", _("失败")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("导入类型"), max_length=8, choices=Kind.choices)
    mode = models.CharField(
        _("错误处理方式"), max_length=16, choices=Mode.choices, default=Mode.COMMIT_VALID
    )
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    rows_created = models.PositiveIntegerField(_("新增"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("已存在（未重复导入）"), default=0)
    rows_failed = models.PositiveIntegerField(_("错误行数"), default=0)
    # Rows recorded with a warning (a fact that is itself a suspected violation).
    rows_warned = models.PositiveIntegerField(_("已记录但有提示的行数"), default=0)
    error_sample = models.JSONField(_("错误示例"), default=list, blank=True)
    error_report = models.FileField(_("错误报告"), upload_to="imports/errors/%Y/%m/", blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # Written with every progress update: a running batch whose worker died stops beating.
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class IdempotencyKey(models.Model):
    """A client's retry key: the same key returns the first response, never a second write."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key


class BatteryAccess(models.Model):
    """That an enterprise was ever party to a pack (maker, reporter, holder, counterparty).

    Written by the services with every registration and event, so the enterprise scope of
    packs is one index range scan instead of a search through the events table.
    """

    pk = models.CompositePrimaryKey("enterprise", "battery")
    enterprise = _unchecked_reference(Enterprise)
    # Its own index serves the delete guard on packs (the key leads with the enterprise).
    battery = _unchecked_reference(Battery, related_name="access", db_index=True)

    class Meta:
        verbose_name = _("电池访问关系")
        verbose_name_plural = _("电池访问关系")

    def __str__(self) -> str:
        return f"{self.enterprise_id} ↔ {self.battery_id}"
