"""Refused codes of a packs import are logged per chunk, whatever the mode and its rollback."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from batteries.models import Battery, Channel, CodeRejection, ImportBatch
from batteries.services.packs import PackInput, packs_register
from tests.batteries.imports.files import code, csv_bytes, import_file

BAD_TYPE = "T01XB01A1B2C3DG4F0000002"  # position 4: product type X does not exist
GOOD_1, GOOD_4 = code(serial=1), code(serial=4)
UNKNOWN, FOREIGN = code(mfr="ZZ9", serial=5), code(mfr="K07", serial=10)


def mixed_rows() -> list[list]:
    """Data rows 2-9: three refused codes, and errors that are not the code's own."""
    return [
        [GOOD_1, "", "450", "60000"],  # 2 good
        [BAD_TYPE, "", "", ""],  # 3 product type X: logged
        [GOOD_4, "", "", ""],  # 4 good
        [UNKNOWN, "", "", ""],  # 5 manufacturer code nobody registered: logged
        [GOOD_1, "", "", ""],  # 6 repeats row 2 of the same file: not logged
        [code(serial=7), "", "abc", ""],  # 7 mass is not a number: not logged
        [code(serial=8, product_type="M"), code(serial=999), "", ""],  # 8 no such parent: not
        [FOREIGN, "", "", ""],  # 9 another producer's manufacturer code: logged
    ]


def logged() -> dict[tuple[str, str], int]:
    rows = CodeRejection.objects.values_list("code", "error_code", "attempts")
    return {(c, error): attempts for c, error, attempts in rows}


REFUSED = {
    (BAD_TYPE, "code.product_type"): 1,
    (UNKNOWN, "code.manufacturer_unregistered"): 1,
    (FOREIGN, "code.manufacturer_not_own"): 1,
}


@pytest.mark.django_db
def test_a_commit_valid_import_logs_the_refused_codes_with_its_batch(
    producer, producer_user, other_producer
):
    batch = import_file(producer_user, csv_bytes(mixed_rows()))

    assert batch.rows_created == 2 and batch.rows_failed == 6
    assert logged() == REFUSED
    for row in CodeRejection.objects.all():
        assert (row.enterprise, row.channel, row.import_batch) == (producer, Channel.IMPORT, batch)
    assert CodeRejection.objects.get(code=UNKNOWN).message == "厂商代码 ZZ9 未在平台备案。"


@pytest.mark.django_db
def test_an_all_or_nothing_import_registers_nothing_but_logs_the_refused_codes(
    producer_user, other_producer
):
    batch = import_file(producer_user, csv_bytes(mixed_rows()), mode="all_or_nothing")

    assert batch.status == ImportBatch.Status.REJECTED and Battery.objects.count() == 0
    assert logged() == REFUSED


@pytest.mark.django_db
def test_importing_the_same_refused_codes_again_counts_up_and_names_the_latest_batch(
    producer_user, other_producer
):
    content = csv_bytes(mixed_rows())
    import_file(producer_user, content)

    again = import_file(producer_user, content)

    assert logged() == {key: 2 for key in REFUSED}
    assert set(CodeRejection.objects.values_list("import_batch", flat=True)) == {again.pk}


@pytest.mark.django_db
def test_reimporting_own_codes_logs_nothing_but_another_producers_code_is_logged(
    producer_user, other_user
):
    content = csv_bytes([[code(serial=n), "", "", ""] for n in range(1, 6)])
    import_file(producer_user, content)
    again = import_file(producer_user, content)
    assert (again.rows_duplicate, again.rows_failed) == (5, 0)
    assert not CodeRejection.objects.exists()

    theirs = code(mfr="K07", serial=1)
    import_file(other_user, csv_bytes([[theirs, "", "", ""]]))
    import_file(producer_user, csv_bytes([[theirs, "", "", ""]]))
    assert logged() == {(theirs, "code.duplicate"): 1}


@pytest.mark.django_db
def test_each_chunk_logs_its_refused_codes_in_one_statement(producer_user, monkeypatch):
    from batteries.imports import packs

    monkeypatch.setattr(packs, "CHUNK_SIZE", 2)
    rows = [[f"T01XB01A1B2C3DG4F000000{n}", "", "", ""] for n in range(1, 7)]

    with CaptureQueriesContext(connection) as queries:
        batch = import_file(producer_user, csv_bytes(rows))

    inserts = [q for q in queries if "INSERT INTO batteries_coderejection" in q["sql"]]
    assert batch.rows_failed == 6 and len(logged()) == 6
    assert len(inserts) == 3


@pytest.mark.django_db
def test_an_import_run_in_english_still_logs_the_message_in_chinese(producer_user):
    with translation.override("en"):
        batch = import_file(producer_user, csv_bytes([[code(mfr="ZZ9", serial=1), "", "", ""]]))

    english = "Manufacturer code ZZ9 is not registered on the platform."
    assert batch.error_sample[0]["message"] == english  # the report: the reader's language
    assert CodeRejection.objects.get().message == "厂商代码 ZZ9 未在平台备案。"


@pytest.mark.django_db(transaction=True)
def test_a_code_lost_to_a_race_is_logged_although_the_whole_file_is_rolled_back(
    producer, producer_user, other_producer, monkeypatch
):
    from batteries.imports.packs import PackImport

    mine, theirs = code(serial=1), code(mfr="K07", serial=1)
    original_init, original_validated = PackImport.__init__, PackImport._validated

    def init_with_k07(self, *args, **kwargs):  # as if K07 had been reassigned to us meanwhile
        original_init(self, *args, **kwargs)
        self.own_prefixes.add("K07")

    def validated_then_taken(self, open_rows):  # the other producer commits between the passes
        valid = original_validated(self, open_rows)
        packs_register(items=[PackInput(code=theirs)], reporter=other_producer, channel="api")
        return valid

    monkeypatch.setattr(PackImport, "__init__", init_with_k07)
    monkeypatch.setattr(PackImport, "_validated", validated_then_taken)
    content = csv_bytes([[mine, "", "", ""], [theirs, "", "", ""]])

    batch = import_file(producer_user, content, mode="all_or_nothing")

    assert batch.status == ImportBatch.Status.REJECTED and batch.rows_failed == 1
    assert not Battery.objects.filter(code=mine).exists()  # the file was rolled back
    row = CodeRejection.objects.get()  # but the refusal found while writing was kept
    assert (row.enterprise, row.code, row.error_code) == (producer, theirs, "code.duplicate")
    assert (row.channel, row.import_batch) == (Channel.IMPORT, batch)
