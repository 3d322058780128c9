"""Reverting a source's text to an earlier version's: its passages go back to where they were in it."""

import pytest

from archive.audit.ledger import verify_workspace
from archive.claims.claims import create_claim
from archive.claims.evidence import add_evidence
from archive.models import AnchorStatus, Evidence, Passage, Source
from archive.passages.carrying import selector_of
from archive.passages.confirming import reanchored_passages
from archive.passages.correction import correct_source_text
from archive.passages.reanchoring import reanchor
from archive.passages.writes import create_passage
from archive.sources.writes import create_source
from tests.support import reverted

TEXT = (
    "The station stopped working on Tuesday morning. He added that about fifteen thousand people "
    "are now without drinking water, and that maintenance teams cannot reach the site."
)
QUOTE = "about fifteen thousand people are now without drinking water"
# A figure written out in digits: re-anchoring finds the passage only approximately (fuzzy).
CORRECTED = TEXT.replace("about fifteen thousand people", "about 15,000 people")


@pytest.fixture
def article(workspace, analyst):
    return create_source(workspace=workspace, user=analyst, title="Tell al-Zaytoun", text=TEXT, language="en")


@pytest.fixture
def passage(article, analyst):
    start = TEXT.index(QUOTE)
    return create_passage(source=article, user=analyst, start=start, end=start + len(QUOTE))


def newest_row(source: Source) -> int:
    """The source's newest history row: the history page's revert form names it."""
    return Source.history.filter(id=source.pk).latest("history_date", "history_id").history_id


def correct(source: Source, user) -> None:
    correct_source_text(source=source, user=user, new_text=CORRECTED, reason="the figure is in digits")


def revert_to(source: Source, history_id: int, user) -> None:
    reverted(Source.objects.get(pk=source.pk), history_id=history_id, user=user, reason="back as captured")


def test_revert_puts_the_passage_back_where_it_was_in_that_version(article, passage, ws_admin, reviewer):
    first = newest_row(article)
    before = Passage.objects.values("start", "end", "exact", "prefix", "suffix", "anchor_status").get(
        pk=passage.pk
    )
    correct(article, ws_admin)
    revert_to(article, first, reviewer)
    after = Passage.objects.values("start", "end", "exact", "prefix", "suffix", "anchor_status").get(
        pk=passage.pk
    )
    assert after == before | {"anchor_status": AnchorStatus.EXACT}


def test_revert_gives_the_evidence_its_quote_back(article, passage, ws_admin, analyst, reviewer):
    first = newest_row(article)
    claim = create_claim(
        workspace=article.workspace, user=analyst, statement="Fifteen thousand without water"
    )
    add_evidence(claim=claim, passage=passage, user=analyst, stance="supports")
    correct(article, ws_admin)
    revert_to(article, first, reviewer)
    assert "fifteen thousand" in Evidence.objects.select_related("passage").get(claim=claim).passage.exact


def test_a_passage_fuzzy_in_the_version_reverted_to_is_still_to_confirm(article, passage, ws_admin, reviewer):
    first = newest_row(article)
    correct(article, ws_admin)
    corrected = newest_row(article)
    revert_to(article, first, reviewer)
    revert_to(article, corrected, reviewer)
    passage.refresh_from_db()
    assert passage.anchor_status == AnchorStatus.FUZZY
    assert [item.passage.pk for item in reanchored_passages(article)] == [passage.pk]


def test_a_passage_made_after_the_version_reverted_to_is_re_anchored(
    article, passage, ws_admin, analyst, reviewer
):
    first = newest_row(article)
    correct(article, ws_admin)
    start = CORRECTED.index("about 15,000 people")
    later = create_passage(source=article, user=analyst, start=start, end=start + len("about 15,000 people"))
    [found] = reanchor([selector_of(later)], old_text=CORRECTED, new_text=TEXT)
    revert_to(article, first, reviewer)
    later.refresh_from_db()
    # Version 1 has no anchor for it: it is found again from where it stood, as by a correction.
    assert (later.start, later.end, later.anchor_status) == (found.start, found.end, found.status)


def test_the_workspace_history_verifies_after_the_revert(article, passage, ws_admin, reviewer):
    first = newest_row(article)
    correct(article, ws_admin)
    revert_to(article, first, reviewer)
    assert verify_workspace(article.workspace_id).ok
