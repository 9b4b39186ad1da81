"""Back-office editing of deadlines, the penalty schedule and the working-day calendar."""
