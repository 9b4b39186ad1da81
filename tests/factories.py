"""Small builders for test data: real rows through the real services, no mocks."""

import itertools

from common.identifiers import make_uscc
from enterprises.models import Enterprise
from enterprises.services.users import user_create

PASSWORD = "correct-horse-battery-9"
_counter = itertools.count(1)


def enterprise_create(
    *,
    name: str,
    division: str = "350902",
    seed: int | None = None,
    roles: list[str] | None = None,
    status: str = Enterprise.Status.APPROVED,
) -> Enterprise:
    """Create an enterprise with a valid USCC in the given division."""
    seed = seed if seed is not None else 1000 + next(_counter)
    return Enterprise.objects.create(
        name=name,
        uscc=make_uscc(division, seed),
        address=f"{name}地址",
        division_code=division,
        contact_name="测试联系人",
        contact_phone="010-00000000",
        contact_email=f"contact{seed}@example.cn",
        roles=roles or ["battery_producer"],
        status=status,
    )


def user_of(kind: str, *, enterprise=None, province: str = "", username: str | None = None):
    """Create a user of one kind with the suite's password."""
    username = username or f"{kind}-{next(_counter)}"
    return user_create(
        username=username,
        password=PASSWORD,
        kind=kind,
        email=f"{username}@example.cn",
        enterprise=enterprise,
        province=province,
    )
