"""Representations of packs, events and vehicles, and the request schemas of the API.

Output serializers render at most one page (≤ 1,000 rows). The pack and event serializers
declare their fields for the OpenAPI schema but build their rows by hand: DRF's per-field
machinery took ~0.5 ms a row, most of a list request. Tests check both stay in step.

Request bodies are parsed by `batteries.api.validation`, not by serializers: the input
serializers below (`PackInput`, `PackBatch`, `EventInput`, `EventBatch`, `ScrapInput`,
`ScrapBatch`, `CodeValidate`, `Void`) only document those bodies in the OpenAPI schema.
"""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from batteries.api import validation
from batteries.models import Battery, Channel, LifecycleEvent, ScrappedVehicle, State, Vehicle
from common.battery_code import CHEMISTRIES

# --- Shared pieces ------------------------------------------------------------------------


class EnterpriseRefSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="企业名称 / enterprise name")
    uscc = serializers.CharField(help_text="统一社会信用代码 / unified social credit code")


class HolderRefSerializer(EnterpriseRefSerializer):
    province = serializers.CharField(help_text="所在省份代码（GB/T 2260 前两位）")


class ItemErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(
        allow_null=True,
        help_text="出错项在批次中的序号（从 0 开始）；单个对象的请求为 null。"
        " Position of the item in the batch (0-based); null for single-object requests.",
    )
    field = serializers.CharField(help_text="出错字段 / field in error (may be empty)")
    code = serializers.CharField(help_text="稳定的错误代码 / stable machine-readable code")
    message = serializers.CharField(help_text="说明（按 Accept-Language，默认中文）")


class ItemWarningSerializer(serializers.Serializer):
    index = serializers.IntegerField(
        allow_null=True,
        help_text="该提示所属项在批次中的序号（从 0 开始）；单个对象的请求为 null。"
        " Position of the item in the batch (0-based); null for single-object requests.",
    )
    field = serializers.CharField(help_text="相关字段 / field concerned (may be empty)")
    code = serializers.CharField(
        help_text="稳定的提示代码，如 event.receiver_unqualified / stable machine-readable code"
    )
    message = serializers.CharField(help_text="说明（按 Accept-Language，默认中文）")


WARNINGS_HELP = (
    "已记录、但将由监管部门审查的情况（如向不具备资格的企业移交、先于移交上报的接收）；"
    "没有时为空列表。"
    " Recorded, but to be examined by the regulator (e.g. a handover to an unqualified "
    "receiver, a receipt reported before its handover); empty when there is none."
)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = ItemErrorSerializer(many=True, required=False)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


@extend_schema_field({"$ref": "#/components/schemas/StateEnum"})
class StateAfterField(serializers.ChoiceField):
    """A pack state after an event, documented as the same enum as `Pack.state`.

    drf-spectacular names enums after fields, so `state_after` would otherwise become a
    second enum component with the same values (a warning under --fail-on-warn).
    """

    def __init__(self, **kwargs):
        super().__init__(choices=State.choices, **kwargs)


def _absolute(request, name: str, **kwargs) -> str:
    path = reverse(name, kwargs=kwargs)
    return request.build_absolute_uri(path) if request is not None else path


def _moment(value) -> str | None:
    """Render a datetime as DRF does: ISO 8601 in the current time zone."""
    return timezone.localtime(value).isoformat() if value else None


def _party(enterprise) -> dict | None:
    return None if enterprise is None else {"name": enterprise.name, "uscc": enterprise.uscc}


class _FastRows:
    """Mixin: cache the absolute URL of the list once per serializer, not per row."""

    list_url_name = ""

    def _list_url(self) -> str:
        if not hasattr(self, "_list_url_cache"):
            self._list_url_cache = _absolute(self.context.get("request"), self.list_url_name)
        return self._list_url_cache


# --- Packs --------------------------------------------------------------------------------


class PackSerializer(_FastRows, serializers.ModelSerializer):
    manufacturer = EnterpriseRefSerializer(read_only=True)
    holder = HolderRefSerializer(read_only=True)
    vin = serializers.CharField(source="vehicle.vin", allow_null=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Battery
        fields = [
            "code",
            "product_type",
            "battery_type",
            "chemistry",
            "spec_code",
            "trace_code",
            "production_date",
            "serial",
            "state",
            "manufacturer",
            "holder",
            "vin",
            "last_seq",
            "last_occurred_at",
            "registered_at",
            "updated_at",
            "url",
        ]
        extra_kwargs = {"chemistry": {"help_text": "、".join(dict.fromkeys(CHEMISTRIES.values()))}}

    list_url_name = "api_pack_list"

    def get_url(self, battery: Battery) -> str:
        return f"{self._list_url()}{battery.code}/"

    def to_representation(self, battery: Battery) -> dict:
        holder = battery.holder
        return {
            "code": battery.code,
            "product_type": battery.product_type,
            "battery_type": battery.battery_type,
            "chemistry": battery.chemistry,
            "spec_code": battery.spec_code,
            "trace_code": battery.trace_code,
            "production_date": battery.production_date.isoformat(),
            "serial": battery.serial,
            "state": battery.state,
            "manufacturer": _party(battery.manufacturer),
            "holder": {"name": holder.name, "uscc": holder.uscc, "province": holder.province},
            "vin": battery.vehicle.vin if battery.vehicle_id else None,
            "last_seq": battery.last_seq,
            "last_occurred_at": _moment(battery.last_occurred_at),
            "registered_at": _moment(battery.registered_at),
            "updated_at": _moment(battery.updated_at),
            "url": self.get_url(battery),
        }


class PackDetailSerializer(PackSerializer):
    parent_code = serializers.CharField(source="parent.code", allow_null=True, read_only=True)
    original_code = serializers.CharField(source="original.code", allow_null=True, read_only=True)
    events = serializers.SerializerMethodField(help_text="事件时间线 / the pack's timeline")

    class Meta(PackSerializer.Meta):
        fields = [
            *PackSerializer.Meta.fields,
            "mass_kg",
            "capacity_wh",
            "parent_code",
            "original_code",
            "last_hash",
            "events",
        ]

    def get_events(self, battery: Battery) -> str:
        return f"{self.get_url(battery)}events/"

    def to_representation(self, battery: Battery) -> dict:
        return {
            **super().to_representation(battery),
            "mass_kg": battery.mass_kg,
            "capacity_wh": battery.capacity_wh,
            "parent_code": battery.parent.code if battery.parent_id else None,
            "original_code": battery.original.code if battery.original_id else None,
            "last_hash": battery.last_hash,
            "events": self.get_events(battery),
        }


class PackInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=validation.MAX_IDENTIFIER)
    parent_code = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=validation.MAX_IDENTIFIER
    )
    mass_kg = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=validation.MAX_POSITIVE_INT
    )
    capacity_wh = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=validation.MAX_POSITIVE_INT
    )


class PackBatchSerializer(serializers.Serializer):
    packs = serializers.ListField(
        child=PackInputSerializer(), min_length=1, max_length=validation.MAX_BATCH
    )


class PackBatchResult(serializers.Serializer):
    count = serializers.IntegerField()
    created = serializers.ListField(child=serializers.CharField(), help_text="登记的编码")


# --- Events -------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="battery.code", read_only=True)
    reporter = EnterpriseRefSerializer(read_only=True)
    counterparty = EnterpriseRefSerializer(read_only=True, allow_null=True)
    holder_after = EnterpriseRefSerializer(read_only=True)
    vin = serializers.CharField(source="vehicle.vin", allow_null=True, read_only=True)
    voids = serializers.IntegerField(source="voids_id", allow_null=True, read_only=True)
    voided_by = serializers.SerializerMethodField()
    details = serializers.JSONField(read_only=True)
    state_after = StateAfterField(read_only=True)

    class Meta:
        model = LifecycleEvent
        fields = [
            "id",
            "code",
            "seq",
            "kind",
            "occurred_at",
            "reported_at",
            "reporter",
            "counterparty",
            "vin",
            "outlet_id",
            "document_ref",
            "channel",
            "details",
            "state_after",
            "holder_after",
            "voids",
            "voided_by",
            "prev_hash",
            "hash",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_voided_by(self, event: LifecycleEvent) -> int | None:
        correction = getattr(event, "voided_by", None)
        return correction.pk if correction else None

    def to_representation(self, event: LifecycleEvent) -> dict:
        return {
            "id": event.pk,
            "code": event.battery.code,
            "seq": event.seq,
            "kind": event.kind,
            "occurred_at": _moment(event.occurred_at),
            "reported_at": _moment(event.reported_at),
            "reporter": _party(event.reporter),
            "counterparty": _party(event.counterparty) if event.counterparty_id else None,
            "vin": event.vehicle.vin if event.vehicle_id else None,
            "outlet_id": event.outlet_id,
            "document_ref": event.document_ref,
            "channel": event.channel,
            "details": event.details,
            "state_after": event.state_after,
            "holder_after": _party(event.holder_after),
            "voids": event.voids_id,
            "voided_by": self.get_voided_by(event),
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        }


class EventCreatedSerializer(EventSerializer):
    """A just-recorded event, with what the regulator will examine in it."""

    warnings = ItemWarningSerializer(many=True, read_only=True, help_text=WARNINGS_HELP)

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "warnings"]

    def to_representation(self, event: LifecycleEvent) -> dict:
        warnings = self.context.get("warnings", [])
        return {**super().to_representation(event), "warnings": [w.as_dict() for w in warnings]}


class EventInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=validation.MAX_IDENTIFIER, help_text="电池编码")
    kind = serializers.ChoiceField(choices=validation.EVENT_KINDS)
    occurred_at = serializers.DateTimeField(
        help_text="ISO 8601，必须带时区偏移 / with offset, e.g. 2026-04-01T09:30:00+08:00"
    )
    counterparty_uscc = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=validation.MAX_IDENTIFIER,
        help_text="对方企业统一社会信用代码：交付、移交必填；没有待确认移交时先行确认接收"
        "（receipt_confirm）必填，为移交方 / the counterparty; for a receipt reported before "
        "its handover, the giver",
    )
    vin = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=validation.MAX_IDENTIFIER,
        help_text="车辆识别代号：装车、换电装车、重新装车必填；车辆报废（scrap_vehicle）必填，"
        "须为电池当前绑定的车辆 / for scrap_vehicle, the VIN the pack is bound to",
    )
    outlet_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=validation.MAX_POSITIVE_INT
    )
    document_ref = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=validation.MAX_DOCUMENT_REF
    )
    details = serializers.DictField(required=False, allow_null=True)


class EventBatchSerializer(serializers.Serializer):
    events = serializers.ListField(
        child=EventInputSerializer(), min_length=1, max_length=validation.MAX_BATCH
    )


class RecordedEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    seq = serializers.IntegerField()
    state_after = StateAfterField()


class EventBatchResult(serializers.Serializer):
    count = serializers.IntegerField()
    events = RecordedEventSerializer(many=True, help_text="按请求顺序 / in request order")
    warnings = ItemWarningSerializer(many=True, help_text=WARNINGS_HELP)


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=validation.MAX_REASON, help_text="更正原因")


# --- Scrapped vehicles -------------------------------------------------------------------


class ScrapPackSerializer(serializers.Serializer):
    code = serializers.CharField(
        allow_null=True,
        help_text="电池编码；调用方无权查看的电池（如未随车到场的）为 null"
        " / null for a pack the caller may not read (e.g. one that did not arrive)",
    )
    arrived = serializers.BooleanField(help_text="是否随车到场 / arrived with the vehicle")
    event_id = serializers.IntegerField(
        allow_null=True, help_text="该电池的车辆报废回收事件；未到场为 null"
    )


class ScrappedVehicleSerializer(_FastRows, serializers.Serializer):
    """A scrapped vehicle as the dismantler reported it (rows built by hand, as for events)."""

    certificate_no = serializers.CharField(help_text="《报废机动车回收证明》编号")
    vin = serializers.CharField(help_text="车辆识别代号")
    vehicle_registered = serializers.BooleanField(
        help_text="平台是否登记了该车辆 / whether the registry knows the VIN"
    )
    dismantler = EnterpriseRefSerializer()
    scrapped_at = serializers.DateTimeField()
    pack_status = serializers.ChoiceField(
        choices=ScrappedVehicle.PackStatus.choices,
        help_text="arrived 全部到场；partial 部分缺失；missing 电池缺失；swap_pool 换电车型",
    )
    note = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    reported_at = serializers.DateTimeField()
    packs = ScrapPackSerializer(many=True, help_text="绑定在该车辆上的电池 / the VIN's packs")
    url = serializers.CharField()

    list_url_name = "api_scrap_list"

    def to_representation(self, record: ScrappedVehicle) -> dict:
        visible = self.context.get("visible_packs", set())
        return {
            "certificate_no": record.certificate_no,
            "vin": record.vin,
            "vehicle_registered": record.vehicle_id is not None,
            "dismantler": _party(record.dismantler),
            "scrapped_at": _moment(record.scrapped_at),
            "pack_status": record.pack_status,
            "note": record.note,
            "channel": record.channel,
            "reported_at": _moment(record.reported_at),
            "packs": [
                {
                    "code": row.battery.code if row.battery_id in visible else None,
                    "arrived": row.arrived,
                    "event_id": row.event_id,
                }
                for row in record.packs.all()
            ],
            "url": f"{self._list_url()}{record.certificate_no}/",
        }


class ScrappedVehicleCreatedSerializer(ScrappedVehicleSerializer):
    warnings = ItemWarningSerializer(many=True, help_text=WARNINGS_HELP)

    def to_representation(self, record: ScrappedVehicle) -> dict:
        warnings = self.context.get("warnings", [])
        return {**super().to_representation(record), "warnings": [w.as_dict() for w in warnings]}


class ScrapInputSerializer(serializers.Serializer):
    vin = serializers.CharField(max_length=validation.MAX_IDENTIFIER, help_text="车辆识别代号")
    certificate_no = serializers.CharField(
        max_length=validation.MAX_CERTIFICATE,
        help_text="《报废机动车回收证明》编号，全平台唯一 / certificate number, unique",
    )
    scrapped_at = serializers.DateTimeField(
        help_text="报废回收时间，ISO 8601，必须带时区偏移 / with offset"
    )
    arrived_codes = serializers.ListField(
        child=serializers.CharField(max_length=validation.MAX_IDENTIFIER),
        required=False,
        allow_null=True,
        max_length=validation.MAX_ARRIVED_CODES,
        help_text="随车到场的电池编码，须绑定在该车辆上；省略或 null：绑定的电池全部到场"
        " / codes that arrived (bound to the VIN); absent or null: every bound pack arrived",
    )
    pack_missing = serializers.BooleanField(
        required=False, default=False, help_text="电池缺失（没有电池随车到场）/ none arrived"
    )
    swap_pool = serializers.BooleanField(
        required=False,
        default=False,
        help_text="换电车型，电池在换电体系内 / a swap model whose pack stays in the swap pool",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=validation.MAX_NOTE, help_text="说明"
    )


class ScrapBatchSerializer(serializers.Serializer):
    vehicles = serializers.ListField(
        child=ScrapInputSerializer(), min_length=1, max_length=validation.MAX_SCRAP_BATCH
    )


class ScrapBatchResult(serializers.Serializer):
    count = serializers.IntegerField()
    vehicles = ScrappedVehicleSerializer(many=True, help_text="按请求顺序 / in request order")
    warnings = ItemWarningSerializer(many=True, help_text=WARNINGS_HELP)


# --- Vehicles -----------------------------------------------------------------------------


class VehicleSerializer(serializers.ModelSerializer):
    producer = EnterpriseRefSerializer(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Vehicle
        fields = ["vin", "producer", "model_name", "is_swap_model", "created_at", "url"]

    def get_url(self, vehicle: Vehicle) -> str:
        return _absolute(self.context.get("request"), "api_vehicle_detail", vin=vehicle.vin)


class VehicleDetailSerializer(VehicleSerializer):
    packs = serializers.SerializerMethodField(help_text="当前装载的电池编码（您可查看的）")

    class Meta(VehicleSerializer.Meta):
        fields = [*VehicleSerializer.Meta.fields, "packs"]

    def get_packs(self, vehicle: Vehicle) -> list[str]:
        return self.context.get("packs", [])


# --- Code validation ----------------------------------------------------------------------


class CodeValidateSerializer(serializers.Serializer):
    codes = serializers.ListField(
        child=serializers.CharField(max_length=validation.MAX_IDENTIFIER),
        min_length=1,
        max_length=validation.MAX_BATCH,
        required=False,
        help_text="待校验的编码（1–10,000 个）；或改用 `code` 传一个。",
    )
    code = serializers.CharField(
        required=False, max_length=validation.MAX_IDENTIFIER, help_text="单个编码"
    )


class CodeProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    position = serializers.IntegerField(allow_null=True, help_text="1-based position")
    message = serializers.CharField()


class CodeSegmentsSerializer(serializers.Serializer):
    manufacturer_code = serializers.CharField()
    product_type = serializers.CharField()
    product_type_label = serializers.CharField()
    battery_type = serializers.CharField()
    chemistry = serializers.CharField()
    chemistry_label = serializers.CharField()
    spec_code = serializers.CharField()
    trace_code = serializers.CharField(allow_null=True)
    production_date = serializers.DateField()
    serial = serializers.CharField()
    repurposed = serializers.BooleanField()
    repurposed_product_type = serializers.CharField(allow_null=True)


class CodeRegistrySerializer(serializers.Serializer):
    manufacturer_registered = serializers.BooleanField(allow_null=True)
    manufacturer_name = serializers.CharField(allow_null=True)
    code_registered = serializers.BooleanField()


class CodeResultSerializer(serializers.Serializer):
    input = serializers.CharField()
    code = serializers.CharField(help_text="规范化后的编码 / normalized code")
    valid = serializers.BooleanField()
    segments = CodeSegmentsSerializer(allow_null=True)
    errors = CodeProblemSerializer(many=True)
    warnings = CodeProblemSerializer(many=True)
    registry = CodeRegistrySerializer()


class CodeValidateResult(serializers.Serializer):
    results = CodeResultSerializer(many=True)
