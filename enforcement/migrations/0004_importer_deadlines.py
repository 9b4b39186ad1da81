"""Importers carry producers' reporting duties: seed their deadline rows where none exist.

Rows a regulator has already written for a kind, role and anchor are left alone.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from enforcement.seed import deadline_rows_missing

    model = apps.get_model("enforcement", "DeadlineRule")
    model.objects.bulk_create(model(**row) for row in deadline_rows_missing(model))


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0003_finding_pages_by_case")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
