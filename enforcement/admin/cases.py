"""Back-office views of cases, findings and scan runs."""
