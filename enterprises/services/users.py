"""Create users with the right kind, staff flag and role group."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, User
from enterprises.roles import group_for

REGULATOR_KINDS = {User.Kind.NATIONAL_REGULATOR, User.Kind.PROVINCIAL_REGULATOR}


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    kind: str,
    email: str = "",
    full_name: str = "",
    enterprise: Enterprise | None = None,
    province: str = "",
    phone: str = "",
) -> User:
    """Create a user of one kind; regulators get admin access, enterprise users do not."""
    user = User(
        username=username,
        email=email,
        first_name=full_name,
        kind=kind,
        enterprise=enterprise,
        province=province,
        phone=phone,
        is_staff=kind in REGULATOR_KINDS,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([group_for(kind)])
    return user


def _require_enterprise_admin(actor) -> None:
    if getattr(actor, "kind", "") != User.Kind.ENTERPRISE_ADMIN or not actor.enterprise_id:
        raise PermissionDenied(_("只有企业管理员可以管理本企业的账号。"))


@transaction.atomic
def operator_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    email: str,
    phone: str = "",
    password: str,
) -> User:
    """Create an operator account in the administrator's own enterprise."""
    _require_enterprise_admin(actor)
    if actor.enterprise.status != Enterprise.Status.APPROVED:
        raise PermissionDenied(_("企业获批准后才能创建操作员账号。"))
    candidate = User(username=username, email=email, first_name=full_name, phone=phone)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    return user_create(
        username=username,
        password=password,
        kind=User.Kind.ENTERPRISE_OPERATOR,
        email=email,
        full_name=full_name,
        enterprise=actor.enterprise,
        phone=phone,
    )


@transaction.atomic
def operator_set_active(*, actor: User, user: User, active: bool) -> User:
    """Switch an operator account of the administrator's own enterprise off, or back on.

    Switching back on needs an approved enterprise, as creating an operator does.
    """
    _require_enterprise_admin(actor)
    if user.enterprise_id != actor.enterprise_id:
        raise PermissionDenied(_("只能管理本企业的账号。"))
    if user.kind != User.Kind.ENTERPRISE_OPERATOR:
        raise ValidationError(_("只能停用或启用操作员账号；管理员账号的变更请联系监管部门。"))
    if active and actor.enterprise.status != Enterprise.Status.APPROVED:
        raise PermissionDenied(_("企业获批准后才能启用操作员账号。"))
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user
