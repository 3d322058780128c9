"""Two requests for one span at once find one passage: the second waits for the first
(a row lock on the source on PostgreSQL; SQLite serializes writers itself)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from archive.claims import add_evidence, delete_annotation
from archive.models import Passage, Source
from archive.passages.correction import correct_source_text
from archive.passages.selectors import selector_for
from archive.passages.writes import passage_at
from tests.factories import AnnotationFactory, ClaimFactory


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_span_highlighted_twice_at_once_is_one_passage(source, analyst):
    selector = selector_for(source.text, 8, 18)
    created, release, found = threading.Event(), threading.Event(), []

    def first() -> None:
        try:
            with transaction.atomic():
                found.append(passage_at(source=source, user=analyst, selector=selector).pk)
                created.set()
                release.wait(10)  # still uncommitted while the second asks
        finally:
            connections.close_all()

    def second() -> None:
        try:
            created.wait(10)
            found.append(passage_at(source=source, user=analyst, selector=selector).pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    created.wait(10)
    threads[1].join(0.5)
    assert threads[1].is_alive()  # waiting for the first to commit
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(found) == 2 and found[0] == found[1]
    assert Passage.objects.filter(source=source).count() == 1


def test_a_selection_read_before_a_correction_that_moved_its_words_is_refused(source, analyst, ws_admin):
    stale = Source.objects.get(pk=source.pk)  # the page the analyst selected in
    selector = selector_for(stale.text, 8, 18)
    correct_source_text(source=source, user=ws_admin, new_text="Update: " + source.text, reason="a preface")
    with pytest.raises(ValidationError, match="corrected meanwhile") as refused:
        passage_at(source=stale, user=analyst, selector=selector)
    assert refused.value.code == "quote_mismatch"
    assert not Passage.objects.exists()


def test_a_selection_whose_words_a_correction_left_in_place_is_made_on_the_new_text(
    source, analyst, ws_admin
):
    stale = Source.objects.get(pk=source.pk)
    selector = selector_for(stale.text, 8, 18)
    correct_source_text(source=source, user=ws_admin, new_text=source.text + " Updated.", reason="a coda")
    passage = passage_at(source=stale, user=analyst, selector=selector)
    current = Source.objects.get(pk=source.pk).text
    assert (passage.exact, passage.suffix) == (current[8:18], current[18 : 18 + len(passage.suffix)])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_two_notes_on_one_passage_deleted_at_once_take_the_passage_with_them(source, analyst):
    passage = passage_at(source=source, user=analyst, selector=selector_for(source.text, 8, 18))
    first_note, second_note = (
        AnnotationFactory(workspace=source.workspace, author=analyst, passages=[passage]) for _ in range(2)
    )
    deleted, release = threading.Event(), threading.Event()

    def delete(note, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                delete_annotation(annotation=note, user=analyst, reason="duplicate")
                if hold:
                    deleted.set()
                    release.wait(10)  # uncommitted while the other deletes
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=delete, args=(first_note,), kwargs={"hold": True}),
        threading.Thread(target=delete, args=(second_note,), kwargs={"hold": False}),
    ]
    threads[0].start()
    deleted.wait(10)
    threads[1].start()
    threads[1].join(0.5)
    assert threads[1].is_alive()  # waiting for the first, to look at the passage after it
    release.set()
    for thread in threads:
        thread.join(10)
    assert not Passage.objects.filter(pk=passage.pk).exists()


def test_citing_a_passage_deleted_meanwhile_says_so(source, analyst):
    passage = passage_at(source=source, user=analyst, selector=selector_for(source.text, 8, 18))
    claim = ClaimFactory(workspace=source.workspace, created_by=analyst)
    Passage.objects.filter(pk=passage.pk).delete()  # as another request's delete, committed
    with pytest.raises(Passage.DoesNotExist, match="deleted meanwhile"):
        add_evidence(claim=claim, passage=passage, user=analyst, stance="supports")


def delete_while_citing(source, analyst, start: int) -> list[str]:
    """A note deleted and its passage cited at the same moment: how each write ended."""
    passage = passage_at(source=source, user=analyst, selector=selector_for(source.text, start, start + 5))
    note = AnnotationFactory(workspace=source.workspace, author=analyst, passages=[passage])
    claim = ClaimFactory(workspace=source.workspace, created_by=analyst)
    together, outcomes = threading.Barrier(2), []

    def run(write) -> None:
        try:
            together.wait(5)
            write()
            outcomes.append("saved")
        except Passage.DoesNotExist:
            outcomes.append("deleted meanwhile")  # the delete went first: said, not failed
        except Exception as error:  # a deadlock the database broke, say
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    writes = [
        lambda: delete_annotation(annotation=note, user=analyst, reason="a duplicate"),
        lambda: add_evidence(claim=claim, passage=passage, user=analyst, stance="supports"),
    ]
    threads = [threading.Thread(target=run, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_note_deleted_as_its_passage_is_cited_never_deadlocks(source, analyst):
    outcomes = [outcome for start in range(5) for outcome in delete_while_citing(source, analyst, start)]
    assert set(outcomes) <= {"saved", "deleted meanwhile"}, outcomes
