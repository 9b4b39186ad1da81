"""In a real browser: an official filters the dashboard to one province, clicks a bar, reaches
the packs behind it and downloads the table as XLSX; the pages fit 1366 × 900 in both languages."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enforcement.models import Case
from stats.refresh import full_rebuild
from tests.batteries.builders import pack_create, producer_create, record
from tests.batteries.web.test_screens import PORTAL_LAYOUT, _check_language, _open, _shoot
from tests.factories import user_of
from tests.page_language import raw_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The middle of the bar (series, category) in page pixels, from ECharts' own layout; falls
# back to convertToPixel (the bar's top at the category's centre) if the layout is not there.
BAR_PIXEL = """([selector, series, index]) => {
  const el = document.querySelector(selector);
  const chart = echarts.getInstanceByDom(el);
  const box = el.getBoundingClientRect();
  const data = chart.getModel().getSeriesByIndex(series).getData();
  const bar = data.getItemLayout(index);
  if (bar && bar.width) {
    return [box.left + bar.x + bar.width / 2, box.top + bar.y + bar.height / 2];
  }
  const [x, y] = chart.convertToPixel({seriesIndex: series}, [index, data.get('value', index)]);
  return [box.left + x, box.top + y + 3];
}"""


@pytest.fixture
def registry(db):
    """Two packs produced in Fujian, one in Jiangsu, this month; a case opened in Jiangsu; the
    rollups rebuilt."""
    fujian = producer_create(name="闽电池有限公司", division="350902", mfr="F01")
    jiangsu = producer_create(name="苏电池有限公司", division="320506", mfr="J01")
    case = Case.objects.create(
        enterprise=jiangsu, rule="late_reporting", status="detected", province="32"
    )
    packs = {"fujian": [], "jiangsu": []}
    for who, mfr, n in ((fujian, "F01", 2), (jiangsu, "J01", 1)):
        for _ in range(n):
            pack = pack_create(who, mfr)
            assert record(pack, "produce", who).ok
            packs["fujian" if who == fujian else "jiangsu"].append(pack.code)
    full_rebuild()
    return {
        "packs": packs,
        "case": case,
        "national": user_of("national", username="li-ming"),
        "jiangsu": user_of("provincial", province="32", username="wang-fang"),
        "data": ["闽电池有限公司", "苏电池有限公司", "简体中文"],
    }


def test_an_official_filters_clicks_a_bar_reaches_the_packs_and_downloads_the_xlsx(
    live_server, page, registry
):
    _open(page, live_server, registry["national"], reverse("stats:dashboard"), "zh-hans")
    page.get_by_label("省份", exact=True).select_option("35")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_selector("#provinces .chart[data-drawn]")

    x, y = page.evaluate(BAR_PIXEL, ["#provinces .chart", 0, 0])
    page.mouse.click(x, y)
    page.wait_for_url("**/batteries/packs/?**")

    assert "flow=produced" in page.url and "province=35" in page.url
    listed = set(page.locator("table.data tbody td.mono a").all_inner_texts())
    assert listed == set(registry["packs"]["fujian"])
    assert page.get_by_text("统计口径筛选：生产").is_visible()

    page.go_back()
    page.wait_for_selector("#provinces .chart[data-drawn]")
    with page.expect_download() as info:
        page.locator("#provinces a[data-export=xlsx]").click()
    sheet = load_workbook(BytesIO(info.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:3]) == ["省份代码", "省份", "电池包（包）"]
    assert [r[:3] for r in rows[1:]] == [("35", "福建省", 2)]  # Jiangsu filtered out


def test_a_provincial_official_clicks_a_cases_bar_and_reaches_the_desk(live_server, page, registry):
    _open(page, live_server, registry["jiangsu"], reverse("stats:dashboard"), "zh-hans")
    page.wait_for_selector("#cases .chart[data-drawn]")

    page.locator("#cases .chart").scroll_into_view_if_needed()  # below the fold at 1366 × 900
    x, y = page.evaluate(BAR_PIXEL, ["#cases .chart", 0, 0])
    page.mouse.click(x, y)
    page.wait_for_url("**/enforcement/cases/?**")

    assert "rule=late_reporting" in page.url and "status=detected" in page.url
    assert "province=32" in page.url
    assert page.get_by_text(registry["case"].number).is_visible()


SCREENS = {
    "dashboard": ("national", lambda: reverse("stats:dashboard")),
    "dashboard-province": ("jiangsu", lambda: reverse("stats:dashboard")),
    "home-regulator": ("national", lambda: reverse("home")),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", list(SCREENS))
def test_the_statistics_screens_fit_1366_px_in_their_language(
    live_server, page, registry, name, language
):
    who, url = SCREENS[name]
    _open(page, live_server, registry[who], url(), language)
    _shoot(page, name, language)
    layout = page.evaluate(PORTAL_LAYOUT)

    assert layout["entries"] >= 2 and layout["rows"] == 1, "the menu wrapped"
    assert not layout["hidden"], "menu entries are cut off at 1366 px"
    assert layout["barHeight"] < 60, "the top bar wrapped"
    assert not layout["wideContent"], "the page scrolls sideways at 1366 px"
    assert raw_values(layout["text"]) == []
    _check_language(layout["text"], language, registry["data"])
