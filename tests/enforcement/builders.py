"""Builders for the review-desk tests: the scans' scenario parties plus officials and users.

Packs and events come from tests.enforcement.scenario (real events recorded with past
occurred/reported times); findings come from a real `scan_run`, or, for rules that are
hard to reach through events, from Finding rows inserted through the ORM and filed into
cases by `cases_group`.
"""

import datetime as dt
import html
import itertools
import re
from types import SimpleNamespace

from django.urls import reverse

from batteries.models import Battery
from enforcement.models import Case, Finding
from enforcement.scans import scan_run
from enforcement.services.cases import cases_group
from tests.enforcement import scenario
from tests.enforcement.scenario import at, record, sold_pack
from tests.factories import enterprise_create, user_of

HEADLINE = "scrapped_pack_not_handed_over"
_key = itertools.count(1)


def desk_create() -> SimpleNamespace:
    """The scenario's parties (dismantler in Jiangsu "32"), a second dismantler in Zhejiang
    ("33"), officials (two of MIIT, Jiangsu, Zhejiang) and a user of each dismantler."""
    p = scenario.parties()
    zhejiang_dismantler = enterprise_create(
        name="浙拆解公司", division="330106", roles=["dismantler"]
    )
    return SimpleNamespace(
        p=p,
        dismantler=p.dismantler,
        zhejiang_dismantler=zhejiang_dismantler,
        national=user_of("national", username="miit-desk"),
        national_2=user_of("national", username="miit-colleague"),
        jiangsu=user_of("provincial", province="32", username="jiangsu-desk"),
        jiangsu_2=user_of("provincial", province="32", username="jiangsu-colleague"),
        zhejiang=user_of("provincial", province="33", username="zhejiang-desk"),
        dismantler_user=user_of(
            "enterprise_operator", enterprise=p.dismantler, username="su-dismantler"
        ),
        zhejiang_user=user_of(
            "enterprise_admin", enterprise=zhejiang_dismantler, username="zhe-dismantler"
        ),
    )


def scrapped_at(desk, *, scrapped: str, dismantler=None) -> Battery:
    """Return a sold pack whose vehicle `dismantler` (default: Jiangsu's) scrapped that day,
    never handed over since."""
    dismantler = dismantler or desk.dismantler
    battery = sold_pack(desk.p)
    record(
        battery,
        "scrap_vehicle",
        dismantler,
        at(scrapped),
        vin=battery.vehicle.vin,
        document_ref=f"BF{battery.pk:08d}",
    )
    return battery


def headline_scan(as_of: str) -> None:
    """Run the headline rule as of a day; its findings are filed into cases."""
    scan_run(as_of=dt.date.fromisoformat(as_of), rules=[HEADLINE], started_by="test")


def finding_insert(enterprise, rule: str, *, subject: str, battery=None, **fields) -> Finding:
    """Insert one finding row, for rules that are hard to reach through events."""
    defaults = {"detected_as_of": dt.date(2026, 11, 30), "details": {}}
    return Finding.objects.create(
        enterprise=enterprise,
        rule=rule,
        key=f"desk-test:{next(_key)}",
        subject=subject,
        battery=battery,
        **(defaults | fields),
    )


def case_of(enterprise, rule: str, *, subject: str = "320500", **fields) -> Case:
    """Return the open case of the enterprise under the rule, holding one inserted finding."""
    finding = finding_insert(enterprise, rule, subject=subject, **fields)
    cases_group(rules=[rule])
    finding.refresh_from_db()
    return finding.case


def page_text(response) -> str:
    """Return the visible text of a page's <main>, tags removed and whitespace collapsed."""
    body = response.content.decode()
    main = body[body.find("<main") : body.find("</main>")] if "<main" in body else body
    text = re.sub(r"<[^>]+>", " ", main)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def act(client, case: Case, action: str, **fields):
    """Post one review action from the case page."""
    return client.post(
        reverse("enforcement:case_act", kwargs={"pk": case.pk}), {"action": action, **fields}
    )
