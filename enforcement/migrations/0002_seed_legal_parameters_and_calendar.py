"""Seed both regimes of deadlines, the demo penalty schedule and the calendar table."""

from django.db import migrations


def seed(apps, schema_editor):
    from enforcement.seed import legal_parameters_seed

    legal_parameters_seed(apps.get_model("enforcement", "DeadlineRule"),
                          apps.get_model("enforcement", "PenaltyRule"))
    from enforcement.services.calendar import calendar_table_rebuild

    calendar_table_rebuild()


class Migration(migrations.Migration):

    dependencies = [("enforcement", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
