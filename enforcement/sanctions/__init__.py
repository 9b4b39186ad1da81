"""The sanction ladder on a case: correction order → response → re-check → warning →
notice of the intended fine → defence and hearing → fine decision → payment → closed."""
