"""Rollup cells name their enterprise without a constraint (bulk refreshes write millions of
cells; decision 0013): as for the registry (decision 0007), a BEFORE DELETE trigger on the
enterprise table refuses to delete an enterprise that rollup cells still name.

A trigger of its own (``…_stats_delete_guard``) beside the registry's, so neither migration
has to know the other's list.
"""

from django.db import migrations

TABLES = [
    "stats_flowcell",
    "stats_stockcell",
    "stats_retirement",
    "stats_recyclingcell",
    "stats_salescell",
    "stats_coveragecell",
    "stats_findingcell",
    "stats_casecell",
    "stats_finecell",
]
ARGUMENTS = ", ".join(f"'{table}', 'enterprise_id'" for table in TABLES)
FORWARD = (
    "CREATE TRIGGER enterprises_enterprise_stats_delete_guard BEFORE DELETE "
    "ON enterprises_enterprise FOR EACH ROW "
    f"EXECUTE FUNCTION batteries_refuse_referenced_delete({ARGUMENTS});"
)
BACKWARD = (
    "DROP TRIGGER IF EXISTS enterprises_enterprise_stats_delete_guard ON enterprises_enterprise;"
)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_initial"),
        ("batteries", "0010_registry_keys_checked_on_delete"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
