"""Lean validation of API request bodies into service inputs.

A DRF serializer builds several field objects per item: for a 10,000-event batch that costs
seconds. These functions only check JSON types, required fields, lengths and timestamps,
turn each item into the service's input dataclass and collect every problem as an
`ItemError` (index, field, code, message). Business rules (state machine, references,
registry) stay in the services, which check a whole batch with a constant number of queries.

The OpenAPI schema of the same bodies is declared by the schema-only serializers in
`batteries.api.serializers`; keep both in step.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from batteries import rules
from batteries.services.events import EventInput, ItemError
from batteries.services.packs import PackInput
from batteries.services.plausibility import moment_problem, text_problem
from batteries.services.scrap import MAX_CERTIFICATE, MAX_NOTE, ScrapInput
from common.battery_code import normalize_battery_code
from common.text import join_list

MAX_BATCH = 10_000
MAX_IDENTIFIER = 64  # generous: codes have 24 characters, USCCs 18, VINs 17
MAX_DOCUMENT_REF = 64  # LifecycleEvent.document_ref
MAX_REASON = 500
MAX_POSITIVE_INT = 2_147_483_647  # PostgreSQL integer, as PositiveIntegerField stores it
EVENT_KINDS = tuple(rules.TRANSITIONS)
MAX_SCRAP_BATCH = 1_000
MAX_ARRIVED_CODES = 100  # packs of one vehicle


@dataclass
class Parsed:
    """Service inputs built from a request body, or the reasons they could not be."""

    items: list = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _error(index: int | None, name: str, code: str, message, /, **params) -> ItemError:
    return ItemError(index, name, code, str(message) % params if params else str(message))


class _Item:
    """Reads the fields of one JSON object, recording a problem per bad field."""

    def __init__(self, index: int | None, data: dict, errors: list[ItemError]):
        self.index, self.data, self.errors = index, data, errors

    def fail(self, name: str, code: str, message, /, **params) -> None:
        self.errors.append(_error(self.index, name, code, message, **params))

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_length: int = MAX_IDENTIFIER,
        multiline: bool = False,
    ) -> str:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, "input.required", _("必须填写该字段。"))
            return ""
        if not isinstance(value, str):
            self.fail(name, "input.type", _("应为字符串。"))
            return ""
        value = value.strip()
        if len(value) > max_length:
            self.fail(name, "input.too_long", _("长度不能超过%(max)s个字符。"), max=max_length)
            return ""
        if problem := text_problem(value, multiline=multiline):
            self.fail(name, *problem)
            return ""
        if required and not value:
            self.fail(name, "input.required", _("必须填写该字段。"))
        return value

    def integer(self, name: str, *, minimum: int) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, "input.type", _("应为整数。"))
            return None
        if not minimum <= value <= MAX_POSITIVE_INT:
            self.fail(
                name,
                "input.range",
                _("应为%(min)s–%(max)s之间的整数。"),
                min=minimum,
                max=MAX_POSITIVE_INT,
            )
            return None
        return value

    def moment(self, name: str) -> datetime | None:
        raw = self.text(name, required=True)
        if not raw:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            self.fail(
                name,
                "input.datetime",
                _("时间格式无效，应为带时区的 ISO 8601 时间，如 2026-04-01T09:30:00+08:00。"),
            )
            return None
        if problem := moment_problem(value):  # naive, an offset beyond ±14:00, before 2011
            self.fail(name, *problem)
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, required=True)
        if value and value not in choices:
            self.fail(
                name,
                "input.choice",
                _("“%(value)s”不是有效的选项，可选：%(choices)s。"),
                value=value[:MAX_IDENTIFIER],
                choices=join_list(choices),
            )
            return ""
        return value

    def boolean(self, name: str) -> bool:
        value = self.data.get(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(name, "input.type", _("应为 true 或 false。"))
            return False
        return value

    def texts(self, name: str, *, max_items: int) -> list[str] | None:
        """Read a list of short strings; None when the field is absent or null."""
        value = self.data.get(name)
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) > max_items
            or not all(isinstance(v, str) and len(v) <= MAX_IDENTIFIER for v in value)
        ):
            self.fail(
                name,
                "input.type",
                _("应为最多%(n)s个字符串（每个不超过%(max)s个字符）的列表，或 null。"),
                n=max_items,
                max=MAX_IDENTIFIER,
            )
            return None
        return [v.strip() for v in value]

    def mapping(self, name: str) -> dict:
        value = self.data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(name, "input.type", _("应为 JSON 对象。"))
            return {}
        return value


def event_input(index: int | None, data: Any, errors: list[ItemError]) -> EventInput | None:
    """Return one event item as an EventInput, or None after recording its problems."""
    if not isinstance(data, dict):
        errors.append(_error(index, "", "input.type", _("每一项应为 JSON 对象。")))
        return None
    before = len(errors)
    item = _Item(index, data, errors)
    event = EventInput(
        code=normalize_battery_code(item.text("code", required=True)),
        kind=item.choice("kind", EVENT_KINDS),
        occurred_at=item.moment("occurred_at"),
        counterparty_uscc=item.text("counterparty_uscc"),
        vin=item.text("vin"),
        outlet_id=item.integer("outlet_id", minimum=1),
        document_ref=item.text("document_ref", max_length=MAX_DOCUMENT_REF),
        details=item.mapping("details"),
    )
    return event if len(errors) == before else None


def pack_input(index: int | None, data: Any, errors: list[ItemError]) -> PackInput | None:
    """Return one pack item as a PackInput, or None after recording its problems."""
    if not isinstance(data, dict):
        errors.append(_error(index, "", "input.type", _("每一项应为 JSON 对象。")))
        return None
    before = len(errors)
    item = _Item(index, data, errors)
    pack = PackInput(
        code=item.text("code", required=True),
        parent_code=item.text("parent_code"),
        mass_kg=item.integer("mass_kg", minimum=0),
        capacity_wh=item.integer("capacity_wh", minimum=0),
    )
    return pack if len(errors) == before else None


def scrap_input(index: int | None, data: Any, errors: list[ItemError]) -> ScrapInput | None:
    """Return one scrapped vehicle as a ScrapInput, or None after recording its problems."""
    if not isinstance(data, dict):
        errors.append(_error(index, "", "input.type", _("每一项应为 JSON 对象。")))
        return None
    before = len(errors)
    item = _Item(index, data, errors)
    scrap = ScrapInput(
        vin=item.text("vin", required=True),
        certificate_no=item.text("certificate_no", required=True, max_length=MAX_CERTIFICATE),
        scrapped_at=item.moment("scrapped_at"),
        arrived_codes=item.texts("arrived_codes", max_items=MAX_ARRIVED_CODES),
        pack_missing=item.boolean("pack_missing"),
        swap_pool=item.boolean("swap_pool"),
        note=item.text("note", max_length=MAX_NOTE, multiline=True),
    )
    return scrap if len(errors) == before else None


def batch(data: Any, name: str, parse_item: Callable, *, limit: int = MAX_BATCH) -> Parsed:
    """Parse `{"<name>": [item, …]}` (1 to `limit` items) with `parse_item`."""
    parsed = Parsed()
    items = data.get(name) if isinstance(data, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= limit:
        parsed.errors.append(
            _error(
                None,
                name,
                "input.batch",
                _('请求体应为 {"%(name)s": [...]}，包含 1–%(max)s 项。'),
                name=name,
                max=limit,
            )
        )
        return parsed
    for index, item in enumerate(items):
        value = parse_item(index, item, parsed.errors)
        if value is not None:
            parsed.items.append(value)
    return parsed


def single(data: Any, parse_item: Callable) -> Parsed:
    """Parse one JSON object with `parse_item`; errors carry no index."""
    parsed = Parsed()
    value = parse_item(None, data, parsed.errors)
    if value is not None:
        parsed.items.append(value)
    return parsed


def codes(data: Any) -> Parsed:
    """Parse `{"codes": [str, …]}` (1 to MAX_BATCH) or `{"code": str}` into a list of codes."""
    parsed = Parsed()
    if isinstance(data, dict) and "codes" not in data and isinstance(data.get("code"), str):
        code = data["code"]
        if len(code) <= MAX_IDENTIFIER and not text_problem(code):
            parsed.items = [code]
            return parsed
        data = {"codes": [code]}
    values = data.get("codes") if isinstance(data, dict) else None
    if not isinstance(values, list) or not 1 <= len(values) <= MAX_BATCH:
        parsed.errors.append(
            _error(
                None,
                "codes",
                "input.batch",
                _('请求体应为 {"codes": [...]}（1–%(max)s 个编码）或 {"code": "..."}。'),
                max=MAX_BATCH,
            )
        )
        return parsed
    for index, value in enumerate(values):
        if isinstance(value, str) and len(value) <= MAX_IDENTIFIER and not text_problem(value):
            parsed.items.append(value)
        else:
            parsed.errors.append(
                _error(
                    index,
                    "codes",
                    "input.type",
                    _("每个编码应为不超过%(max)s个字符、不含控制字符的字符串。"),
                    max=MAX_IDENTIFIER,
                )
            )
    return parsed


def void_reason(data: Any) -> Parsed:
    """Parse `{"reason": str}` for a correction."""
    parsed = Parsed()
    if not isinstance(data, dict):
        parsed.errors.append(_error(None, "", "input.type", _("请求体应为 JSON 对象。")))
        return parsed
    reason = _Item(None, data, parsed.errors).text(
        "reason", required=True, max_length=MAX_REASON, multiline=True
    )
    if reason:
        parsed.items.append(reason)
    return parsed
