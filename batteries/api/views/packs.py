"""Packs: the scoped list, one pack, its timeline, and registration by producers."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from batteries.api import validation
from batteries.api.base import (
    IDEMPOTENCY_PARAMETER,
    NOT_FOUND,
    READ_ERRORS,
    WRITE_ERRORS,
    JsonOnly,
    RegistersPacks,
    TimelineCursorPagination,
    errors_response,
)
from batteries.api.serializers import (
    EventSerializer,
    PackBatchResult,
    PackBatchSerializer,
    PackDetailSerializer,
    PackSerializer,
)
from batteries.filters import BatteryFilterSet
from batteries.models import Battery, Channel, LifecycleEvent
from batteries.selectors import pack_list, pack_timeline
from batteries.services.idempotency import idempotent
from batteries.services.packs import packs_register
from common.battery_code import normalize_battery_code

CODE_PARAMETER = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="电池编码（24 位或 19 位）"
)
PACK_NOT_FOUND = _("未找到该电池编码，或您无权查看。")


def visible_pack(request, code: str) -> Battery:
    """Return the pack if the caller may see it; 404 alike for hidden and unknown codes."""
    try:
        return (
            pack_list(user=request.user)
            .select_related("parent", "original")
            .get(code=normalize_battery_code(code))
        )
    except Battery.DoesNotExist:
        raise NotFound(PACK_NOT_FOUND) from None


class PackListView(JsonOnly, generics.ListAPIView):
    """The packs the caller may see: made, held or once held by it (regulators: all/province)."""

    serializer_class = PackSerializer
    filterset_class = BatteryFilterSet

    def get_queryset(self):
        return pack_list(user=self.request.user)

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), RegistersPacks()]
        return super().get_permissions()

    @extend_schema(
        operation_id="packs_list",
        tags=["packs"],
        summary="电池列表 / list packs",
        responses={200: PackSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="packs_register",
        tags=["packs"],
        summary="登记电池编码（1–10,000 个，全部成功或全部不写入） / register packs",
        description=(
            "仅电池生产企业或进口商。编码须合规、厂商代码须属于本企业、编码全平台唯一。"
            "任何一项有误则整批不写入，返回 400 与逐项错误。 Battery producers and importers "
            "only; all-or-nothing per batch, with per-item errors."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=PackBatchSerializer,
        responses={201: PackBatchResult, **WRITE_ERRORS},
    )
    @idempotent
    def post(self, request):
        parsed = validation.batch(request.data, "packs", validation.pack_input)
        if not parsed.ok:
            return errors_response(parsed.errors, batch=True)
        result = packs_register(
            items=parsed.items,
            reporter=request.user.enterprise,
            user=request.user,
            channel=Channel.API,
        )
        if not result.ok:
            return errors_response(result.errors, batch=True)
        created = [battery.code for battery in result.created]
        return Response({"count": len(created), "created": created}, status=status.HTTP_201_CREATED)


class PackDetailView(JsonOnly, generics.RetrieveAPIView):
    """One pack: state, holder, vehicle, chain head, and a link to its timeline."""

    serializer_class = PackDetailSerializer

    def get_object(self) -> Battery:
        return visible_pack(self.request, self.kwargs["code"])

    @extend_schema(
        operation_id="packs_retrieve",
        tags=["packs"],
        summary="电池详情 / one pack",
        parameters=[CODE_PARAMETER],
        responses={200: PackDetailSerializer, 404: NOT_FOUND, **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PackEventsView(JsonOnly, generics.ListAPIView):
    """A visible pack's whole timeline in chain order, corrections included."""

    serializer_class = EventSerializer
    pagination_class = TimelineCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return LifecycleEvent.objects.none()
        return pack_timeline(battery=visible_pack(self.request, self.kwargs["code"]))

    @extend_schema(
        operation_id="packs_events",
        tags=["packs"],
        summary="电池事件时间线 / a pack's timeline",
        parameters=[CODE_PARAMETER],
        responses={200: EventSerializer(many=True), 404: NOT_FOUND, **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
