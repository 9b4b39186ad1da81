"""Browser journey: an official asks for a large pack export, watches it finish, downloads it."""

import io

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.urls import reverse
from openpyxl import load_workbook

from config.celery import app
from stats.exports import services
from tests.factories import PASSWORD
from tests.stats.exports.conftest import FUJIAN_CODE_1, FUJIAN_CODE_2
from tests.twofactor import pass_second_factor


def _close_worker_connections(**kwargs) -> None:
    connections.close_all()


def _log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    pass_second_factor(page, username)
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_official_queues_a_large_export_watches_the_bar_and_downloads_the_workbook(
    live_server, page, fujian_regulator, packs, monkeypatch
):
    monkeypatch.setattr(services, "DIRECT_LIMIT", 1)  # two packs make a "large" export
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", queues=["exports"]):
            _log_in(page, live_server, fujian_regulator.username)
            page.goto(live_server.url + reverse("stats_exports:index"))
            page.select_option("#export-table", "packs")
            page.click("#export-form button[type=submit]")
            page.click("text=开始生成")
            page.wait_for_selector("#export-progress[data-percent='100']", timeout=30_000)
            with page.expect_download() as download_info:
                page.click("#export-download")
            data = download_info.value.path().read_bytes()
    finally:
        task_postrun.disconnect(_close_worker_connections)

    assert page.locator("#export-progress progress").get_attribute("value") == "100"
    assert download_info.value.suggested_filename.startswith("电池清单-")
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "电池编码"
    assert [row[0] for row in rows[1:]] == [FUJIAN_CODE_2, FUJIAN_CODE_1]
