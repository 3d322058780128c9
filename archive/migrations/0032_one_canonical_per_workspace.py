"""A W3C canonical IRI names one annotation, or one piece of evidence, per workspace.

The constraints close the race of two writes at once that the domain's check
(archive.claims.editing.refuse_taken_canonical) cannot see. Items that already
share a canonical IRI would stop them being made: the oldest (lowest id) keeps it,
and each later one has its canonical cleared, in its history and the ledger with
the reason, which names the one that kept it. Nothing else changes; the cleared
IRI stays in the item's earlier history rows, and a W3C client may give it a
canonical of its own again.
"""

from django.db import migrations, models

REASON = (
    "canonical IRI {iri} cleared on upgrade: {label} #{kept} of this workspace has had it "
    "since before, and a canonical IRI names one {label}"
)


def clear_repeated_canonicals(apps, schema_editor):
    from django.db.models import Count
    from django.utils import timezone

    from archive.audit.ledger import Ledger, _append, _Pending

    ledger, pending, now = Ledger(apps), [], timezone.now()
    for label in ("annotation", "evidence"):
        live = apps.get_model("archive", label)
        history = ledger.history_models[label]
        kept = {field.attname for field in history._meta.concrete_fields}
        copied = [field.attname for field in live._meta.concrete_fields if field.attname in kept]
        m2m = [
            (field, apps.get_model("archive", f"Historical{live._meta.object_name}_{field.name}"))
            for field in live._meta.many_to_many
        ]
        repeated = (
            live.objects.exclude(canonical="")
            .values("workspace_id", "canonical")
            .annotate(count=Count("id"))
            .filter(count__gt=1)
            .order_by("workspace_id", "canonical")
        )
        for group in list(repeated):
            first, *later = live.objects.filter(
                workspace_id=group["workspace_id"], canonical=group["canonical"]
            ).order_by("pk")
            for item in later:
                item.canonical, item.version = "", item.version + 1
                item.save()  # updated_at too, as an edit's
                row = history.objects.create(
                    **{name: getattr(item, name) for name in copied},
                    history_date=now,
                    history_type="~",
                    history_change_reason=REASON.format(iri=group["canonical"], label=label, kept=first.pk),
                )
                for field, m2m_history in m2m:  # an annotation's passages, as its other rows have them
                    through = field.remote_field.through
                    columns = [column.attname for column in through._meta.concrete_fields]
                    m2m_history.objects.bulk_create(
                        m2m_history(history=row, **{column: getattr(link, column) for column in columns})
                        for link in through.objects.filter(**{field.m2m_field_name(): item}).order_by("pk")
                    )
                serialized = ledger.serialize(label, [row.history_id])[row.history_id]
                pending.append(_Pending(label, serialized, "changed", f"{label} #{item.pk}"))
    if pending:
        _append(ledger, pending)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0031_job_kind_export"),
    ]

    operations = [
        # Reversed, the canonicals stay cleared: the history says what they were.
        migrations.RunPython(clear_repeated_canonicals, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="annotation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("canonical", ""), _negated=True),
                fields=("workspace", "canonical"),
                name="annotation_unique_canonical",
                violation_error_message="An annotation with this canonical IRI is in the workspace already.",
            ),
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.UniqueConstraint(
                condition=models.Q(("canonical", ""), _negated=True),
                fields=("workspace", "canonical"),
                name="evidence_unique_canonical",
                violation_error_message="Evidence with this canonical IRI is in the workspace already.",
            ),
        ),
    ]
