"""Annotations and evidence keep their canonical IRIs in two tables, which no one unique
constraint covers: two writes at once giving one IRI to an annotation and to evidence
still leave it to one item (PostgreSQL; SQLite runs one writer at a time)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from archive.claims import add_evidence, create_annotation
from archive.core.editing import AlreadyExists
from archive.models import Annotation, Evidence
from tests.factories import ClaimFactory

IRI = "urn:uuid:0b5a7c2e-4e0c-4a8c-9d7e-2f1c3b4a5d6e"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_evidence_written_while_an_annotation_takes_its_canonical_is_refused_naming_it(
    workspace, passage, analyst
):
    claim = ClaimFactory(workspace=workspace)
    written = threading.Event()
    errors: list[Exception] = []
    results: dict[str, object] = {}

    def annotate() -> None:
        try:
            with transaction.atomic():
                results["annotation"] = create_annotation(
                    passages=[passage], user=analyst, body="Which district?", canonical=IRI
                )
                written.set()
                time.sleep(0.5)  # uncommitted while the evidence is written
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            written.set()
            connections.close_all()

    def cite() -> None:
        written.wait(10)
        try:
            results["evidence"] = add_evidence(
                claim=claim, passage=passage, user=analyst, stance="supports", canonical=IRI
            )
        except AlreadyExists as refusal:
            results["refusal"] = refusal
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=annotate), threading.Thread(target=cite)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert "evidence" not in results
    assert results["refusal"].existing == results["annotation"]
    holders = (
        Annotation.objects.filter(canonical=IRI).count() + Evidence.objects.filter(canonical=IRI).count()
    )
    assert holders == 1
