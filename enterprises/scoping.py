"""The one choke point that decides which rows a user may read.

Every selector and every admin changelist calls `Model.objects.scoped_for(user)`. A national
regulator sees everything, a provincial regulator the rows of one province, an enterprise
user the rows of its own enterprise, anybody else nothing.
"""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Scope:
    national: bool = False
    province: str = ""
    enterprise_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.national or self.province or self.enterprise_id)


def scope_of(user) -> Scope:
    """Return the scope of data the user may read."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser or user.kind == "national":
        return Scope(national=True)
    if user.kind == "provincial":
        return Scope(province=user.province)
    if user.kind in {"enterprise_admin", "enterprise_operator"} and user.enterprise_id:
        return Scope(enterprise_id=user.enterprise_id)
    return Scope()


class ScopedQuerySet(models.QuerySet):
    """A queryset that can restrict itself to what one user may read.

    Subclasses name the lookup paths from their model to the owning enterprise and to
    its province, or override `scope_filter` when ownership is more than one path.
    """

    enterprise_path = "enterprise"
    province_path = "enterprise__province"

    def scope_filter(self, scope: Scope) -> models.Q:
        if scope.province:
            return models.Q(**{self.province_path: scope.province})
        return models.Q(**{self.enterprise_path: scope.enterprise_id})

    def scoped_for(self, user) -> "ScopedQuerySet":
        return self.for_scope(scope_of(user))

    def for_scope(self, scope: Scope) -> "ScopedQuerySet":
        if scope.national:
            return self
        if scope.empty:
            return self.none()
        return self.filter(self.scope_filter(scope))
