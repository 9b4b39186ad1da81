"""Vehicles the caller may see: those it produced or that carried a pack it may see."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from batteries.api.base import NOT_FOUND, READ_ERRORS, JsonOnly
from batteries.api.serializers import VehicleDetailSerializer, VehicleSerializer
from batteries.filters import VehicleFilterSet
from batteries.models import Vehicle
from batteries.selectors import vehicle_get, vehicle_list, vehicle_packs


class VehicleListView(JsonOnly, generics.ListAPIView):
    serializer_class = VehicleSerializer
    filterset_class = VehicleFilterSet

    def get_queryset(self):
        return vehicle_list(user=self.request.user).select_related("producer")

    @extend_schema(
        operation_id="vehicles_list",
        tags=["vehicles"],
        summary="车辆列表 / list vehicles",
        responses={200: VehicleSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class VehicleDetailView(JsonOnly, generics.RetrieveAPIView):
    serializer_class = VehicleDetailSerializer

    def get_object(self) -> Vehicle:
        try:
            return vehicle_get(user=self.request.user, vin=self.kwargs["vin"])
        except Vehicle.DoesNotExist:
            raise NotFound(_("未找到该车辆，或您无权查看。")) from None

    @extend_schema(
        operation_id="vehicles_retrieve",
        tags=["vehicles"],
        summary="车辆详情 / one vehicle",
        parameters=[
            OpenApiParameter("vin", OpenApiTypes.STR, OpenApiParameter.PATH, description="VIN")
        ],
        responses={200: VehicleDetailSerializer, 404: NOT_FOUND, **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        vehicle = self.get_object()
        packs = vehicle_packs(user=request.user, vehicle=vehicle)
        return Response(self.get_serializer(vehicle, context_packs=packs).data)

    def get_serializer(self, *args, context_packs: list[str] | None = None, **kwargs):
        kwargs["context"] = {**self.get_serializer_context(), "packs": context_packs or []}
        return self.get_serializer_class()(*args, **kwargs)
