"""Browser journey: a producer imports a file with bad rows; a regulator opens a new pack."""

import csv
import io

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.urls import reverse

from config.celery import app
from tests.batteries.imports.files import PACK_HEADER, code
from tests.factories import PASSWORD, user_of
from tests.twofactor import pass_second_factor

GOOD = code(serial=1)
ROWS = [[GOOD, "", "450", "60000"], ["T01PB01BAD", "", "", ""], [code(serial=2), "", "x", ""]]


def _close_worker_connections(**kwargs) -> None:
    connections.close_all()


def _csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([PACK_HEADER, *ROWS])
    return buffer.getvalue().encode("utf-8-sig")


def _log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    pass_second_factor(page, username)  # a regulator gives a code after the password
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_producer_imports_a_file_watches_it_finish_and_a_regulator_opens_a_new_pack(
    live_server, page, producer, fujian_regulator
):
    user_of("enterprise_operator", enterprise=producer, username="import-operator")
    regulator = fujian_regulator
    # The task runs in a real in-process worker on the `imports` queue (no eager mode).
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", queues=["imports"]):
            _log_in(page, live_server, "import-operator")
            page.goto(live_server.url + reverse("batteries:import_list"))
            page.check("input[name=mode][value=commit_valid]")
            page.set_input_files(
                "input[name=file]",
                files=[{"name": "电池包.csv", "mimeType": "text/csv", "buffer": _csv()}],
            )
            page.click("text=上传并导入")
            page.wait_for_selector("#import-progress[data-percent='100']", timeout=30_000)
            outcome = page.inner_text("#import-outcome")
            with page.expect_download() as download_info:
                page.click("text=下载待修改的行")
            report = download_info.value.path().read_bytes().decode("utf-8-sig")
    finally:
        task_postrun.disconnect(_close_worker_connections)

    assert "新增 1 行" in outcome and "2 行有错误" in outcome
    assert page.locator("progress").get_attribute("value") == "100"
    rows = list(csv.reader(io.StringIO(report)))
    # The rows to correct, as uploaded, with what happened and what is wrong added.
    assert rows[0] == [*PACK_HEADER, "处理结果", "错误说明"]
    assert [r[:4] for r in rows[1:]] == ROWS[1:3]
    assert {r[4] for r in rows[1:]} == {"错误，未导入"}
    assert rows[1][5].startswith("电池编码：") and rows[2][5].startswith("质量(kg)：")

    # A renamed or missing pack page fails here (NoReverseMatch); it must never be skipped.
    pack_url = reverse("batteries:pack_detail", kwargs={"code": GOOD})
    page.context.clear_cookies()
    _log_in(page, live_server, regulator.username)
    page.goto(live_server.url + pack_url)
    assert GOOD in page.content()
