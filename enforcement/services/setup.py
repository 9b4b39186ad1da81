"""What the scans need before they run on a fresh (or flushed) database."""

from enforcement.seed import legal_parameters_seed
from enforcement.services.calendar import calendar_table_ensure


def enforcement_data_ensure() -> None:
    """Build the calendar table and seed the legal parameters if their tables are empty."""
    from enforcement.models import DeadlineRule, PenaltyRule

    calendar_table_ensure()
    legal_parameters_seed(DeadlineRule, PenaltyRule)
