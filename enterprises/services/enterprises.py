"""Writes for the enterprise registry: self-registration and the regulator's review."""

import os
import secrets
from functools import partial

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.identifiers import normalize_uscc
from enterprises import rules
from enterprises.models import Enterprise, ManufacturerCode, User
from enterprises.services.notifications import enterprise_review_notify
from enterprises.services.users import user_create
from enterprises.validators import supporting_document_validator

# User model field -> registration field, so errors land next to the right input.
_ADMIN_FIELDS = {"username": "username", "email": "email", "first_name": "full_name"}


def _collect(errors: dict, check, rename: dict[str, str] | None = None) -> None:
    """Run one validation step and merge its field errors into `errors`."""
    try:
        check()
    except ValidationError as exc:
        found = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for field, messages in found.items():
            key = (rename or {}).get(field, field)
            errors.setdefault(key, []).extend(messages)


def _enterprise_errors(enterprise: Enterprise, codes: list[str], document: File | None) -> dict:
    errors: dict[str, list] = {}
    _collect(errors, partial(enterprise.full_clean, validate_unique=False))
    if "uscc" not in errors and Enterprise.objects.filter(uscc=enterprise.uscc).exists():
        errors["uscc"] = [
            _("统一社会信用代码 %(uscc)s 已经注册，请勿重复申请。") % {"uscc": enterprise.uscc}
        ]
    taken = ManufacturerCode.objects.filter(code__in=codes).values_list("code", flat=True)
    problems = rules.manufacturer_code_problems(roles=enterprise.roles, codes=codes, taken=taken)
    if problems:
        errors["manufacturer_codes"] = problems
    if document is None:
        errors["supporting_document"] = [_("请上传证明材料（营业执照或资质文件）。")]
    else:
        _collect(
            errors,
            partial(supporting_document_validator, document),
            {"__all__": "supporting_document"},
        )
    return errors


def _admin_errors(admin: User, password: str) -> dict:
    errors: dict[str, list] = {}
    _collect(errors, partial(admin.full_clean, exclude=["password", "enterprise"]), _ADMIN_FIELDS)
    _collect(errors, partial(validate_password, password, admin), {"__all__": "password"})
    return errors


@transaction.atomic
def enterprise_register(
    *,
    name: str,
    uscc: str,
    address: str,
    division_code: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    roles: list[str],
    dismantler_qualification_no: str = "",
    manufacturer_codes: list[str] | None = None,
    supporting_document: File | None,
    username: str,
    full_name: str,
    email: str,
    phone: str = "",
    password: str,
) -> Enterprise:
    """Register an enterprise (pending review) with its first administrator and its codes."""
    codes = manufacturer_codes or []
    enterprise = Enterprise(
        name=name.strip(),
        uscc=normalize_uscc(uscc),
        address=address.strip(),
        division_code=division_code.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        roles=list(dict.fromkeys(roles)),
        dismantler_qualification_no=dismantler_qualification_no.strip(),
        status=Enterprise.Status.PENDING,
        supporting_document=supporting_document,
    )
    admin = User(username=username, email=email, first_name=full_name, phone=phone)
    admin.kind = User.Kind.ENTERPRISE_ADMIN
    errors = _enterprise_errors(enterprise, codes, supporting_document)
    for field, messages in _admin_errors(admin, password).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    # An unguessable stored name: the document is served only through a scoped view.
    extension = os.path.splitext(supporting_document.name)[1].lower()
    enterprise.supporting_document.name = f"{enterprise.uscc}-{secrets.token_hex(8)}{extension}"
    enterprise._change_reason = str(_("企业注册申请"))
    enterprise.save()
    today = timezone.localdate()
    for code in codes:
        ManufacturerCode(code=code, enterprise=enterprise, registered_on=today).save()
    user_create(
        username=username,
        password=password,
        kind=User.Kind.ENTERPRISE_ADMIN,
        email=email,
        full_name=full_name,
        enterprise=enterprise,
        phone=phone,
    )
    return enterprise


@transaction.atomic
def enterprise_review(
    *, enterprise: Enterprise, actor: User, action: str, reason: str = ""
) -> Enterprise:
    """Approve, reject, suspend or reinstate an enterprise; record who, when and why."""
    if not actor.has_perm("enterprises.review_enterprise"):
        raise PermissionDenied(_("您没有审核企业的权限。"))
    locked = (
        Enterprise.objects.scoped_for(actor).select_for_update().filter(pk=enterprise.pk).first()
    )
    if locked is None:
        raise PermissionDenied(_("该企业不在您的监管范围内。"))
    new_status = rules.enterprise_next_status(status=locked.status, action=action)
    if new_status is None:
        raise ValidationError(
            {
                "action": _("企业当前状态为“%(status)s”，不能执行“%(action)s”。")
                % {
                    "status": locked.get_status_display(),
                    "action": rules.REVIEW_ACTIONS.get(action, action),
                }
            }
        )
    reason = (reason or "").strip()
    if rules.review_reason_required(action) and not reason:
        raise ValidationError({"reason": _("驳回或暂停必须填写理由，该理由将通知企业。")})
    locked.status = new_status
    locked.status_reason = reason
    locked.status_changed_at = timezone.now()
    locked.full_clean(validate_unique=False)
    locked._history_user = actor
    # The history row's reason column holds 100 characters; status_reason keeps the full text.
    locked._change_reason = f"{rules.REVIEW_ACTIONS[action]}：{reason}"[:100]
    locked.save()
    transaction.on_commit(partial(enterprise_review_notify, enterprise_id=locked.pk, action=action))
    return locked
