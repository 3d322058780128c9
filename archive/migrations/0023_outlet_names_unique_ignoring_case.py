"""Outlet names unique per workspace ignoring capitals ("Hawran Voice", "hawran voice").

Outlets whose names already differ only in capitals would stop the new constraint
being made: the oldest keeps its name, each other is renamed with a suffix
("hawran voice (2)"), in its history and the ledger with the reason, so nothing is
merged or lost and an admin can then merge or rename them by hand.
"""

import django.db.models.functions.text
from django.db import migrations, models

import archive.models.outlet

RENAMED = "renamed: another outlet of the workspace had the same name, ignoring capitals"


def rename_case_duplicates(apps, schema_editor):
    from django.db.models import Count, Value
    from django.db.models.functions import Lower
    from django.utils import timezone

    from archive.audit.ledger import Ledger, _append, _Pending

    Outlet = apps.get_model("archive", "Outlet")
    History = apps.get_model("archive", "HistoricalOutlet")
    folded = Outlet.objects.alias(folded=Lower("name"))
    # Grouped by the database's lower(), the one the constraint's index uses.
    clashes = (
        Outlet.objects.annotate(folded=Lower("name"))
        .values("workspace_id", "folded")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
    )
    ledger, pending, now = Ledger(apps), [], timezone.now()
    max_length = Outlet._meta.get_field("name").max_length
    for clash in list(clashes):
        same = folded.filter(workspace_id=clash["workspace_id"], folded=clash["folded"]).order_by("pk")
        for outlet in list(same)[1:]:
            number = 2
            while True:
                suffix = f" ({number})"
                name = outlet.name[: max_length - len(suffix)] + suffix
                taken = folded.filter(workspace_id=outlet.workspace_id, folded=Lower(Value(name)))
                if not taken.exists():
                    break
                number += 1
            outlet.name, outlet.version = name, outlet.version + 1
            outlet.save()
            fields = {field.attname: getattr(outlet, field.attname) for field in Outlet._meta.concrete_fields}
            row = History.objects.create(
                **fields, history_date=now, history_type="~", history_change_reason=RENAMED
            )
            serialized = ledger.serialize("outlet", [row.history_id])[row.history_id]
            pending.append(_Pending("outlet", serialized, "changed", name[:200]))
    if pending:
        _append(ledger, pending)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0022_list_indexes"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="outlet",
            name="outlet_unique_name_per_workspace",
        ),
        # Reversed, the names stay as renamed: they are unique in either case.
        migrations.RunPython(rename_case_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="outlet",
            constraint=archive.models.outlet.NameUniqueIgnoringCase(
                models.F("workspace"),
                django.db.models.functions.text.Lower("name"),
                name="outlet_name_unique_ignoring_case",
            ),
        ),
    ]
