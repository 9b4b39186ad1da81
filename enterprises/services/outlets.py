"""Writes for recycling service outlets (回收服务网点)."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from common.identifiers import normalize_uscc
from enterprises import rules
from enterprises.models import Enterprise, Outlet, User
from enterprises.selectors import enterprise_is_active

if TYPE_CHECKING:
    from enterprises.api.authentication import ApiKeyUser

    Actor = User | ApiKeyUser

OUTLET_FIELDS = ("name", "address", "division_code", "status", "operator_uscc")


def outlet_manager_enterprise(actor: "Actor") -> Enterprise:
    """Return the enterprise whose outlets the actor may change, or raise PermissionDenied.

    Enterprise administrators (web) and the enterprise's API keys (its systems) maintain
    outlets; operators and regulators only read them.
    """
    is_api_key = getattr(actor, "api_key", None) is not None
    if getattr(actor, "kind", "") != User.Kind.ENTERPRISE_ADMIN and not is_api_key:
        raise PermissionDenied(_("只有企业管理员或企业 API 密钥可以维护回收服务网点。"))
    if not enterprise_is_active(actor):
        raise PermissionDenied(_("企业尚未获批准或已被暂停，暂不能办理业务。"))
    if not set(actor.enterprise.roles) & rules.PRODUCER_ROLES:
        raise PermissionDenied(_("只有电池或汽车生产企业（含进口商）可以设立回收服务网点。"))
    return actor.enterprise


def _operator(uscc: str, owner: Enterprise) -> Enterprise | None:
    """Return the approved enterprise that runs the outlet for the owner (None: the owner)."""
    uscc = normalize_uscc(uscc or "")
    if not uscc or uscc == owner.uscc:
        return None
    operator = Enterprise.objects.approved().filter(uscc=uscc).first()
    if operator is None:
        raise ValidationError(
            {"operator_uscc": _("运营企业未在平台登记或未获批准：%(uscc)s") % {"uscc": uscc}}
        )
    return operator


def _stamp(outlet: Outlet, actor: "Actor") -> None:
    """Record who changed the outlet; an API key is named in the reason, it is not a user."""
    outlet._history_user = actor if isinstance(actor, User) else None
    api_key = getattr(actor, "api_key", None)
    if api_key is not None:
        outlet._change_reason = f"API key {api_key.prefix}"


@transaction.atomic
def outlet_create(
    *,
    actor: "Actor",
    name: str,
    address: str,
    division_code: str,
    status: str = Outlet.Status.ACTIVE,
    operator_uscc: str = "",
) -> Outlet:
    """Set up an outlet for the actor's own enterprise, run by itself or by another one."""
    owner = outlet_manager_enterprise(actor)
    outlet = Outlet(
        owner=owner,
        operator=_operator(operator_uscc, owner),
        name=name.strip(),
        address=address.strip(),
        division_code=division_code.strip(),
        status=status,
    )
    outlet.full_clean()
    _stamp(outlet, actor)
    outlet.save()
    return outlet


@transaction.atomic
def outlet_update(*, actor: "Actor", outlet: Outlet, **changes: str) -> Outlet:
    """Change the name, address, division, status or operator of one of the actor's outlets."""
    owner = outlet_manager_enterprise(actor)
    if outlet.owner_id != owner.pk:
        raise PermissionDenied(_("只能修改本企业设立的回收服务网点。"))
    unknown = set(changes) - set(OUTLET_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(fields)s。") % {"fields": ", ".join(unknown)})
    if "operator_uscc" in changes:
        outlet.operator = _operator(changes.pop("operator_uscc"), owner)
    for name, value in changes.items():
        setattr(outlet, name, value.strip() if isinstance(value, str) else value)
    outlet.full_clean()
    _stamp(outlet, actor)
    outlet.save()
    return outlet


@transaction.atomic
def outlet_delete(*, actor: "Actor", outlet: Outlet) -> None:
    """Delete an outlet that no battery record refers to; otherwise ask to close it instead."""
    owner = outlet_manager_enterprise(actor)
    if outlet.owner_id != owner.pk:
        raise PermissionDenied(_("只能删除本企业设立的回收服务网点。"))
    _stamp(outlet, actor)
    try:
        with transaction.atomic():
            outlet.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("该网点已有电池流转记录，不能删除；请将其状态改为“已关闭”。")
        ) from exc
