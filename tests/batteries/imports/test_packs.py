"""Packs import: what a producer sees committed, reported and counted (real task body)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from batteries.imports.services import import_batch_run
from batteries.models import Battery, Channel, ImportBatch, LifecycleEvent, State
from batteries.services.chain import chain_verify
from batteries.services.packs import PackInput, packs_register
from tests.batteries.imports.files import (
    code,
    csv_bytes,
    import_file,
    report_rows,
    run,
    upload,
    xlsx_bytes,
)
from tests.factories import enterprise_create, user_of

pytestmark = pytest.mark.django_db

GOOD_1, GOOD_4 = code(serial=1), code(serial=4)
MODULE_8 = code(serial=8, product_type="M")


def mixed_rows() -> list[list]:
    """Data rows 2-11 as the spreadsheet numbers them (the header is row 1)."""
    return [
        [GOOD_1, "", "450", "60000"],  # 2 good pack
        ["T01XB01A1B2C3DG4F0000002", "", "", ""],  # 3 product type X does not exist
        [GOOD_4, "", "", ""],  # 4 good, no mass or energy
        [code(mfr="ZZ9", serial=5), "", "", ""],  # 5 manufacturer code nobody registered
        [GOOD_1, "", "", ""],  # 6 same code as row 2
        [code(serial=7), "", "abc", ""],  # 7 mass is not a number
        [MODULE_8, GOOD_1, "", ""],  # 8 module of the pack of row 2
        [code(serial=9, product_type="M"), code(serial=999), "", ""],  # 9 unknown parent
        [code(mfr="K07", serial=10), "", "", ""],  # 10 another producer's manufacturer code
        ["", "", "", ""],  # 11 blank: skipped
    ]


def errors_by_row(batch: ImportBatch) -> dict[int, tuple[str, str]]:
    return {e["row"]: (e["field"], e["code"]) for e in batch.error_sample}


def test_it_commits_the_good_rows_and_reports_each_bad_one_by_row_and_column(
    producer_user, other_producer
):
    batch = import_file(producer_user, csv_bytes(mixed_rows()))

    assert batch.status == ImportBatch.Status.DONE
    assert set(Battery.objects.values_list("code", flat=True)) == {GOOD_1, GOOD_4, MODULE_8}
    assert (batch.rows_created, batch.rows_duplicate, batch.rows_failed) == (3, 0, 6)
    assert batch.rows_done == batch.rows_total == 9
    assert errors_by_row(batch) == {
        3: ("电池编码", "code.product_type"),
        5: ("电池编码", "code.manufacturer_unregistered"),
        6: ("电池编码", "code.duplicate_in_file"),
        7: ("质量(kg)", "value.integer"),
        9: ("上级编码", "code.parent_unknown"),
        10: ("电池编码", "code.manufacturer_not_own"),
    }
    module = Battery.objects.get(code=MODULE_8)
    assert module.parent.code == GOOD_1 and module.product_type == "M"
    assert Battery.objects.get(code=GOOD_1).mass_kg == 450


def test_the_error_report_lists_row_field_code_message_and_the_value_as_typed(producer_user):
    batch = import_file(producer_user, csv_bytes(mixed_rows()))

    rows = report_rows(batch)
    assert rows[0] == ["行号", "字段", "错误代码", "错误说明", "原始值", "处理结果"]
    assert {r[5] for r in rows[1:]} == {"错误，未导入"}
    by_row = {int(r[0]): r for r in rows[1:]}
    assert by_row[7][1:3] == ["质量(kg)", "value.integer"] and by_row[7][4] == "abc"
    assert by_row[3][4] == "T01XB01A1B2C3DG4F0000002"
    assert "第4位产品类型代码“X”无效" in by_row[3][3]


def test_all_or_nothing_commits_nothing_when_one_row_is_bad(producer_user):
    batch = import_file(producer_user, csv_bytes(mixed_rows()), mode="all_or_nothing")

    assert batch.status == ImportBatch.Status.REJECTED
    assert Battery.objects.count() == 0 and LifecycleEvent.objects.count() == 0
    assert batch.rows_created == 0 and batch.rows_failed == 6
    assert "未导入任何数据" in batch.message
    assert set(errors_by_row(batch)) == {3, 5, 6, 7, 9, 10}


def test_all_or_nothing_commits_a_clean_file_whole(producer_user):
    rows = [[GOOD_1, "", "450", ""], [MODULE_8, GOOD_1, "", ""], [GOOD_4, "", "", ""]]

    batch = import_file(producer_user, csv_bytes(rows), mode="all_or_nothing")

    assert batch.status == ImportBatch.Status.DONE
    assert (batch.rows_created, batch.rows_failed) == (3, 0)
    assert Battery.objects.get(code=MODULE_8).parent.code == GOOD_1


def test_reimporting_the_same_file_creates_nothing_and_counts_every_row_as_existing(
    producer_user,
):
    content = csv_bytes([[code(serial=n), "", "", ""] for n in range(1, 31)])
    first = import_file(producer_user, content)

    again = import_file(producer_user, content)

    assert first.rows_created == 30
    assert (again.rows_created, again.rows_duplicate, again.rows_failed) == (0, 30, 0)
    assert Battery.objects.count() == 30 and LifecycleEvent.objects.count() == 30


def test_a_code_registered_by_another_producer_is_an_error_not_a_duplicate(
    producer_user, other_user
):
    import_file(other_user, csv_bytes([[code(mfr="K07", serial=1), "", "", ""]]))

    batch = import_file(producer_user, csv_bytes([[code(mfr="K07", serial=1), "", "", ""]]))

    assert batch.rows_duplicate == 0 and batch.rows_failed == 1
    assert batch.error_sample[0]["code"] == "code.duplicate"


def test_an_imported_pack_has_the_same_verifiable_hash_chain_as_a_form_registered_one(
    producer, producer_user
):
    batch = import_file(producer_user, csv_bytes([[GOOD_1, "", "450", "60000"]]))
    packs_register(items=[PackInput(code=GOOD_4)], reporter=producer, channel=Channel.WEB)

    imported = Battery.objects.get(code=GOOD_1)
    event = imported.events.get()
    assert chain_verify(imported).ok and chain_verify(Battery.objects.get(code=GOOD_4)).ok
    assert (event.kind, event.channel, event.import_batch_id) == ("register", "import", batch.pk)
    assert event.reported_by == producer_user and event.holder_after == producer
    assert imported.last_hash == event.hash and imported.state == State.REGISTERED


def test_the_producer_finds_its_imported_packs_in_its_own_pack_list(producer_user, other_user):
    from batteries.selectors import pack_list

    import_file(producer_user, csv_bytes([[GOOD_1, "", "", ""], [GOOD_4, "", "", ""]]))

    assert {b.code for b in pack_list(user=producer_user)} == {GOOD_1, GOOD_4}
    assert not pack_list(user=other_user).exists()


def test_it_reads_a_gb18030_csv_as_saved_by_excel_on_chinese_windows(producer_user):
    content = csv_bytes([[GOOD_1, "", "450", ""], ["坏编码", "", "", ""]], encoding="gb18030")

    batch = import_file(producer_user, content)

    assert batch.rows_created == 1
    assert batch.error_sample[0]["value"] == "坏编码"


def test_it_reads_a_utf8_csv_without_bom_and_english_headers(producer_user):
    header = ["code", "parent_code", "mass_kg", "capacity_wh"]
    content = csv_bytes([[GOOD_1, "", "450", "60000"]], header=header, encoding="utf-8")

    batch = import_file(producer_user, content)

    assert batch.rows_created == 1
    assert Battery.objects.get(code=GOOD_1).capacity_wh == 60000


def test_it_accepts_the_model_headers_typed_with_full_width_brackets(producer_user):
    header = ["电池编码", "上级编码", "质量（千克）", "额定能量（瓦时）"]

    batch = import_file(producer_user, csv_bytes([[GOOD_1, "", "450", "60000"]], header=header))

    assert batch.rows_created == 1 and Battery.objects.get(code=GOOD_1).mass_kg == 450


def test_it_reads_an_xlsx_with_numbers_as_numbers_and_skips_blank_rows(producer_user, xlsx_reader):
    rows = [[GOOD_1, None, 450, 60000.0], [None, None, None, None], ["bad", None, 1.5, None]]

    batch = import_file(producer_user, xlsx_bytes(rows), name="packs.xlsx")

    assert batch.rows_created == 1 and batch.rows_failed == 1
    assert Battery.objects.get(code=GOOD_1).mass_kg == 450
    assert {e["row"] for e in batch.error_sample} == {4}  # row 3 of the sheet is blank
    assert batch.rows_total == 2


def test_it_refuses_at_upload_a_file_whose_headers_are_unknown_or_missing(producer_user):
    content = csv_bytes([[GOOD_1, "x"]], header=["编码", "颜色"])

    with pytest.raises(ValidationError) as refused:
        upload(producer_user, content)

    message = refused.value.messages[0]
    assert "缺少必填列：电池编码" in message and "无法识别的列：编码、颜色" in message
    assert ImportBatch.objects.count() == 0


def test_a_queued_file_whose_header_is_wrong_is_rejected_and_imports_nothing(producer_user):
    batch = upload(producer_user, csv_bytes([[GOOD_1, "", "", ""]]))
    with open(batch.file.path, "wb") as handle:  # the stored file changed after upload
        handle.write(csv_bytes([[GOOD_1]], header=["电池编号"]))

    batch = run(batch)

    assert batch.status == ImportBatch.Status.REJECTED
    assert "无法识别的列：电池编号" in batch.message and Battery.objects.count() == 0


def test_it_refuses_a_file_that_is_neither_csv_nor_xlsx(producer_user):
    with pytest.raises(ValidationError) as refused:
        upload(producer_user, b"whatever", name="packs.xls")
    assert ".xls" in refused.value.messages[0]


def test_only_battery_producers_may_upload_a_packs_file(db):
    utilizer = enterprise_create(name="丁综合利用", division="430181", roles=["utilizer"])
    user = user_of("enterprise_admin", enterprise=utilizer)

    with pytest.raises(PermissionDenied):
        upload(user, csv_bytes([[GOOD_1, "", "", ""]]))


def test_an_enterprise_suspended_after_upload_has_its_queued_file_rejected(producer, producer_user):
    batch = upload(producer_user, csv_bytes([[GOOD_1, "", "", ""]]))
    producer.status = producer.Status.SUSPENDED
    producer.save()

    batch = run(batch)

    assert batch.status == ImportBatch.Status.REJECTED and Battery.objects.count() == 0
    assert "获批准后才能导入" in batch.message


def test_a_batch_delivered_twice_runs_once(producer_user):
    batch = upload(producer_user, csv_bytes([[GOOD_1, "", "", ""]]))

    first = import_batch_run(batch_id=batch.pk)
    second = import_batch_run(batch_id=batch.pk)

    assert (first, second) == ("done", "skipped")
    assert Battery.objects.count() == 1
    batch.refresh_from_db()
    assert batch.rows_created == 1


def test_an_unexpected_error_marks_the_batch_failed_with_a_message(producer_user, monkeypatch):
    from batteries.imports.packs import PackImport

    def explode(self, open_rows):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(PackImport, "run", explode)
    batch = upload(producer_user, csv_bytes([[GOOD_1, "", "", ""]]))

    assert import_batch_run(batch_id=batch.pk) == "failed"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.finished_at
    assert "系统错误" in batch.message


def test_large_files_are_committed_chunk_by_chunk_with_the_same_outcome(producer_user, monkeypatch):
    from batteries.imports import packs

    monkeypatch.setattr(packs, "CHUNK_SIZE", 3)
    rows = [[code(serial=n), "", "", ""] for n in range(1, 11)]
    rows.insert(5, [code(serial=2), "", "", ""])  # a duplicate of an earlier chunk's row
    rows.append([code(serial=50, product_type="M"), code(serial=1), "", ""])

    batch = import_file(producer_user, csv_bytes(rows))

    assert (batch.rows_created, batch.rows_failed) == (11, 1)
    assert batch.error_sample[0] == {
        "row": 7,
        "field": "电池编码",
        "code": "code.duplicate_in_file",
        "message": f"电池编码在文件中重复出现：{code(serial=2)}",
        "value": code(serial=2),
    }
    assert Battery.objects.get(code=code(serial=50, product_type="M")).parent.code == code(serial=1)


def test_the_error_report_lists_rows_in_file_order_within_a_chunk(producer_user, monkeypatch):
    from batteries.imports import packs

    monkeypatch.setattr(packs, "CHUNK_SIZE", 3)
    # Row 5 repeats row 2 (found only when the insert skips it), row 6 is malformed.
    rows = [[code(serial=n), "", "", ""] for n in (1, 2, 3)]
    rows += [[code(serial=2), "", "", ""], ["T01P", "", "", ""], [code(serial=4), "", "", ""]]

    batch = import_file(producer_user, csv_bytes(rows))

    assert (batch.rows_created, batch.rows_failed) == (4, 2)
    assert [(e["row"], e["code"]) for e in batch.error_sample] == [
        (5, "code.duplicate_in_file"),
        (6, "code.length"),
    ]


def test_all_or_nothing_finds_a_duplicate_across_chunks_before_writing(producer_user, monkeypatch):
    from batteries.imports import packs

    monkeypatch.setattr(packs, "CHUNK_SIZE", 2)
    rows = [[code(serial=n), "", "", ""] for n in (1, 2, 3, 1)]

    batch = import_file(producer_user, csv_bytes(rows), mode="all_or_nothing")

    assert batch.status == ImportBatch.Status.REJECTED and Battery.objects.count() == 0
    assert [(e["row"], e["code"]) for e in batch.error_sample] == [(5, "code.duplicate_in_file")]


def test_codes_registered_by_another_writer_during_the_import_are_never_written_twice(
    producer, producer_user, other_user, monkeypatch
):
    from batteries.imports.packs import PackImport

    mine, theirs = code(serial=1), code(mfr="K07", serial=1)
    import_file(other_user, csv_bytes([[theirs, "", "", ""]]))
    packs_register(items=[PackInput(code=mine)], reporter=producer, channel=Channel.API)
    # The rows were checked before the other writers committed: only ON CONFLICT sees them.
    monkeypatch.setattr(PackImport, "_lookup", lambda self, codes, with_seen: {})
    original_init = PackImport.__init__

    def init_with_k07(self, *args, **kwargs):  # as if K07 had been reassigned to us meanwhile
        original_init(self, *args, **kwargs)
        self.own_prefixes.add("K07")

    monkeypatch.setattr(PackImport, "__init__", init_with_k07)

    batch = import_file(producer_user, csv_bytes([[mine, "", "", ""], [theirs, "", "", ""]]))

    assert (batch.rows_created, batch.rows_duplicate, batch.rows_failed) == (0, 1, 1)
    assert [(e["row"], e["code"]) for e in batch.error_sample] == [(3, "code.duplicate")]
    assert Battery.objects.count() == 2 and LifecycleEvent.objects.count() == 2


def test_a_chunk_read_ahead_fails_only_when_its_turn_comes():
    # The next chunk is read while the current one inserts; a file problem in it must not
    # roll back the current chunk: it is raised after, as if read in turn.
    from batteries.imports.packs import _Lookahead
    from batteries.imports.readers import FileProblem

    def chunks():
        yield ["first"]
        raise FileProblem("第 3 行附近包含无法识别的字符编码")

    ahead = _Lookahead(chunks(), read=lambda chunk: chunk)
    assert ahead.take() == ["first"]
    ahead.fetch()  # during the first chunk's insert: the problem is held, not raised
    with pytest.raises(FileProblem, match="第 3 行"):
        ahead.take()
