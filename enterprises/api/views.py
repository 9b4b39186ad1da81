"""API views for enterprises: who am I, the registry (read-only) and the caller's outlets."""

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import ERROR_REF
from enterprises import selectors
from enterprises.api.serializers import EnterpriseSerializer, OutletSerializer
from enterprises.filters import EnterpriseFilterSet, OutletFilterSet
from enterprises.services.outlets import outlet_create, outlet_delete, outlet_update

BAD_REQUEST = OpenApiResponse(
    response=ERROR_REF,
    description="输入有误：`errors` 逐项列出（field, code, message）。"
    " Invalid input: `errors` lists each problem (field, code, message).",
)
FORBIDDEN = OpenApiResponse(
    description=(
        "无权执行该操作（监管人员只读，企业须已获批准）。"
        "Not allowed (regulators read only; the enterprise must be approved)."
    )
)


class WhoAmIView(APIView):
    """Return who the caller is and which enterprise it acts for."""

    @extend_schema(
        responses=inline_serializer(
            "WhoAmI",
            {
                "username": serializers.CharField(),
                "kind": serializers.CharField(),
                "enterprise": serializers.CharField(allow_null=True),
                "enterprise_uscc": serializers.CharField(allow_null=True),
                "auth": serializers.CharField(),
            },
        )
    )
    def get(self, request):
        user = request.user
        enterprise = getattr(user, "enterprise", None)
        return Response(
            {
                "username": user.username,
                "kind": user.kind,
                "enterprise": enterprise.name if enterprise else None,
                "enterprise_uscc": enterprise.uscc if enterprise else None,
                "auth": "api_key" if request.auth is not None else "session",
            }
        )


@extend_schema_view(
    list=extend_schema(
        summary="企业名录 / Enterprise registry",
        description="监管人员看到全国或本省企业，企业只看到自己。Scoped to the caller.",
        responses={200: EnterpriseSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(summary="企业详情 / One enterprise"),
)
class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet

    def get_queryset(self):
        return selectors.enterprise_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="回收服务网点 / Recycling service outlets",
        responses={200: OutletSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(summary="网点详情 / One outlet"),
    create=extend_schema(
        summary="新建网点 / Create an outlet",
        responses={201: OutletSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
    update=extend_schema(
        summary="修改网点 / Replace an outlet",
        responses={200: OutletSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="部分修改网点 / Update an outlet",
        responses={200: OutletSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
    destroy=extend_schema(
        summary="删除网点 / Delete an outlet",
        responses={204: None, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
)
class OutletViewSet(viewsets.ModelViewSet):
    """The caller's own outlets: enterprises (administrators, API keys) write, regulators read."""

    serializer_class = OutletSerializer
    filterset_class = OutletFilterSet

    def get_queryset(self):
        return selectors.outlet_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = outlet_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = outlet_update(
            actor=self.request.user, outlet=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        outlet_delete(actor=self.request.user, outlet=instance)
