"""The priority list and a utilizer's card at 1366 × 900, in Chinese: menu on one row, no
sideways scrolling, no stored codes instead of labels. Screenshots in test-results/screens/."""

import pytest
from django.urls import reverse

from stats.scorecard.services import snapshot_build
from tests.batteries.web.test_screens import PORTAL_LAYOUT, _open, _shoot
from tests.enforcement.builders import finding_insert
from tests.factories import user_of
from tests.page_language import english_in_chinese, raw_values
from tests.stats.scorecard.builders import OCTOBER, mass_balance_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("screen", ["priority-list", "card"])
def test_scorecard_pages_fit_1366_px(live_server, page, screen):
    p, u = mass_balance_world()
    for i in range(3):
        finding_insert(u, "late_reporting", subject=f"U{i}", detected_as_of=OCTOBER)
    snapshot_build(month=OCTOBER)
    if screen == "card":
        url = reverse("stats_scorecard:card", args=[u.pk]) + "?month=2026-10"
    else:
        url = reverse("stats_scorecard:priority_list") + "?province=43&month=2026-10"
    _open(page, live_server, user_of("national"), url, "zh-hans")
    _shoot(page, f"scorecard-{screen}", "zh-hans")
    layout = page.evaluate(PORTAL_LAYOUT)
    assert layout["rows"] == 1, "the menu wrapped"
    assert not layout["hidden"], "menu entries are cut off at 1366 px"
    assert not layout["wideContent"], "the page scrolls sideways at 1366 px"
    assert raw_values(layout["text"]) == []
    assert english_in_chinese(layout["text"].replace("English", "")) == []
    assert "湘综合利用维修公司" in layout["text"]
