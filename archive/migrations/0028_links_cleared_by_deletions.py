"""Record in the history the links that deleting an object cleared outside it.

Deleting a claim, evidence or annotation used to clear the SET_NULL links that
other tracked rows held to it (a rejection alert's claim) with a plain UPDATE:
the live row then differs from its newest history row, and verifying the
workspace reports it as changed outside the history, for good. Deletions now
clear such links through the history (archive.core.editing). Each live row
that differs from its newest history row only in such links, now empty, whose
object no longer exists gets a history row of what it is now, in the ledger,
with the reason. Any other difference is left for verification to report.
"""

from django.db import migrations, models

REASON = "recorded afterwards: deleting the {what} it pointed at had cleared the link outside the history"


def record_cleared_links(apps, schema_editor):
    from django.db.models import OuterRef, Q, Subquery
    from django.utils import timezone

    from archive.audit.ledger import Ledger, _append, _Pending

    ledger, pending, now = Ledger(apps), [], timezone.now()
    for label, history in ledger.history_models.items():
        live = apps.get_model("archive", label)
        kept = {field.attname for field in history._meta.concrete_fields}
        compared = [field for field in live._meta.concrete_fields if field.attname in kept]
        links = [
            field
            for field in compared
            if field.is_relation
            and field.remote_field.on_delete is models.SET_NULL
            and field.related_model._meta.model_name in ledger.history_models
        ]
        if not links:
            continue
        newest = history.objects.filter(id=OuterRef("pk")).order_by("-history_id")
        was = {field.attname: f"was_{field.attname}" for field in links}
        cleared = Q()
        for field in links:
            cleared |= Q(**{f"{field.attname}__isnull": True, f"{was[field.attname]}__isnull": False})
        found = live.objects.annotate(
            **{was[field.attname]: Subquery(newest.values(field.attname)[:1]) for field in links}
        ).filter(cleared)
        for row in found.order_by("pk"):
            last = history.objects.filter(id=row.pk).order_by("-history_id").first()
            differing = [f for f in compared if getattr(row, f.attname) != getattr(last, f.attname)]
            if last.history_type == "-" or not all(
                field in links
                and getattr(row, field.attname) is None
                and not field.related_model._base_manager.filter(pk=getattr(last, field.attname)).exists()
                for field in differing
            ):
                continue
            what = " and ".join(
                f"{field.related_model._meta.model_name} #{getattr(last, field.attname)}"
                for field in differing
            )
            written = history.objects.create(
                **{field.attname: getattr(row, field.attname) for field in compared},
                history_date=now,
                history_type="~",
                history_change_reason=REASON.format(what=what),
            )
            serialized = ledger.serialize(label, [written.history_id])[written.history_id]
            pending.append(_Pending(label, serialized, "changed", f"{label} #{row.pk}"))
    if pending:
        _append(ledger, pending)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0027_history_action_graded"),
    ]

    operations = [
        # Reversed, the history rows stay: they record what the rows are.
        migrations.RunPython(record_cleared_links, migrations.RunPython.noop),
    ]
