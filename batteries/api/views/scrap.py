"""Scrapped vehicles: report one or a batch, the scoped list, one record by certificate."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from batteries.api import validation
from batteries.api.base import (
    IDEMPOTENCY_PARAMETER,
    NOT_FOUND,
    READ_ERRORS,
    WRITE_ERRORS,
    JsonOnly,
    ScrapsVehicles,
    errors_response,
)
from batteries.api.serializers import (
    ScrapBatchResult,
    ScrapBatchSerializer,
    ScrapInputSerializer,
    ScrappedVehicleCreatedSerializer,
    ScrappedVehicleSerializer,
)
from batteries.filters import ScrappedVehicleFilterSet
from batteries.models import Channel, ScrappedVehicle
from batteries.selectors import scrap_list, scrap_visible_packs
from batteries.services.idempotency import idempotent
from batteries.services.scrap import vehicles_scrap_record

SCRAP_RULES = (
    "报废机动车回收拆解企业按车辆识别代号（VIN）和《报废机动车回收证明》编号（全平台唯一）"
    "上报报废车辆，并说明绑定在该车辆上的电池哪些随车到场（arrived_codes，省略为全部到场）、"
    "电池缺失（pack_missing）或换电车型的电池在换电体系内（swap_pool）。到场电池的车辆报废"
    "回收事件随之记录。电池缺失或部分缺失、平台未登记的 VIN 照常记录，并在 `warnings` 中"
    "提示将由监管部门审查（scrap.pack_missing、scrap.vehicle_unknown）。"
    " A dismantler reports a scrapped vehicle by VIN and certificate number (unique) and "
    "says which of the VIN's packs arrived (arrived_codes; absent: all), that the pack was "
    "missing, or that a swap model's pack stays in the swap pool. The arrived packs' scrap "
    "events follow. Missing packs and unknown VINs are recorded and listed in `warnings`."
)
CERTIFICATE_PARAMETER = OpenApiParameter(
    "certificate_no",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="《报废机动车回收证明》编号 / certificate number",
)


def _record(request, items):
    return vehicles_scrap_record(
        items=items, reporter=request.user.enterprise, user=request.user, channel=Channel.API
    )


def _written(request, records: list[ScrappedVehicle]) -> list[ScrappedVehicle]:
    """Read the records just written back, in request order, with their packs (2 queries)."""
    order = {record.pk: position for position, record in enumerate(records)}
    stored = scrap_list(user=request.user).filter(pk__any=list(order))
    return sorted(stored.prefetch_related("packs__battery"), key=lambda r: order[r.pk])


class ScrappedVehicleListView(JsonOnly, generics.ListAPIView):
    """The scrapped vehicles the caller may see: its own (regulators: all / province)."""

    serializer_class = ScrappedVehicleSerializer
    filterset_class = ScrappedVehicleFilterSet

    def get_queryset(self):
        return scrap_list(user=self.request.user).prefetch_related("packs__battery")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {
            **self.get_serializer_context(),
            "visible_packs": scrap_visible_packs(user=request.user, records=page),
        }
        rows = ScrappedVehicleSerializer(page, many=True, context=context).data
        return self.get_paginated_response(rows)

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), ScrapsVehicles()]
        return super().get_permissions()

    @extend_schema(
        operation_id="scrapped_vehicles_list",
        tags=["scrapped-vehicles"],
        summary="报废车辆列表 / list scrapped vehicles",
        responses={200: ScrappedVehicleSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="scrapped_vehicles_create",
        tags=["scrapped-vehicles"],
        summary="上报一辆报废车辆 / report one scrapped vehicle",
        description=SCRAP_RULES,
        parameters=[IDEMPOTENCY_PARAMETER],
        request=ScrapInputSerializer,
        responses={201: ScrappedVehicleCreatedSerializer, **WRITE_ERRORS},
    )
    @idempotent
    def post(self, request):
        parsed = validation.single(request.data, validation.scrap_input)
        if not parsed.ok:
            return errors_response(parsed.errors, batch=False)
        result = _record(request, parsed.items)
        if not result.ok:
            return errors_response(_without_index(result.errors), batch=False)
        (record,) = _written(request, result.records)
        context = {
            "request": request,
            "warnings": _without_index(result.warnings),
            "visible_packs": scrap_visible_packs(user=request.user, records=[record]),
        }
        body = ScrappedVehicleCreatedSerializer(record, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)


def _without_index(problems: list) -> list:
    return [type(p)(None, p.field, p.code, p.message) for p in problems]


class ScrappedVehicleBatchView(JsonOnly, APIView):
    """Report up to 1,000 scrapped vehicles at once: all are recorded, or none."""

    permission_classes = [IsAuthenticated, ScrapsVehicles]

    @extend_schema(
        operation_id="scrapped_vehicles_batch",
        tags=["scrapped-vehicles"],
        summary="批量上报报废车辆（1–1,000 辆，全部成功或全部不写入） / report a batch",
        description=SCRAP_RULES
        + " 任何一项有误则整批不写入，返回 400 与逐项错误（index 从 0 开始）。"
        " All-or-nothing: any bad item means nothing is written (400, per-item errors).",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=ScrapBatchSerializer,
        responses={201: ScrapBatchResult, **WRITE_ERRORS},
    )
    @idempotent
    def post(self, request):
        parsed = validation.batch(
            request.data, "vehicles", validation.scrap_input, limit=validation.MAX_SCRAP_BATCH
        )
        if not parsed.ok:
            return errors_response(parsed.errors, batch=True)
        result = _record(request, parsed.items)
        if not result.ok:
            return errors_response(result.errors, batch=True)
        records = _written(request, result.records)
        context = {
            "request": request,
            "visible_packs": scrap_visible_packs(user=request.user, records=records),
        }
        rows = ScrappedVehicleSerializer(records, many=True, context=context).data
        body = {
            "count": len(rows),
            "vehicles": rows,
            "warnings": [w.as_dict() for w in result.warnings],
        }
        return Response(body, status=status.HTTP_201_CREATED)


class ScrappedVehicleDetailView(JsonOnly, generics.RetrieveAPIView):
    serializer_class = ScrappedVehicleSerializer

    def get_object(self) -> ScrappedVehicle:
        try:
            return (
                scrap_list(user=self.request.user)
                .prefetch_related("packs__battery")
                .get(certificate_no=self.kwargs["certificate_no"].strip())
            )
        except ScrappedVehicle.DoesNotExist:
            raise NotFound(_("未找到该报废车辆记录，或您无权查看。")) from None

    @extend_schema(
        operation_id="scrapped_vehicles_retrieve",
        tags=["scrapped-vehicles"],
        summary="一辆报废车辆 / one scrapped vehicle",
        parameters=[CERTIFICATE_PARAMETER],
        responses={200: ScrappedVehicleSerializer, 404: NOT_FOUND, **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        record = self.get_object()
        context = {
            **self.get_serializer_context(),
            "visible_packs": scrap_visible_packs(user=request.user, records=[record]),
        }
        return Response(ScrappedVehicleSerializer(record, context=context).data)
