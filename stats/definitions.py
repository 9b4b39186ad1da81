"""Every figure the statistics show, defined once (the glossary page prints these).

A chart, a table column, an export header and an API field name a figure by its key here.
Common rules, stated on the glossary page above the list:

- Only live events count: an event voided by a correction (更正) counts nowhere, and the
  correction itself is not a figure.
- Months are calendar months in Beijing time of when the fact occurred (the event's
  occurred-at, the finding's detection, the case's opening, the fine decision's issue),
  never of when it was reported: a late report lands in the month its event occurred.
- A fact counts once, for the enterprise it is attributed to and that enterprise's
  province (the reporter of an event, the holder of a pack, the dismantler of a scrapped
  pack, the enterprise a finding, case or fine concerns). A provincial regulator sees the
  figures of its province's enterprises, an enterprise its own.
- Only battery packs (product type P) count in pack figures, not modules or cells.
- The rollups are refreshed every few minutes and rebuilt nightly; every page shows the
  "data as of" time. Changed deadline rows, calendars, roles or outlets take effect in the
  figures at the next nightly rebuild.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Figure:
    key: str
    name: str
    definition: str
    numerator: str = ""
    denominator: str = ""
    time: str = ""
    excluded: str = ""
    unit: str = ""


_EVENT_TIME = _("事件发生时间所在月份（北京时间）；补报的事件计入其发生月份。")
_EVENT_EXCLUDED = _("被更正作废的事件；模块和单体；更正事件本身。")
_EVENT_PLACE = _("上报企业及其所在省份。")


def _flow(key: str, name, kind_label, who=_EVENT_PLACE) -> Figure:
    return Figure(
        key=key,
        name=name,
        definition=_("期间内发生的“%(kind)s”事件数（每个事件计一个电池包），归属%(who)s")
        % {"kind": kind_label, "who": who},
        time=_EVENT_TIME,
        excluded=_EVENT_EXCLUDED,
        unit=_("个"),
    )


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        _flow("produced", _("生产电池包数"), _("生产")),
        _flow("installed", _("装车电池包数"), _("装车（合格证）")),
        _flow("retired_scrapped", _("报废退役电池包数"), _("车辆报废回收")),
        _flow("retired_repair", _("维修更换退役电池包数"), _("维修更换拆卸")),
        _flow("handed_over", _("移交电池包数"), _("移交"), _("移交方企业及其所在省份。")),
        _flow(
            "received",
            _("接收入库电池包数"),
            _("接收确认（入库）"),
            _("接收企业及其所在省份。"),
        ),
        _flow("recycled", _("再生利用电池包数"), _("再生利用完成")),
        _flow("repurposed", _("梯次利用电池包数"), _("梯次利用（重新编码）")),
        Figure(
            key="retired",
            name=_("退役电池包数"),
            definition=_("报废退役电池包数与维修更换退役电池包数之和。"),
            time=_EVENT_TIME,
            excluded=_EVENT_EXCLUDED,
            unit=_("个"),
        ),
        Figure(
            key="packs",
            name=_("电池包数（按省份）"),
            definition=_("期间内在该省份生产企业上报“生产”的电池包数。"),
            time=_EVENT_TIME,
            excluded=_EVENT_EXCLUDED,
            unit=_("个"),
        ),
        Figure(
            key="packs_by_state",
            name=_("在库电池包数（按状态）"),
            definition=_("当前处于各状态的电池包数，归属当前持有企业及其所在省份。"),
            time=_("当前（不受期间筛选影响）。"),
            excluded=_("模块和单体。"),
            unit=_("个"),
        ),
        Figure(
            key="packs_by_chemistry",
            name=_("生产电池包数（按电池类型）"),
            definition=_("期间内生产的电池包按电池类型（编码第5位）分列。"),
            time=_EVENT_TIME,
            excluded=_EVENT_EXCLUDED,
            unit=_("个"),
        ),
        Figure(
            key="packs_by_producer",
            name=_("生产电池包数（按生产企业）"),
            definition=_("期间内各生产企业上报“生产”的电池包数，由多到少。"),
            time=_EVENT_TIME,
            excluded=_EVENT_EXCLUDED,
            unit=_("个"),
        ),
        Figure(
            key="recycling_rate",
            name=_("规范回收率"),
            definition=_(
                "报废退役的电池包中，在移交期限内到达合规接收方（综合利用企业，或运营中的"
                "生产企业回收服务网点的设立或运营企业）的比例。期限为“自车辆报废回收之日起"
                "移交”的期限规则（报废当日有效的规则，按拆解企业的企业类型取最宽者），"
                "按法定工作日历计算；期限当日移交计为按期。到达指：报废事件之后向合规接收方"
                "的移交事件，或合规接收方的接收确认事件，取最早者。尚未到达且期限未过的"
                "电池包为“期限未到”（pending），既不计为按期也不计为未到达，不计入分母；"
                "期限过后仍未到达的，计入未到达。"
            ),
            numerator=_("按期到达合规接收方的报废电池包数（formal_on_time）。"),
            denominator=_(
                "报废退役电池包数（retired：有有效“车辆报废回收”事件的电池包，每包一次，"
                "取最近一次报废）减去期限未到的电池包数（pending）；为0时不计算比率。"
            ),
            time=_("报废发生月份（北京时间），归属拆解企业及其所在省份。"),
            excluded=_(
                "被更正作废的报废或移交事件；移交给不合规接收方的不计为到达（计入未到达，"
                "直至到达合规接收方）；仅见于商务部门报废登记、平台无报废事件的车辆；维修"
                "更换拆卸的电池包（无移交期限规则）。"
            ),
            unit=_("比率（0–1）"),
        ),
        Figure(
            key="formal_on_time",
            name=_("按期规范移交电池包数"),
            definition=_("见“规范回收率”的分子。"),
            time=_("报废发生月份。"),
            unit=_("个"),
        ),
        Figure(
            key="late",
            name=_("逾期规范移交电池包数"),
            definition=_("报废电池包在期限之后才到达合规接收方的数量。"),
            time=_("报废发生月份。"),
            unit=_("个"),
        ),
        Figure(
            key="not_arrived",
            name=_("尚未规范移交电池包数"),
            definition=_(
                "报废电池包移交期限已过（或无移交期限规则）、至今未到达合规接收方的数量；"
                "不含期限未到者。"
            ),
            time=_("报废发生月份。"),
            unit=_("个"),
        ),
        Figure(
            key="pending",
            name=_("期限未到电池包数"),
            definition=_(
                "报废电池包尚未到达合规接收方、且移交期限（期限当日含在内）在统计日（北京"
                "时间）尚未届满的数量，不计入规范回收率的分母。期限届满仍未到达的，在下次"
                "刷新时转为“尚未规范移交”（至迟在每晚的全量重建时）。"
            ),
            time=_("报废发生月份。"),
            unit=_("个"),
        ),
        Figure(
            key="on_time_reporting_rate",
            name=_("按期上报率"),
            definition=_(
                "适用上报期限的事件中，在期限内上报的比例。期限为事件发生当日有效的上报期限"
                "规则（事件类型 × 上报企业类型，按企业类型取最宽者）；上报日期不晚于期限"
                "最后一日即为按期。"
            ),
            numerator=_("按期上报的事件数（on_time）。"),
            denominator=_("适用上报期限规则的事件数（reports）；无期限规则的事件类型不计。"),
            time=_("事件发生月份，归属上报企业。"),
            excluded=_EVENT_EXCLUDED,
            unit=_("比率（0–1）"),
        ),
        Figure(
            key="findings",
            name=_("违法线索数"),
            definition=_("扫描发现的违法线索，按规则分列：未纠正（open）、已纠正（cured）及合计。"),
            time=_("线索发现月份（北京时间），归属责任企业及其所在省份。"),
            unit=_("条"),
        ),
        Figure(
            key="open_findings",
            name=_("未纠正违法线索数"),
            definition=_("期间内发现、至今未纠正的违法线索数，按责任企业由多到少。"),
            time=_("线索发现月份。"),
            unit=_("条"),
        ),
        Figure(
            key="cases",
            name=_("案件数"),
            definition=_("案件按规则、省份和当前状态分列。"),
            time=_("案件立案线索时间所在月份，归属案件的企业和省份。"),
            unit=_("件"),
        ),
        Figure(
            key="fines_issued",
            name=_("罚款决定金额"),
            definition=_("有效（未撤销）的行政处罚决定书所定罚款金额之和；fines 为决定书件数。"),
            time=_("处罚决定书签发月份。"),
            excluded=_("已撤销的决定书；加处罚款（滞纳金）。"),
            unit=_("元"),
        ),
        Figure(
            key="fines_paid",
            name=_("已缴罚款金额"),
            definition=_("上述罚款中已缴纳的部分（缴款先抵罚款本金，超出部分为加处罚款，不计）。"),
            time=_("处罚决定书签发月份（不按缴款日期）。"),
            unit=_("元"),
        ),
        Figure(
            key="fines_outstanding",
            name=_("未缴罚款金额"),
            definition=_("罚款决定金额减已缴罚款金额。"),
            time=_("处罚决定书签发月份。"),
            unit=_("元"),
        ),
        Figure(
            key="outlet_coverage",
            name=_("回收服务网点覆盖率"),
            definition=_(
                "销售区域中有该生产企业运营中回收服务网点的比例。销售区域同网点覆盖扫描："
                "电池生产（进口）企业 × 售出其电池包的省份（按上报销售的企业所在省份），"
                "汽车生产（进口）企业 × 售出其车辆的地级市（按上报企业所在地级市），"
                "统计最近12个自然月（含当月）内有销售的区域。"
            ),
            numerator=_("有该企业运营中网点的销售区域数（areas_covered）。"),
            denominator=_("有销售的区域数（areas_with_sales），计入区域所在省份。"),
            time=_("当前（最近12个月的销售；不受期间筛选影响）。"),
            excluded=_("已关闭的网点；被更正作废的销售事件。"),
            unit=_("比率（0–1）"),
        ),
        Figure(
            key="data_as_of",
            name=_("数据截至"),
            definition=_("统计汇总最近一次刷新的时间；其后上报的数据在下次刷新（约3分钟内）计入。"),
        ),
    )
}
