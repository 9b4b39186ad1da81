"""POST data for the back-office forms of the legal parameters, from a row's values."""

from django.urls import reverse

from enforcement.models import DeadlineRule, PenaltyRule

FIELDS = {
    DeadlineRule: ["event_kind", "reporter_role", "anchor", "days", "unit"],
    PenaltyRule: ["rule", "correction_days", "fine_min_yuan", "fine_max_yuan"],
}
FLAGS = {DeadlineRule: ["unconfirmed"], PenaltyRule: ["unconfirmed", "warning_step", "demo_values"]}


def form_data(row, **changes) -> dict:
    """Return the admin form's POST data for a row's current values, with changes."""
    model = type(row)
    data = {name: getattr(row, name) for name in FIELDS[model]}
    data |= {
        "legal_document": row.legal_document,
        "legal_article": row.legal_article,
        "valid_from": row.valid_from.isoformat(),
        "valid_to": row.valid_to.isoformat() if row.valid_to else "",
        "note": row.note,
    }
    data |= {flag: "on" for flag in FLAGS[model] if getattr(row, flag)}
    data |= changes
    return {key: value for key, value in data.items() if value is not None}


def change_url(row) -> str:
    return reverse(f"admin:enforcement_{row._meta.model_name}_change", args=[row.pk])


def add_url(model) -> str:
    return reverse(f"admin:enforcement_{model._meta.model_name}_add")


def row_fields(row) -> dict:
    """Return a row's field values without its id (to build a new row like it)."""
    return {f.name: getattr(row, f.name) for f in row._meta.concrete_fields if f.name != "id"}
