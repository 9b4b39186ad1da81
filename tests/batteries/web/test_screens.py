"""Screen tests at 1366 × 900 in both languages: the pages people use most, as they see them.

Each page is checked for a menu on one row (none of its entries wrapped or hidden), for
stored codes shown instead of labels, and for text that is not in the page's language.
Screenshots land in test-results/screens/ for a person to look at.
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from batteries.imports.services import import_batch_create, import_batch_run
from enterprises.services.users import user_create
from tests.batteries.builders import code_for, pack_create
from tests.batteries.web.conftest import VIN, drive
from tests.factories import PASSWORD
from tests.page_language import english_in_chinese, raw_values, untranslated_in_english

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[3] / "test-results" / "screens"
VIEWPORT = {"width": 1366, "height": 900}
LANGUAGES = ["zh-hans", "en"]

PORTAL_LAYOUT = """() => {
  const nav = document.querySelector('nav.mainnav');
  const links = nav ? [...nav.querySelectorAll('a')] : [];
  return {
    entries: links.length,
    rows: new Set(links.map(a => Math.round(a.getBoundingClientRect().top))).size,
    hidden: nav ? nav.scrollWidth > nav.clientWidth + 1 : false,
    barHeight: document.querySelector('.topbar-row').getBoundingClientRect().height,
    wideContent: document.documentElement.scrollWidth > window.innerWidth + 1
      || [...document.querySelectorAll('table.data')].some(
        t => t.getBoundingClientRect().right > window.innerWidth),
    text: document.body.innerText,
  };
}"""
ADMIN_LAYOUT = """() => {
  const results = document.querySelector('#changelist .results');
  const states = [...document.querySelectorAll('#changelist td.field-state')];
  return {
    headerHeight: document.querySelector('#header').getBoundingClientRect().height,
    hidden: results.scrollWidth > results.clientWidth + 1,
    narrowest: Math.min(...states.map(td => td.getBoundingClientRect().width)),
    text: document.body.innerText,
  };
}"""


@pytest.fixture
def world(parties):
    """People with names, a sold pack in a vehicle, a finished import with one bad row."""
    producer_user = user_create(
        username="chen-jing",
        password=PASSWORD,
        kind="enterprise_operator",
        full_name="陈静",
        email="chen@example.cn",
        enterprise=parties.producer,
    )
    national = user_create(
        username="li-ming", password=PASSWORD, kind="national", full_name="李明", email="li@e.cn"
    )
    pack = drive(pack_create(parties.producer), "sell", parties)

    content = "\ufeff电池编码,上级编码,质量(kg),额定能量(Wh)\n{},,450,60000\n{},,-5,\n".format(
        code_for("T01"), code_for("T01")
    ).encode("utf-8")
    batch = import_batch_create(
        user=producer_user,
        kind="packs",
        mode="commit_valid",
        upload=SimpleUploadedFile("电池包.csv", content),
    )
    import_batch_run(batch_id=batch.pk)
    data = [
        parties.producer.name,
        parties.maker.name,
        parties.dismantler.name,
        parties.utilizer.name,
        parties.repair.name,
        "陈静",
        "李明",
        "电池包.csv",
        "质量(kg)",  # a column as the file names it: the file's own header, data
        "简体中文",
    ]
    return {
        "producer": producer_user,
        "national": national,
        "pack": pack,
        "batch": batch,
        "data": data,
    }


def _open(page, live_server, user, url: str, language: str) -> None:
    client = Client()
    client.force_login(user)
    cookies = [
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
        {"name": "django_language", "value": language, "url": live_server.url},
    ]
    page.context.add_cookies(cookies)
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{live_server.url}{url}")
    page.wait_for_load_state("networkidle")


def _shoot(page, name: str, language: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-{language}.png"), full_page=False)


def _check_language(text: str, language: str, data: list[str]) -> None:
    if language == "en":
        assert untranslated_in_english(text, data) == []
    else:
        assert english_in_chinese(text.replace("English", "")) == []


PAGES = {
    "home": ("producer", lambda w: reverse("home")),
    "pack-list": ("producer", lambda w: reverse("batteries:pack_list")),
    "pack": ("producer", lambda w: w["pack"].get_absolute_url()),
    "vehicle": ("national", lambda w: reverse("batteries:vehicle_detail", args=[VIN])),
    "import-result": (
        "producer",
        lambda w: reverse("batteries:import_detail", kwargs={"pk": w["batch"].pk}),
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_portal_pages_fit_1366_px_in_their_language(live_server, page, world, name, language):
    who, url = PAGES[name]
    _open(page, live_server, world[who], url(world), language)
    _shoot(page, name, language)
    layout = page.evaluate(PORTAL_LAYOUT)

    assert layout["entries"] >= 2 and layout["rows"] == 1, "the menu wrapped"
    assert not layout["hidden"], "menu entries are cut off at 1366 px"
    assert layout["barHeight"] < 60, "the top bar wrapped"
    assert not layout["wideContent"], "the page scrolls sideways at 1366 px"
    assert raw_values(layout["text"]) == []
    _check_language(layout["text"], language, world["data"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_back_office_battery_list_fits_1366_px_in_its_language(
    live_server, page, world, language
):
    _open(page, live_server, world["national"], "/admin/batteries/battery/", language)
    _shoot(page, "admin-battery-list", language)
    layout = page.evaluate(ADMIN_LAYOUT)

    assert layout["headerHeight"] < 70, "the back office header wrapped"
    assert not layout["hidden"], "the change list is cut off at 1366 px"
    assert layout["narrowest"] >= 48, "a status is squeezed to a character per line"
    assert raw_values(layout["text"]) == []
    _check_language(layout["text"], language, world["data"])


def test_the_pack_list_keeps_its_chinese_filter_labels_after_the_api_docs_page(
    live_server, page, world
):
    _open(page, live_server, world["producer"], reverse("api_docs"), "zh-hans")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)  # the schema was built
    page.goto(f"{live_server.url}{reverse('batteries:pack_list')}")
    state = page.locator("select[name=state] option").first
    chemistry = page.locator("select[name=chemistry] option").first
    assert state.inner_text() == "全部状态" and chemistry.inner_text() == "全部类型"
    assert "---------" not in page.content()
