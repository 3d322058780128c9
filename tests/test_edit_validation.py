"""archive.core.editing: an edit is validated as full_clean() would, without the
database lookups that cannot fail for the fields it left alone, on a locked row."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from archive.claims import create_annotation, edit_item
from archive.core.editing import clean_edit, lock_at_version
from archive.models import Annotation
from archive.sources.outlets import edit_outlet
from tests.factories import OutletFactory, PassageFactory

pytestmark = pytest.mark.django_db


def test_an_edit_of_a_plain_field_looks_nothing_up_in_the_database(analyst, source):
    annotation = create_annotation(passages=[PassageFactory(source=source)], user=analyst, body="Draft")
    annotation.body = "Checked against the UN report"
    with CaptureQueriesContext(connection) as queries:
        clean_edit(annotation, changed={"body"})
    assert [query["sql"] for query in queries] == []


def test_an_edit_still_checks_the_value_of_each_changed_field(analyst, source):
    annotation = create_annotation(passages=[PassageFactory(source=source)], user=analyst, body="Draft")
    annotation.motivation = "shouting"
    with pytest.raises(ValidationError) as refused:
        clean_edit(annotation, changed={"motivation"})
    assert "motivation" in refused.value.message_dict


def test_an_edit_that_breaks_a_constraint_naming_a_changed_field_is_refused(workspace, ws_admin):
    OutletFactory(workspace=workspace, name="SANA")
    outlet = OutletFactory(workspace=workspace, name="Enab Baladi")
    with pytest.raises(ValidationError) as refused:
        edit_outlet(outlet, user=ws_admin, expected_version=outlet.version, changes={"name": "SANA"})
    assert refused.value.messages == [
        "This workspace already has an outlet called “\u2068SANA\u2069” "
        "(names are compared ignoring capitals): use it, or choose another name."
    ]
    outlet.refresh_from_db()
    assert outlet.name == "Enab Baladi"


def test_an_edit_is_refused_with_the_same_errors_as_a_full_clean(analyst, source):
    annotation = create_annotation(passages=[PassageFactory(source=source)], user=analyst, body="Draft")
    with pytest.raises(ValidationError) as refused:
        edit_item(
            annotation,
            user=analyst,
            expected_version=annotation.version,
            changes={"motivation": "shouting", "body": ""},
        )
    annotation.motivation, annotation.body = "shouting", ""
    with pytest.raises(ValidationError) as full:
        annotation.full_clean()
    assert refused.value.message_dict == full.value.message_dict


def test_locking_a_row_outside_a_transaction_is_refused(transactional_db, source):
    with pytest.raises(TransactionManagementError):
        lock_at_version(source, source.version)


def test_the_locked_row_keeps_the_related_rows_the_object_held(analyst, source):
    created = create_annotation(passages=[PassageFactory(source=source)], user=analyst, body="Draft")
    held = Annotation.objects.select_related("author").get(pk=created.pk)
    with transaction.atomic():
        current = lock_at_version(held, held.version)
    with CaptureQueriesContext(connection) as queries:
        name = str(current)
    assert (name, len(queries)) == (f"Note by {analyst}: Draft", 0)
