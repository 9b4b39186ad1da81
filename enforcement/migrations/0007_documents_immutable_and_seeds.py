"""Documents are immutable in the database itself; seed the authorities and the periods."""

from django.db import migrations

IMMUTABLE = """
CREATE OR REPLACE FUNCTION enforcement_document_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'document % is immutable: it cannot be deleted', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF (NEW.case_id, NEW.kind, NEW.authority_id, NEW.year, NEW.sequence, NEW.number,
        NEW.enterprise_id, NEW.addressee_name, NEW.addressee_uscc, NEW.content,
        NEW.amount_fen, NEW.due_on, NEW.token, NEW.verify_url, NEW.issued_by_id,
        NEW.issued_at, NEW.replaces_id)
       IS DISTINCT FROM
       (OLD.case_id, OLD.kind, OLD.authority_id, OLD.year, OLD.sequence, OLD.number,
        OLD.enterprise_id, OLD.addressee_name, OLD.addressee_uscc, OLD.content,
        OLD.amount_fen, OLD.due_on, OLD.token, OLD.verify_url, OLD.issued_by_id,
        OLD.issued_at, OLD.replaces_id) THEN
        RAISE EXCEPTION 'document % is immutable: what it says cannot change', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.sha256 <> '' AND (NEW.sha256, NEW.pdf, NEW.pdf_bytes, NEW.pages, NEW.rendered_at)
       IS DISTINCT FROM (OLD.sha256, OLD.pdf, OLD.pdf_bytes, OLD.pages, OLD.rendered_at) THEN
        RAISE EXCEPTION 'document % is immutable: its stored PDF cannot be replaced', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.revoked_at IS NOT NULL
       AND (NEW.revoked_at, NEW.revoked_by_id, NEW.revoke_reason)
           IS DISTINCT FROM (OLD.revoked_at, OLD.revoked_by_id, OLD.revoke_reason) THEN
        RAISE EXCEPTION 'document % is revoked already', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER enforcement_document_immutable
    BEFORE UPDATE OR DELETE ON enforcement_document
    FOR EACH ROW EXECUTE FUNCTION enforcement_document_immutable();
"""

MUTABLE = """
DROP TRIGGER IF EXISTS enforcement_document_immutable ON enforcement_document;
DROP FUNCTION IF EXISTS enforcement_document_immutable();
"""


def seed(apps, schema_editor):
    from enforcement.documents.authorities import authorities_seed
    from enforcement.sanctions.seed import procedure_seed

    authorities_seed(apps.get_model("enforcement", "Authority"))
    procedure_seed(apps.get_model("enforcement", "ProcedureRule"))


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0006_ladder_documents_inbox")]

    operations = [
        migrations.RunSQL(IMMUTABLE, MUTABLE),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
