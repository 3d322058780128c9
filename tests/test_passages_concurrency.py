"""Two requests for one span at once find one passage: the second waits for the first
(a row lock on the source on PostgreSQL; SQLite serializes writers itself)."""

import threading

import pytest
from django.db import connection, connections, transaction

from archive.models import Passage
from archive.passages.selectors import selector_for
from archive.passages.writes import passage_at


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
