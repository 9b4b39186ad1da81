"""The violation scans: set-based queries over the registry, findings, case grouping."""

import datetime as dt
from collections.abc import Iterable

from enforcement.scans.runner import RuleOutcome, rule_run, scan_params
from enforcement.scans.specs import SPECS


def scan_run(
    *,
    as_of: dt.date,
    rules: Iterable[str] | None = None,
    dry_run: bool = False,
    started_by: str,
    user=None,
    collect: bool = False,
) -> list[RuleOutcome]:
    """Run the rules (all by default) as of a day, then group new findings into cases.

    Safe to run twice, and concurrently: findings are unique per violation key and a
    second run of a rule waits for the first, then finds everything already known.
    """
    from enforcement.services.cases import cases_group
    from enforcement.services.setup import enforcement_data_ensure

    enforcement_data_ensure()
    keys = list(rules) if rules else list(SPECS)
    unknown = [key for key in keys if key not in SPECS]
    if unknown:
        raise ValueError(f"unknown rule(s): {', '.join(unknown)}")
    params = scan_params(as_of)
    outcomes = [
        rule_run(
            SPECS[key],
            as_of=as_of,
            dry_run=dry_run,
            started_by=started_by,
            user=user,
            collect=collect,
            params=params,
        )
        for key in keys
    ]
    if not dry_run:
        cases_group(rules=keys)
    return outcomes
