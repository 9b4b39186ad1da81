"""POST /codes/validate: check GB/T 34014 battery codes against the standard and the registry."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from batteries.api import validation
from batteries.api.base import READ_ERRORS, JsonOnly, errors_response
from batteries.api.serializers import CodeValidateResult, CodeValidateSerializer
from batteries.selectors import CodeReport, code_reports
from common.battery_code import CHEMISTRY_LABELS, PRODUCT_TYPE_LABELS


def _problems(problems) -> list[dict]:
    return [{"code": p.code, "position": p.position, "message": str(p.message)} for p in problems]


def _segments(report: CodeReport) -> dict | None:
    parsed = report.result.parsed
    if parsed is None:
        return None
    return {
        "manufacturer_code": parsed.manufacturer_code,
        "product_type": parsed.product_type,
        "product_type_label": str(PRODUCT_TYPE_LABELS[parsed.product_type]),
        "battery_type": parsed.battery_type,
        "chemistry": parsed.chemistry,
        "chemistry_label": str(CHEMISTRY_LABELS[parsed.chemistry]),
        "spec_code": parsed.spec_code,
        "trace_code": parsed.trace_code,
        "production_date": parsed.production_date.isoformat(),
        "serial": parsed.serial,
        "repurposed": parsed.is_repurposed,
        "repurposed_product_type": parsed.repurposed_product_type,
    }


def _result(report: CodeReport) -> dict:
    return {
        "input": report.input,
        "code": report.result.code,
        "valid": report.is_valid,
        "segments": _segments(report),
        "errors": _problems(report.errors),
        "warnings": _problems(report.result.warnings),
        "registry": {
            "manufacturer_registered": report.manufacturer_registered,
            "manufacturer_name": report.manufacturer_name,
            "code_registered": report.code_registered,
        },
    }


class CodeValidateView(JsonOnly, APIView):
    """Validate battery codes: segments, errors and warnings with positions, registry facts.

    Read-only and safe to retry, so it takes no Idempotency-Key.
    """

    @extend_schema(
        operation_id="codes_validate",
        tags=["codes"],
        summary="校验电池编码 / validate battery codes",
        request=CodeValidateSerializer,
        responses={200: CodeValidateResult, **READ_ERRORS},
        examples=[
            OpenApiExample(
                "一批编码 / a list",
                value={"codes": ["001PB01A1B2C3DG4F0000001"]},
                request_only=True,
            ),
            OpenApiExample(
                "单个编码 / one code",
                value={"code": "001PB01A1B2C3DG4F0000001"},
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        parsed = validation.codes(request.data)
        if not parsed.ok:
            return errors_response(parsed.errors, batch=True)
        reports = code_reports(codes=parsed.items, today=timezone.localdate())
        return Response({"results": [_result(report) for report in reports]})
