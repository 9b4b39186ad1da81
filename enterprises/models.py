"""Enterprises, their users, manufacturer codes, whitelist entries, outlets and API keys."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager
from simple_history.models import HistoricalRecords

from common.identifiers import PROVINCES
from enterprises.rules import enterprise_role_problems
from enterprises.scoping import Scope, ScopedQuerySet
from enterprises.validators import division_code_validator, uscc_validator

PROVINCE_CHOICES = sorted(PROVINCES.items())


class Role(models.TextChoices):
    BATTERY_PRODUCER = "battery_producer", _("电池生产企业")
    BATTERY_IMPORTER = "battery_importer", _("电池进口商")
    VEHICLE_PRODUCER = "vehicle_producer", _("汽车生产企业")
    VEHICLE_IMPORTER = "vehicle_importer", _("汽车进口商")
    DEALER = "dealer", _("汽车销售企业")
    REPAIR_SHOP = "repair_shop", _("维修企业")
    SWAP_OPERATOR = "swap_operator", _("换电运营企业")
    DISMANTLER = "dismantler", _("报废机动车回收拆解企业")
    UTILIZER = "utilizer", _("综合利用企业")
    OUTLET_OPERATOR = "outlet_operator", _("回收服务网点运营企业")


PRODUCER_ROLES = {
    Role.BATTERY_PRODUCER,
    Role.BATTERY_IMPORTER,
    Role.VEHICLE_PRODUCER,
    Role.VEHICLE_IMPORTER,
}


class EnterpriseQuerySet(ScopedQuerySet):
    enterprise_path = "pk"
    province_path = "province"

    def approved(self) -> "EnterpriseQuerySet":
        return self.filter(status=Enterprise.Status.APPROVED)


class OwnedQuerySet(ScopedQuerySet):
    """Rows that belong to one enterprise through an `enterprise` foreign key."""


class Enterprise(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        SUSPENDED = "suspended", _("已暂停")

    name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[uscc_validator]
    )
    address = models.CharField(_("地址"), max_length=300)
    division_code = models.CharField(
        _("行政区划代码"), max_length=6, validators=[division_code_validator]
    )
    province = models.CharField(_("省份"), max_length=2, choices=PROVINCE_CHOICES, editable=False)
    prefecture = models.CharField(_("地级市代码"), max_length=4, editable=False)
    contact_name = models.CharField(_("联系人"), max_length=100)
    contact_phone = models.CharField(_("联系电话"), max_length=40)
    contact_email = models.EmailField(_("联系邮箱"))
    roles = ArrayField(
        models.CharField(max_length=32, choices=Role.choices), verbose_name=_("企业类型")
    )
    dismantler_qualification_no = models.CharField(_("拆解资质证书编号"), max_length=64, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    status_reason = models.TextField(_("状态说明"), blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    supporting_document = models.FileField(
        _("证明材料"), upload_to="registrations/%Y/%m/", blank=True
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["supporting_document"])

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["province", "status"], name="ent_province_status"),
            GinIndex(fields=["roles"], name="ent_roles_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "rejected", "suspended"]),
                name="ent_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(uscc__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="ent_uscc_format",
            ),
            models.CheckConstraint(
                condition=models.Q(division_code__regex=r"^[0-9]{6}$"),
                name="ent_division_format",
            ),
        ]
        permissions = [
            ("review_enterprise", _("可审核企业注册")),
            ("import_enterprise", _("可导入企业")),
            ("export_enterprise", _("可导出企业")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"

    def save(self, *args, **kwargs):
        # Province and prefecture are derived, never typed: scoping and statistics use them.
        self.province = self.division_code[:2]
        self.prefecture = self.division_code[:4]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        problems = enterprise_role_problems(
            roles=self.roles or [], dismantler_qualification_no=self.dismantler_qualification_no
        )
        if problems:
            raise ValidationError(problems)

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.roles or []]

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class UserQuerySet(OwnedQuerySet):
    pass


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True


class ApiKeyManager(APIKeyManager.from_queryset(OwnedQuerySet)):
    pass


class User(AbstractUser):
    class Kind(models.TextChoices):
        NATIONAL_REGULATOR = "national", _("工业和信息化部监管人员")
        PROVINCIAL_REGULATOR = "provincial", _("省级工业和信息化主管部门人员")
        ENTERPRISE_ADMIN = "enterprise_admin", _("企业管理员")
        ENTERPRISE_OPERATOR = "enterprise_operator", _("企业操作员")

    kind = models.CharField(_("用户类型"), max_length=32, choices=Kind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所属企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    province = models.CharField(_("监管省份"), max_length=2, choices=PROVINCE_CHOICES, blank=True)
    phone = models.CharField(_("手机号码"), max_length=40, blank=True)

    objects = ScopedUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_kind_matches_org",
                condition=(
                    models.Q(kind="national", enterprise__isnull=True)
                    | models.Q(
                        kind="provincial", enterprise__isnull=True, province__regex=r"^\d\d$"
                    )
                    | models.Q(
                        kind__in=["enterprise_admin", "enterprise_operator"],
                        enterprise__isnull=False,
                    )
                    | models.Q(kind="", is_superuser=True)
                ),
            ),
        ]

    @property
    def is_regulator(self) -> bool:
        return self.is_superuser or self.kind in {
            self.Kind.NATIONAL_REGULATOR,
            self.Kind.PROVINCIAL_REGULATOR,
        }

    @property
    def is_enterprise_admin(self) -> bool:
        return self.kind == self.Kind.ENTERPRISE_ADMIN


class ManufacturerCode(models.Model):
    """A 3-character GB/T 34014 manufacturer prefix assigned to one enterprise."""

    code = models.CharField(_("厂商代码"), max_length=3, unique=True)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="manufacturer_codes",
        verbose_name=_("企业"),
    )
    registered_on = models.DateField(_("备案日期"))

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("厂商代码")
        verbose_name_plural = _("厂商代码")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9A-Z]{3}$"), name="mfr_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class WhitelistEntry(models.Model):
    """An enterprise's listing under the comprehensive-utilization industry conditions."""

    class Category(models.TextChoices):
        RECYCLING = "recycling", _("再生利用")
        CASCADE = "cascade", _("梯次利用")
        BOTH = "both", _("梯次利用和再生利用")

    class Status(models.TextChoices):
        LISTED = "listed", _("公告在列")
        RECTIFICATION = "rectification", _("责令整改")
        REVOKED = "revoked", _("已撤销")

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="whitelist_entries",
        verbose_name=_("企业"),
    )
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    batch = models.CharField(_("公告批次"), max_length=40)
    announcement_no = models.CharField(_("公告文号"), max_length=80)
    announced_on = models.DateField(_("公告日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.LISTED
    )
    capacity_tonnes = models.PositiveIntegerField(_("年处理能力（吨）"), default=0)
    note = models.TextField(_("备注"), blank=True)

    objects = OwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("白名单企业")
        verbose_name_plural = _("白名单企业")
        ordering = ["-announced_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "category", "announcement_no"],
                name="whitelist_unique_announcement",
            ),
        ]
        permissions = [
            ("import_whitelistentry", _("可导入白名单")),
            ("export_whitelistentry", _("可导出白名单")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.get_category_display()} · {self.batch}"


class OutletQuerySet(ScopedQuerySet):
    province_path = "province"

    def scope_filter(self, scope: Scope) -> models.Q:
        if scope.province:
            return models.Q(province=scope.province)
        return models.Q(owner_id=scope.enterprise_id) | models.Q(operator_id=scope.enterprise_id)


class Outlet(models.Model):
    """A recycling service outlet (回收服务网点) set up by a battery or vehicle producer."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("运营中")
        CLOSED = "closed", _("已关闭")

    owner = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="outlets",
        verbose_name=_("设立企业"),
    )
    operator = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="operated_outlets",
        null=True,
        blank=True,
        verbose_name=_("运营企业"),
    )
    name = models.CharField(_("网点名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=300)
    division_code = models.CharField(
        _("行政区划代码"), max_length=6, validators=[division_code_validator]
    )
    province = models.CharField(_("省份"), max_length=2, choices=PROVINCE_CHOICES, editable=False)
    prefecture = models.CharField(_("地级市代码"), max_length=4, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = OutletQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回收服务网点")
        verbose_name_plural = _("回收服务网点")
        ordering = ["province", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(division_code__regex=r"^[0-9]{6}$"),
                name="outlet_division_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.province = self.division_code[:2]
        self.prefecture = self.division_code[:4]
        super().save(*args, **kwargs)


class EnterpriseApiKey(AbstractAPIKey):
    """A key an enterprise's system uses to report; shown once, stored hashed."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("企业")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("创建人")
    )
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)

    objects = ApiKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")


class AuditAction(models.TextChoices):
    """What the audit log records (等保 2.0 security audit); other apps may add their own."""

    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    LOCKOUT = "lockout", _("登录锁定")
    UNLOCK = "unlock", _("解除登录锁定")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET_REQUEST = "password_reset_request", _("申请重置密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    OTP_VERIFIED = "otp_verified", _("双因素认证通过")
    OTP_FAILED = "otp_failed", _("双因素认证失败")
    OTP_ENROLLED = "otp_enrolled", _("启用双因素认证")
    OTP_DISABLED = "otp_disabled", _("停用双因素认证")
    RECOVERY_CODES = "recovery_codes", _("生成恢复码")
    RECOVERY_CODE_USED = "recovery_code_used", _("使用恢复码")
    API_KEY_CREATE = "api_key_create", _("创建 API 密钥")
    API_KEY_REVOKE = "api_key_revoke", _("吊销 API 密钥")
    EXPORT = "export", _("导出数据")
    DOCUMENT_DOWNLOAD = "document_download", _("下载文书")
    LEGAL_PARAMETER_CHANGE = "legal_parameter_change", _("修改法定参数")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only: its rows are never changed.")

    def delete(self):
        raise TypeError("The audit log is append-only: old rows go only by `audit_purge`.")


class AuditEvent(models.Model):
    """One security-relevant act: who, when, from which address, what. Never changed.

    The actor is kept by id and by name, so the record outlives any change to the account;
    a database trigger refuses UPDATE, and DELETE of rows younger than the retention floor
    (migration 0003).
    """

    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    # Ids, not foreign keys: a record outlives any change to the account or enterprise.
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True)
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    actor_kind = models.CharField(_("操作人类型"), max_length=32, blank=True)
    enterprise_id = models.BigIntegerField(_("所属企业编号"), null=True, blank=True)
    province = models.CharField(_("省份"), max_length=2, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    path = models.CharField(_("请求路径"), max_length=300, blank=True)
    target = models.CharField(_("对象"), max_length=300, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["action", "occurred_at"], name="audit_action_time"),
            models.Index(fields=["actor_name", "occurred_at"], name="audit_actor_time"),
            models.Index(fields=["province", "occurred_at"], name="audit_province_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit log is append-only: its rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only: old rows go only by `audit_purge`.")

    @property
    def action_label(self) -> str:
        return str(dict(AuditAction.choices).get(self.action, self.action))
