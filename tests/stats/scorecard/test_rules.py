"""The inspection priority score: literal points and reasons for written-out figures.

Weights (stats/scorecard/rules.py, decision 0013 "Scorecards"): on-time rate below 90 % with
at least 5 reports +30; 5 per open finding (at most 40); 1 per past finding (at most 10);
5 per unresolved dispute (at most 20); an overdue unpaid fine +25; stock above the annual
capacity +20; a mass balance that disagrees with the registry +20.
"""

from stats.scorecard.rules import (
    Facts,
    Reason,
    capacity_excess_percent,
    on_time_percent,
    priority_score,
    ranked,
)


def test_a_clean_enterprise_scores_nothing():
    score = priority_score(Facts(reports=40, on_time=40))
    assert (score.total, score.reasons) == (0, ())


def test_every_reason_adds_its_points_and_says_why():
    facts = Facts(
        reports=50,
        on_time=31,  # 62 %
        open_findings=3,
        past_findings=2,
        unresolved_disputes=1,
        overdue_unpaid_fen=5_000_000,  # 50,000 yuan
        stock_kg=1_120_000,  # 1,120 t against 1,000 t a year: 12 % over
        capacity_tonnes=1000,
        balance_difference=-1,
    )
    score = priority_score(facts)
    assert score.total == 30 + 15 + 2 + 5 + 25 + 20 + 20 == 117
    assert score.reasons == (
        Reason("on_time_rate", 30, {"rate": 62.0, "target": 90, "reports": 50}),
        Reason("overdue_fine", 25, {"yuan": 50000.0}),
        Reason("over_capacity", 20, {"percent": 12.0, "capacity_tonnes": 1000}),
        Reason("balance_mismatch", 20, {"difference": -1}),
        Reason("open_findings", 15, {"count": 3}),
        Reason("disputes", 5, {"count": 1}),
        Reason("past_findings", 2, {"count": 2}),
    )


def test_the_rate_counts_only_below_ninety_percent_and_with_five_reports():
    assert priority_score(Facts(reports=10, on_time=9)).total == 0  # exactly 90 %
    assert priority_score(Facts(reports=10, on_time=8)).total == 30  # 80 %
    assert priority_score(Facts(reports=4, on_time=0)).total == 0  # too few to judge
    assert priority_score(Facts(reports=0, on_time=0)).total == 0


def test_counted_reasons_are_capped():
    facts = Facts(open_findings=20, past_findings=30, unresolved_disputes=9)
    assert priority_score(facts).total == 40 + 10 + 20


def test_stock_within_capacity_or_unknown_capacity_adds_nothing():
    assert capacity_excess_percent(1_000_000, 1000) is None  # exactly the capacity
    assert capacity_excess_percent(900_000, None) is None
    assert capacity_excess_percent(None, 1000) is None
    assert priority_score(Facts(stock_kg=2_000_000, capacity_tonnes=0)).total == 0


def test_a_province_ranks_by_score_then_open_findings_then_id():
    rows = [(7, 30, 0), (3, 45, 1), (5, 30, 2), (4, 30, 2), (9, 0, 0)]
    assert ranked(rows) == {3: 1, 4: 2, 5: 3, 7: 4, 9: 5}


def test_the_edges_count_from_the_first_unit():
    # Exactly five reports are enough to judge: 3 of 5 on time is 60 %.
    assert priority_score(Facts(reports=5, on_time=3)).reasons == (
        Reason("on_time_rate", 30, {"rate": 60.0, "target": 90, "reports": 5}),
    )
    # One open finding, one past finding, one fen overdue: each already counts.
    assert priority_score(Facts(open_findings=1)).total == 5
    assert priority_score(Facts(past_findings=1)).total == 1
    assert priority_score(Facts(overdue_unpaid_fen=1)).reasons == (
        Reason("overdue_fine", 25, {"yuan": 0.01}),
    )


def test_rates_are_written_to_one_decimal():
    assert on_time_percent(1, 1) == 100.0  # a single report is a rate (100 %), not "none"
    assert on_time_percent(0, 0) is None
    assert on_time_percent(3, 2) == 66.7  # 66.666… → 66.7, not 66.67
    assert on_time_percent(7, 1) == 14.3
    assert capacity_excess_percent(1_123_456, 1000) == 12.3  # 12.3456 % → 12.3
    assert capacity_excess_percent(1_000_600, 1000) == 0.1  # 0.06 % → 0.1, not 0 or 0.06


def test_the_ranking_puts_the_highest_score_first_whatever_the_ids():
    # Sorted by id the order would be 1, 2, 3; by (id, score) as well: the rule says score.
    assert ranked([(1, 5, 0), (2, 30, 0), (3, 15, 0)]) == {2: 1, 3: 2, 1: 3}
    # At equal score, more open findings first, even with a higher id.
    assert ranked([(1, 10, 1), (2, 10, 2)]) == {2: 1, 1: 2}
