"""Lifecycle events: report one or a batch, void one, and the scoped list."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
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
    ReportsForEnterprise,
    errors_response,
)
from batteries.api.serializers import (
    EventBatchResult,
    EventBatchSerializer,
    EventCreatedSerializer,
    EventInputSerializer,
    EventSerializer,
    VoidSerializer,
)
from batteries.filters import LifecycleEventFilterSet
from batteries.models import Channel, LifecycleEvent
from batteries.selectors import event_get, event_list
from batteries.services.corrections import CorrectionRefused, event_void
from batteries.services.events import ItemError, ItemWarning, events_record
from batteries.services.idempotency import idempotent

EVENT_RULES = (
    "按状态机校验：事件类型须符合电池当前状态与上报企业类型，时间不得早于上一事件、"
    "不得晚于当前时间。车辆报废须填写电池当前绑定车辆的 VIN。"
    "已发生但涉嫌违规或先后顺序不符的情况照常记录，并在 `warnings` 中提示将由监管部门审查："
    "向不具备资格（非综合利用企业、非回收服务网点）的企业移交（event.receiver_unqualified）、"
    "移交方尚未上报时接收方先行确认接收（event.receipt_before_handover，须在 "
    "counterparty_uscc 中填写移交方）。对无权查看的电池，未能证明与之存在真实关系的上报"
    "（VIN 与绑定不符、移交方不是当前持有企业等）与未登记的编码得到完全相同的答复"
    "（event.unknown_code）。"
    " Checked against the lifecycle state machine (state, reporter role, time order; a "
    "scrap names the VIN the pack is bound to). What really happened but is a suspected "
    "violation or arrives out of order is recorded and listed in `warnings` "
    "(event.receiver_unqualified, event.receipt_before_handover). For a pack the caller "
    "cannot read, a report without proof of a real relation to it gets exactly the answer "
    "of an unknown code."
)


def _record(request, items):
    return events_record(
        items=items, reporter=request.user.enterprise, user=request.user, channel=Channel.API
    )


class EventListView(JsonOnly, generics.ListAPIView):
    """Events of every pack the caller may see (whole histories), newest first."""

    serializer_class = EventSerializer
    filterset_class = LifecycleEventFilterSet

    def get_queryset(self):
        return event_list(user=self.request.user)

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), ReportsForEnterprise()]
        return super().get_permissions()

    @extend_schema(
        operation_id="events_list",
        tags=["events"],
        summary="事件列表 / list events",
        responses={200: EventSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="events_create",
        tags=["events"],
        summary="上报一个事件 / report one event",
        description=EVENT_RULES,
        parameters=[IDEMPOTENCY_PARAMETER],
        request=EventInputSerializer,
        responses={201: EventCreatedSerializer, **WRITE_ERRORS},
    )
    @idempotent
    def post(self, request):
        parsed = validation.single(request.data, validation.event_input)
        if not parsed.ok:
            return errors_response(parsed.errors, batch=False)
        result = _record(request, parsed.items)
        if not result.ok:
            return errors_response(_without_index(result.errors), batch=False)
        warnings = _without_index(result.warnings)
        return Response(_fresh(result.events[0], warnings), status=status.HTTP_201_CREATED)


def _fresh(event: LifecycleEvent, warnings: list[ItemWarning] | None = None) -> dict:
    """Return a just-recorded event: nothing voids it yet, so skip asking the database."""
    LifecycleEvent.voided_by.related.set_cached_value(event, None)
    return EventCreatedSerializer(event, context={"warnings": warnings or []}).data


def _without_index(problems: list) -> list:
    """Return errors or warnings of a single-object request: they carry no index."""
    return [type(p)(None, p.field, p.code, p.message) for p in problems]


class EventBatchView(JsonOnly, APIView):
    """Report up to 10,000 events at once: all are recorded, or none."""

    permission_classes = [IsAuthenticated, ReportsForEnterprise]

    @extend_schema(
        operation_id="events_batch",
        tags=["events"],
        summary="批量上报事件（1–10,000 个，全部成功或全部不写入） / report a batch",
        description=EVENT_RULES
        + " 任何一项有误则整批不写入，返回 400 与逐项错误（index 从 0 开始）。"
        " All-or-nothing: any bad item means nothing is written (400, per-item errors).",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=EventBatchSerializer,
        responses={201: EventBatchResult, **WRITE_ERRORS},
    )
    @idempotent
    def post(self, request):
        parsed = validation.batch(request.data, "events", validation.event_input)
        if not parsed.ok:
            return errors_response(parsed.errors, batch=True)
        result = _record(request, parsed.items)
        if not result.ok:
            return errors_response(result.errors, batch=True)
        recorded = [
            {"id": e.pk, "code": e.battery.code, "seq": e.seq, "state_after": e.state_after}
            for e in result.events
        ]
        body = {
            "count": len(recorded),
            "events": recorded,
            "warnings": [w.as_dict() for w in result.warnings],
        }
        return Response(body, status=201)


class EventVoidView(JsonOnly, APIView):
    """Void the latest event of a pack by appending a correction (only its reporter may)."""

    permission_classes = [IsAuthenticated, ReportsForEnterprise]

    @extend_schema(
        operation_id="events_void",
        tags=["events"],
        summary="更正（作废）事件 / void an event",
        description=(
            "只能作废该电池的最新事件，且只能由原上报企业作废；赋码登记与更正事件不能作废。"
            " Only the pack's latest event, only by its reporter."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=VoidSerializer,
        responses={201: EventCreatedSerializer, 404: NOT_FOUND, **WRITE_ERRORS},
    )
    @idempotent
    def post(self, request, pk: int):
        parsed = validation.void_reason(request.data)
        if not parsed.ok:
            return errors_response(parsed.errors, batch=False)
        try:
            event = event_get(user=request.user, pk=pk)
        except LifecycleEvent.DoesNotExist:
            raise NotFound(_("未找到该事件，或您无权查看。")) from None
        try:
            correction = event_void(
                event=event,
                reporter=request.user.enterprise,
                user=request.user,
                reason=parsed.items[0],
                channel=Channel.API,
            )
        except CorrectionRefused as refused:
            field = "reason" if refused.code == "void.reason" else "id"
            error = ItemError(None, field, refused.code, str(refused.message))
            return errors_response([error], batch=False)
        return Response(_fresh(correction), status=status.HTTP_201_CREATED)
