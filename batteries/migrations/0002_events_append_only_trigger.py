"""Make lifecycle events append-only in the database itself, not only in Python."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION batteries_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lifecycle events are append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER batteries_event_no_update_delete
    BEFORE UPDATE OR DELETE ON batteries_lifecycleevent
    FOR EACH ROW EXECUTE FUNCTION batteries_event_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS batteries_event_no_update_delete ON batteries_lifecycleevent;
DROP FUNCTION IF EXISTS batteries_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("batteries", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
