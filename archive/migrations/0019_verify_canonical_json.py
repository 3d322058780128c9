"""A PostgreSQL function writing a jsonb value in the audit ledger's canonical JSON.

The verifier builds and hashes the ledger's canonical text in the database
(archive.audit.ledger): jsonb's own text sorts keys by length and puts
spaces after separators, so JSON columns need this. It is recursive, hence
PL/pgSQL. Nothing on other databases, where the verifier hashes in Python.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION ledger_canonical_json(value jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    CASE jsonb_typeof(value)
    WHEN 'object' THEN
        RETURN '{' || coalesce((
            SELECT string_agg(to_json(key)::text || ':' || ledger_canonical_json(item), ',' ORDER BY key COLLATE "C")
            FROM jsonb_each(value) AS pairs(key, item)
        ), '') || '}';
    WHEN 'array' THEN
        RETURN '[' || coalesce((
            SELECT string_agg(ledger_canonical_json(item), ',' ORDER BY position)
            FROM jsonb_array_elements(value) WITH ORDINALITY AS items(item, position)
        ), '') || ']';
    ELSE
        RETURN value::text;
    END CASE;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS ledger_canonical_json(jsonb)"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("archive", "0018_confirm_anchor_status")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
