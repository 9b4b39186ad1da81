"""What the scans and the ladder need before they run on a fresh (or flushed) database."""

from enforcement.documents.authorities import authorities_seed
from enforcement.sanctions.seed import procedure_seed
from enforcement.seed import legal_parameters_seed
from enforcement.services.calendar import calendar_table_ensure


def enforcement_data_ensure() -> None:
    """Build the calendar table and seed the legal parameters, the procedural periods and
    the issuing authorities where their tables lack them."""
    from enforcement.models import Authority, DeadlineRule, PenaltyRule, ProcedureRule

    calendar_table_ensure()
    legal_parameters_seed(DeadlineRule, PenaltyRule)
    procedure_seed(ProcedureRule)
    authorities_seed(Authority)
