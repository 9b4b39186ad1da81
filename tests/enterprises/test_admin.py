"""Back office: filters, review actions, and import/export for regulators with the permission."""

import pytest
import tablib
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.identifiers import make_uscc
from enterprises.models import Enterprise, WhitelistEntry
from enterprises.resources import ChineseCSV, EnterpriseResource, WhitelistEntryResource
from tests.factories import enterprise_create

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:enterprises_enterprise_changelist")
IMPORT = reverse("admin:enterprises_enterprise_import")
EXPORT = reverse("admin:enterprises_enterprise_export")
ENTERPRISE_FIELDS = [
    "name",
    "uscc",
    "address",
    "division_code",
    "province",
    "roles",
    "dismantler_qualification_no",
    "contact_name",
    "contact_phone",
    "contact_email",
    "status",
    "created_at",
]


def _export_csv(client) -> bytes:
    data = {"format": "0", **{f"enterpriseresource_{name}": "on" for name in ENTERPRISE_FIELDS}}
    response = client.post(EXPORT, data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return response.content


def _csv(rows: list[list[str]], headers: list[str], encoding="utf-8-sig") -> bytes:
    dataset = tablib.Dataset(*rows, headers=headers)
    return dataset.export("csv").encode(encoding)


def test_the_csv_export_starts_with_a_bom_and_has_chinese_headers(
    client, national_regulator, enterprise_a, enterprise_b
):
    client.force_login(national_regulator)
    content = _export_csv(client)
    assert content.startswith(b"\xef\xbb\xbf")
    header = content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("企业名称,统一社会信用代码,地址,行政区划代码,省份,企业类型")
    text = content.decode("utf-8-sig")
    assert enterprise_b.uscc in text and "综合利用企业" in text and "江苏省" in text


def test_a_provincial_regulator_exports_only_its_province(
    client, fujian_regulator, enterprise_a, enterprise_b
):
    client.force_login(fujian_regulator)
    text = _export_csv(client).decode("utf-8-sig")
    assert enterprise_a.uscc in text
    assert enterprise_b.uscc not in text


def test_a_provincial_regulator_without_the_import_permission_gets_no_import(
    client, fujian_regulator, enterprise_a
):
    client.force_login(fujian_regulator)
    body = client.get(CHANGELIST).content.decode()
    assert IMPORT not in body
    assert EXPORT in body
    assert client.get(IMPORT).status_code == 403
    whitelist = reverse("admin:enterprises_whitelistentry_changelist")
    assert (
        reverse("admin:enterprises_whitelistentry_export")
        not in client.get(whitelist).content.decode()
    )
    assert client.get(reverse("admin:enterprises_whitelistentry_import")).status_code == 403


def test_the_national_regulator_sees_the_import_button(client, national_regulator):
    client.force_login(national_regulator)
    assert IMPORT in client.get(CHANGELIST).content.decode()
    form = client.get(IMPORT).content.decode()
    assert 'name="import_file"' in form and 'name="format"' in form


def _import(resource, content: bytes):
    dataset = ChineseCSV().create_dataset(content)
    return resource.import_data(dataset, dry_run=False, raise_errors=False)


HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "地址",
    "行政区划代码",
    "企业类型",
    "联系人",
    "联系电话",
    "联系邮箱",
]


def test_an_imported_enterprise_is_validated_like_a_registration(national_regulator):
    rows = [
        [
            "导入电池有限公司",
            "91350900587527783p",
            "宁德",
            "350902",
            "电池生产企业",
            "李",
            "1",
            "a@x.cn",
        ],
        [
            "校验错误公司",
            "91350900587527783Q",
            "宁德",
            "350902",
            "电池生产企业",
            "李",
            "1",
            "b@x.cn",
        ],
        [
            "省份错误公司",
            "91440300192317458F",
            "某地",
            "990101",
            "综合利用企业",
            "李",
            "1",
            "c@x.cn",
        ],
        [
            "拆解无资质公司",
            make_uscc("320506", 77),
            "苏州",
            "320506",
            "报废机动车回收拆解企业",
            "李",
            "1",
            "d@x.cn",
        ],
    ]
    result = _import(EnterpriseResource(user=national_regulator), _csv(rows, HEADERS))
    errors = {row.number: str(row.error_dict) for row in result.invalid_rows}
    assert "第18位是校验码" in errors[2]
    assert "省级代码“99”不存在" in errors[3]
    assert "拆解资质证书编号" in errors[4]
    imported = Enterprise.objects.get(uscc="91350900587527783P")
    assert imported.status == Enterprise.Status.PENDING
    assert imported.roles == ["battery_producer"]
    assert imported.history.first().history_user == national_regulator


def test_a_gb18030_csv_from_chinese_excel_is_read(national_regulator):
    rows = [
        [
            "国标编码公司",
            "91350900587527783P",
            "宁德",
            "350902",
            "电池生产企业",
            "李",
            "1",
            "a@x.cn",
        ]
    ]
    result = _import(EnterpriseResource(user=national_regulator), _csv(rows, HEADERS, "gb18030"))
    assert not result.has_errors() and not result.has_validation_errors()
    assert Enterprise.objects.get(uscc="91350900587527783P").name == "国标编码公司"


def test_whitelist_import_finds_enterprises_by_uscc_within_scope(
    national_regulator, fujian_regulator, enterprise_b
):
    headers = [
        "统一社会信用代码",
        "类别",
        "公告批次",
        "公告文号",
        "公告日期",
        "状态",
        "年处理能力（吨）",
        "备注",
    ]
    rows = [
        [
            enterprise_b.uscc,
            "再生利用",
            "第五批",
            "公告2024-12",
            "2024-01-15",
            "公告在列",
            "5000",
            "",
        ]
    ]
    result = _import(WhitelistEntryResource(user=fujian_regulator), _csv(rows, headers))
    assert "不在您的监管范围内" in str(result.invalid_rows[0].error_dict)
    assert not WhitelistEntry.objects.exists()
    result = _import(WhitelistEntryResource(user=national_regulator), _csv(rows, headers))
    assert not result.has_validation_errors() and not result.has_errors()
    entry = WhitelistEntry.objects.get()
    assert (entry.enterprise, entry.category, entry.capacity_tonnes) == (
        enterprise_b,
        "recycling",
        5000,
    )


def test_the_changelist_filters_by_role_and_whitelist_presence(
    client, national_regulator, enterprise_a, enterprise_b
):
    WhitelistEntry.objects.create(
        enterprise=enterprise_b,
        category="recycling",
        batch="五",
        announcement_no="n",
        announced_on="2024-01-15",
    )
    client.force_login(national_regulator)
    by_role = client.get(CHANGELIST, {"role": "utilizer"}).content.decode()
    assert enterprise_b.name in by_role and enterprise_a.name not in by_role
    listed = client.get(CHANGELIST, {"whitelisted": "yes"}).content.decode()
    assert enterprise_b.name in listed and enterprise_a.name not in listed
    searched = client.get(CHANGELIST, {"q": enterprise_a.uscc}).content.decode()
    assert enterprise_a.name in searched and enterprise_b.name not in searched


def test_the_approve_action_goes_through_the_review_service(
    client, national_regulator, django_capture_on_commit_callbacks
):
    pending = enterprise_create(name="后台待审企业", seed=61, status="pending")
    client.force_login(national_regulator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "approve_selected", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == Enterprise.Status.APPROVED
    assert pending.history.first().history_user == national_regulator
    assert len(mail.outbox) == 1


def test_the_reject_action_asks_for_a_reason_first(client, national_regulator):
    pending = enterprise_create(name="后台驳回企业", seed=62, status="pending")
    client.force_login(national_regulator)
    data = {"action": "reject_selected", "_selected_action": [pending.pk]}
    response = client.post(CHANGELIST, data)
    assert "理由" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Enterprise.Status.PENDING
    client.post(CHANGELIST, {**data, "apply": "1", "reason": "材料不全"})
    pending.refresh_from_db()
    assert (pending.status, pending.status_reason) == ("rejected", "材料不全")


def test_the_status_cannot_be_edited_directly_in_the_admin(
    client, national_regulator, enterprise_a
):
    client.force_login(national_regulator)
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise_a.pk])
    body = client.get(url).content.decode()
    assert 'name="status"' not in body


def test_the_admin_import_previews_then_imports_a_bom_csv(client, national_regulator):
    rows = [
        [
            "后台导入公司",
            "91350900587527783P",
            "宁德",
            "350902",
            "电池生产企业",
            "李",
            "1",
            "a@x.cn",
        ]
    ]
    upload = SimpleUploadedFile("企业.csv", _csv(rows, HEADERS), content_type="text/csv")
    client.force_login(national_regulator)
    preview = client.post(IMPORT, {"format": "0", "import_file": upload})
    assert preview.status_code == 200
    assert "后台导入公司" in preview.content.decode()
    confirm = preview.context["confirm_form"]
    assert not Enterprise.objects.filter(name="后台导入公司").exists()
    response = client.post(reverse("admin:enterprises_enterprise_process_import"), confirm.initial)
    assert response.status_code == 302
    assert Enterprise.objects.get(name="后台导入公司").status == Enterprise.Status.PENDING


def test_every_export_is_in_the_audit_log_with_who_what_and_how_many(
    client, fujian_regulator, enterprise_a, enterprise_b
):
    from enterprises.models import AuditEvent

    client.force_login(fujian_regulator)
    _export_csv(client)
    record = AuditEvent.objects.filter(action="export").get()
    assert record.details["model"] == "enterprises.enterprise"
    assert record.details["rows"] == 1  # Fujian's enterprise only
    assert record.actor_name == fujian_regulator.username and "企业" in record.target
