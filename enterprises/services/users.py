"""Create users with the right kind, staff flag and role group."""

from django.db import transaction

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
