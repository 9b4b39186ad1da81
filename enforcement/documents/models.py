"""Issuing authorities, number counters, issued documents and their download log.

A document is a snapshot: what it says (facts, basis, deadline, amount, evidence) is
frozen in `content` when it is issued, its PDF is rendered once from that snapshot and
its SHA-256 recorded. A database trigger (migration 0007) refuses any later change to
what a document says or to its stored file, and any deletion; only the revocation
columns may be filled in, once. A mistake is corrected by revoking and issuing anew.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import PROVINCE_CHOICES, Enterprise
from enterprises.scoping import Scope, ScopedQuerySet


class Authority(models.Model):
    """An issuing authority: MIIT, or one province's industry and IT department.

    The name heads the document and the prefix starts its number (苏工信罚〔2026〕3号);
    both are data, seeded for every province (enforcement/documents/authorities.py) and
    edited by MIIT in the back office.
    """

    NATIONAL = "miit"

    code = models.CharField(
        _("代码"), max_length=8, unique=True, help_text=_("工业和信息化部为 miit，省级为省份代码。")
    )
    province = models.CharField(
        _("省份"), max_length=2, choices=PROVINCE_CHOICES, blank=True, help_text=_("部级留空。")
    )
    name = models.CharField(_("机关名称"), max_length=100)
    number_prefix = models.CharField(_("文号机关代字"), max_length=12)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("执法机关")
        verbose_name_plural = _("执法机关")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province"], condition=~Q(province=""), name="authority_one_per_province"
            ),
            models.CheckConstraint(
                condition=Q(code="miit", province="") | Q(code=models.F("province")),
                name="authority_code_matches_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    CORRECTION_ORDER = "correction_order", _("责令限期改正通知书")
    WARNING = "warning", _("行政处罚决定书（警告）")
    PENALTY_NOTICE = "penalty_notice", _("行政处罚事先告知书")
    FINE_DECISION = "fine_decision", _("行政处罚决定书（罚款）")


# The character(s) of each kind in the number, after the authority's prefix.
KIND_CODES = {
    DocumentKind.CORRECTION_ORDER: "改",
    DocumentKind.WARNING: "警",
    DocumentKind.PENALTY_NOTICE: "罚告",
    DocumentKind.FINE_DECISION: "罚",
}


class DocumentCounter(models.Model):
    """The last number issued per authority × kind × year.

    Issuing a document increments its row with `INSERT … ON CONFLICT DO UPDATE …
    RETURNING` in the issuing transaction: the row stays locked until that transaction
    ends, so concurrent issues queue behind it and a rolled-back issue gives its number
    back (enforcement/documents/numbering.py).
    """

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("文号计数")
        verbose_name_plural = _("文号计数")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "year"], name="document_counter_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.kind}/{self.year}: {self.last}"


class DocumentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        if scope.province:
            return Q(case__province=scope.province)
        return Q(enterprise_id=scope.enterprise_id)


class Document(models.Model):
    """One issued official document of a case. Immutable (see the module docstring)."""

    Kind = DocumentKind

    case = models.ForeignKey("enforcement.Case", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("文书种类"), max_length=20, choices=DocumentKind.choices)
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="documents", verbose_name=_("执法机关")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("当事人")
    )
    addressee_name = models.CharField(_("当事人名称"), max_length=200)
    addressee_uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    content = models.JSONField(_("文书内容"), default=dict)
    amount_fen = models.BigIntegerField(_("金额（分）"), null=True, blank=True)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    token = models.CharField(_("核验码"), max_length=32, unique=True)
    verify_url = models.CharField(_("核验网址"), max_length=300)
    pdf = models.FileField(_("PDF 文件"), upload_to="documents/", blank=True, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    pdf_bytes = models.PositiveIntegerField(_("文件大小（字节）"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签发人"),
    )
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤销人"),
    )
    revoke_reason = models.TextField(_("撤销理由"), blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("取代的文书"),
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "year", "sequence"], name="document_number_unique"
            ),
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="document_one_live_per_case_kind",
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="document_sequence_positive"),
            models.CheckConstraint(
                condition=Q(amount_fen__isnull=True) | Q(amount_fen__gt=0),
                name="document_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="document_sha256_format",
            ),
            models.CheckConstraint(
                condition=(
                    Q(revoked_at__isnull=True, revoked_by__isnull=True, revoke_reason="")
                    | (Q(revoked_at__isnull=False, revoked_by__isnull=False) & ~Q(revoke_reason=""))
                ),
                name="document_revocation_complete",
            ),
        ]
        indexes = [
            # The public list of fine decisions, newest first.
            models.Index(
                fields=["-id"],
                condition=Q(kind="fine_decision", revoked_at__isnull=True),
                name="document_public_fines",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enforcement:document_verify", kwargs={"token": self.token})

    @property
    def rendered(self) -> bool:
        return bool(self.sha256)

    @property
    def amount_yuan(self) -> int | None:
        return None if self.amount_fen is None else self.amount_fen // 100

    @property
    def amount_text(self) -> str:
        """The amount in yuan as written in the document: 50,000."""
        return "" if self.amount_fen is None else f"{self.amount_fen // 100:,}"


class DocumentDownload(models.Model):
    """One download of a document's PDF: who, when, from where. Append-only."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("用户")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("文书下载记录")
        verbose_name_plural = _("文书下载记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["document", "at"], name="download_document_at")]

    def __str__(self) -> str:
        return f"{self.document_id} · {self.user_id} · {self.at:%Y-%m-%d %H:%M}"
