"""API views for enterprises."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


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
