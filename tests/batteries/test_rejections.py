"""The rejected-code log itself: one row per enterprise, code and reason, counted up."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from batteries.models import Channel, CodeRejection, ImportBatch
from batteries.services.packs import PackInput, packs_register
from batteries.services.rejections import code_rejections_log, refusal_message
from enterprises.models import Enterprise
from tests.batteries.builders import producer_create
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db

BAD_TYPE = "T01XB01A1B2C3DG4F0000002"  # position 4: product type X does not exist
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def batch_of(enterprise) -> ImportBatch:
    user = user_of("enterprise_admin", enterprise=enterprise)
    return ImportBatch.objects.create(
        enterprise=enterprise, uploaded_by=user, kind="packs", file="x.csv", original_name="x.csv"
    )


def test_a_refusal_is_one_row_whose_attempts_count_up_with_each_repeat():
    producer = producer_create()
    first = dt.datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI)
    later = dt.datetime(2026, 4, 3, 15, 30, tzinfo=SHANGHAI)
    batch = batch_of(producer)
    refusal = (BAD_TYPE, "code.product_type", "第4位产品类型代码“X”无效")

    assert (
        code_rejections_log(
            enterprise=producer, rejections=[refusal], channel=Channel.WEB, now=first
        )
        == 1
    )
    code_rejections_log(
        enterprise=producer,
        rejections=[(BAD_TYPE, "code.product_type", "再次提交")],
        channel=Channel.IMPORT,
        import_batch=batch,
        now=later,
    )

    row = CodeRejection.objects.get()
    assert (row.enterprise, row.code, row.error_code) == (producer, BAD_TYPE, "code.product_type")
    assert (row.attempts, row.first_at, row.last_at) == (2, first, later)
    assert (row.message, row.import_batch, row.channel) == ("再次提交", batch, "web")


def test_each_enterprise_and_each_reason_has_its_own_row():
    producer, rival = producer_create(), producer_create(name="乙电池", mfr="T02")
    code_rejections_log(
        enterprise=producer,
        rejections=[(BAD_TYPE, "code.product_type", "类型"), (BAD_TYPE, "code.serial", "序列号")],
        channel=Channel.API,
    )
    code_rejections_log(
        enterprise=rival, rejections=[(BAD_TYPE, "code.product_type", "类型")], channel=Channel.API
    )

    rows = CodeRejection.objects.values_list("enterprise__name", "error_code", "attempts")
    assert sorted(rows) == [
        ("乙电池", "code.product_type", 1),
        ("甲电池有限公司", "code.product_type", 1),
        ("甲电池有限公司", "code.serial", 1),
    ]


def test_one_call_counts_its_repeats_truncates_long_values_and_skips_blank_codes():
    producer = producer_create()
    long_code = "A" * 70
    written = code_rejections_log(
        enterprise=producer,
        rejections=[
            (BAD_TYPE, "code.product_type", "第一次"),
            (BAD_TYPE, "code.product_type", "第二次"),
            (long_code + "B", "code.length", "长" * 400),
            (long_code + "C", "code.length", "长" * 400),  # the same code once cut to 64
            ("", "code.length", "电池编码应为24位，实际为0位。"),
        ],
        channel=Channel.WEB,
    )

    assert written == 2
    rows = {row.code: row for row in CodeRejection.objects.all()}
    assert set(rows) == {BAD_TYPE, "A" * 64}
    assert (rows[BAD_TYPE].attempts, rows[BAD_TYPE].message) == (2, "第二次")
    assert (rows["A" * 64].attempts, rows["A" * 64].message) == (2, "长" * 300)


def test_nothing_to_log_writes_nothing(django_assert_num_queries):
    producer = producer_create()
    with django_assert_num_queries(0):
        assert code_rejections_log(enterprise=producer, rejections=[], channel=Channel.WEB) == 0
    assert not CodeRejection.objects.exists()


def test_the_message_is_stored_in_chinese_whatever_language_the_submitter_reads():
    producer = producer_create()
    with translation.override("en"):
        message = refusal_message(_("电池编码已登记：%(code)s"), {"code": BAD_TYPE})
        assert str(message) == f"Battery code already registered: {BAD_TYPE}"
        code_rejections_log(
            enterprise=producer,
            rejections=[(BAD_TYPE, "code.duplicate", message)],
            channel=Channel.API,
        )

    assert CodeRejection.objects.get().message == f"电池编码已登记：{BAD_TYPE}"


def test_refusals_of_the_submitter_rather_than_the_code_are_not_logged():
    maker = enterprise_create(name="乙汽车有限公司", roles=["vehicle_producer"])
    suspended = producer_create(name="丙电池有限公司", mfr="T03")
    Enterprise.objects.filter(pk=suspended.pk).update(status=Enterprise.Status.SUSPENDED)
    suspended.refresh_from_db()
    producer = producer_create(name="丁电池有限公司", mfr="T04")

    for reporter in (maker, suspended):
        result = packs_register(
            items=[PackInput(code=BAD_TYPE)], reporter=reporter, channel=Channel.WEB
        )
        assert [e.code for e in result.errors] in (
            ["code.reporter_role"],
            ["event.reporter_not_approved"],
        )
    assert not CodeRejection.objects.exists()

    packs_register(items=[PackInput(code=BAD_TYPE)], reporter=producer, channel=Channel.WEB)
    assert CodeRejection.objects.get().enterprise == producer  # the same code, refused for itself


def test_two_bad_characters_of_one_code_are_one_attempt_with_both_messages():
    producer = producer_create()
    packs_register(
        items=[PackInput(code="T01PB01A1B2C3DG4F00000*#")], reporter=producer, channel=Channel.WEB
    )

    row = CodeRejection.objects.get()
    assert (row.error_code, row.attempts) == ("code.char", 1)
    assert row.message == (
        "第23位字符“*”无效，应为数字0–9或大写字母A–Z。第24位字符“#”无效，应为数字0–9或大写字母A–Z。"
    )
