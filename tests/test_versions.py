"""Versions without the network: recorded once, immutable, carried passages,
comparisons, evidence changed since cited, fixity, and the data migration."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from archive.audit.ledger import verify_workspace
from archive.claims.claims import create_claim
from archive.claims.evidence import add_evidence
from archive.models import AnchorStatus, FixityStatus, HistoryEntry, PassageAnchor, SourceVersion
from archive.monitoring.changes import PassageFate, compare, evidence_changes
from archive.passages.correction import correct_source_text
from archive.passages.writes import create_passage
from archive.sources.fixity import verify_source
from archive.sources.writes import create_source
from tests.factories import SourceFactory

TEXT = "The mayor said forty families returned. Water came twice a week. A convoy was turned back."


@pytest.fixture
def article(workspace, analyst):
    return create_source(workspace=workspace, user=analyst, title="Daraa", text=TEXT, language="en")


def passage_on(source, user, quote):
    start = source.text.index(quote)
    return create_passage(source=source, user=user, start=start, end=start + len(quote))


def test_a_new_source_is_its_version_1(article, analyst):
    [version] = article.versions.all()
    assert (version.number, version.text, version.captured_by) == (1, TEXT, analyst)
    assert version.original_sha256 == article.original_sha256


def test_a_version_is_never_changed(article):
    version = article.versions.get()
    version.text = "Something else."
    with pytest.raises(ValidationError, match="never changed"):
        version.save()


def test_a_correction_records_a_version_and_carries_each_passage(article, analyst, ws_admin):
    moved = passage_on(article, analyst, "Water came twice a week.")
    gone = passage_on(article, analyst, "A convoy was turned back.")
    correct_source_text(
        source=article,
        user=ws_admin,
        new_text="Water came twice a week. The mayor said so.",
        reason="rewrite",
    )
    first, second = article.versions.order_by("number")
    assert second.text == "Water came twice a week. The mayor said so."
    anchors = {anchor.passage_id: anchor for anchor in PassageAnchor.objects.filter(source_version=second)}
    # Kept by the edit, only shifted: exact, at its new offset.
    assert (anchors[moved.pk].status, anchors[moved.pk].start) == (AnchorStatus.EXACT, 0)
    assert anchors[gone.pk].status == AnchorStatus.ORPHANED
    assert anchors[moved.pk].carried_from.source_version == first
    assert anchors[moved.pk].carried_from.start == TEXT.index("Water")


def test_comparison_marks_what_changed_and_vanished(article, analyst, ws_admin):
    changed = passage_on(article, analyst, "said forty families returned")
    shifted = passage_on(article, analyst, "Water came twice a week.")
    gone = passage_on(article, analyst, "A convoy was turned back.")
    correct_source_text(
        source=article,
        user=ws_admin,
        new_text="The mayor said fourteen families returned. A farmer said so. Water came twice a week.",
        reason="rewrite",
    )
    comparison = compare(*article.versions.order_by("number"))
    fates = {change.passage_id: change.fate for change in comparison.passages}
    # Water only shifted by the sentence added before it: kept in place.
    assert fates == {changed.pk: PassageFate.CHANGED, gone.pk: PassageFate.VANISHED}
    assert shifted.pk not in fates and comparison.kept == 1
    assert any(segment.op == "delete" and "forty" in segment.text for segment in comparison.words)
    assert any(segment.op == "insert" and "fourteen" in segment.text for segment in comparison.words)


MAYOR = "The mayor said forty families returned to the eastern quarter this spring, after the fighting ended."
WATER = "Water came twice a week through the old network, according to residents of the eastern quarter."
CONVOY = "A convoy carrying flour was turned back."


def test_a_passage_whose_sentence_moved_elsewhere_in_the_text_is_marked_moved(workspace, analyst, ws_admin):
    source = create_source(
        workspace=workspace, user=analyst, title="Daraa", text=f"{MAYOR} {WATER} {CONVOY}", language="en"
    )
    convoy = passage_on(source, analyst, CONVOY)
    correct_source_text(
        source=source, user=ws_admin, new_text=f"{CONVOY} {MAYOR} {WATER}", reason="reordered"
    )
    [change] = compare(*source.versions.order_by("number")).passages
    assert (change.passage_id, change.fate, change.after.start) == (convoy.pk, PassageFate.MOVED, 0)


def test_a_passage_only_shifted_by_text_added_before_it_is_kept_in_place(article, analyst, ws_admin):
    shifted = passage_on(article, analyst, "A convoy was turned back.")
    correct_source_text(source=article, user=ws_admin, new_text="Dateline: Daraa. " + TEXT, reason="dateline")
    comparison = compare(*article.versions.order_by("number"))
    assert [change.passage_id for change in comparison.passages] == []
    assert comparison.kept == 1
    assert PassageAnchor.objects.get(passage=shifted, source_version__number=2).start > shifted.start


INTERNAL = "The internal factors that played a negative role at the political and military levels"
SECOND_ATTEMPT = (
    "In the second attempt, Jaysh al-Fatah failed to break the siege because it chose to advance through "
    "al-Assad Suburb, which rendered them easy targets among the spaced modern residential buildings."
)

# Added before INTERNAL, one in each version: neither starts with the passage's
# first word, but the two together do.
FACTIONS = "In both cities the answer begins inside the factions. "
PARTS = "The question has two parts. "


def added_before(text, quote, addition):
    return text.replace(quote, addition + quote, 1)


@pytest.fixture
def report(workspace, analyst, corpus_text):
    return create_source(workspace=workspace, user=analyst, title="Baladi", text=corpus_text, language="en")


def test_a_passage_shifted_by_additions_over_two_versions_is_kept_in_place(report, analyst, ws_admin):
    internal = passage_on(report, analyst, INTERNAL)
    text = added_before(report.text, INTERNAL, FACTIONS)
    correct_source_text(source=report, user=ws_admin, new_text=text, reason="note")
    correct_source_text(
        source=report, user=ws_admin, new_text=added_before(text, FACTIONS, PARTS), reason="note"
    )
    first, _, third = report.versions.order_by("number")
    comparison = compare(first, third)
    assert (comparison.passages, comparison.kept) == ([], 1)
    assert PassageAnchor.objects.get(passage=internal, source_version=third).start > internal.start


def test_comparing_versions_two_apart_marks_moved_only_the_passage_that_moved(report, analyst, ws_admin):
    passage_on(report, analyst, INTERNAL)
    second_attempt = passage_on(report, analyst, SECOND_ATTEMPT)
    text = added_before(report.text, INTERNAL, FACTIONS)
    correct_source_text(source=report, user=ws_admin, new_text=text, reason="note")
    text = added_before(text, FACTIONS, PARTS)
    text = text.replace(SECOND_ATTEMPT + "\n", "", 1) + "\n" + SECOND_ATTEMPT
    correct_source_text(source=report, user=ws_admin, new_text=text, reason="moved to the end")
    first, _, third = report.versions.order_by("number")
    [change] = compare(first, third).passages
    assert (change.passage_id, change.fate, change.after.start) == (
        second_attempt.pk,
        PassageFate.MOVED,
        third.text.index(SECOND_ATTEMPT),
    )


def test_evidence_changed_since_it_was_cited_shows_the_quote_then_and_now(article, analyst, ws_admin):
    passage = passage_on(article, analyst, "said forty families returned")
    claim = create_claim(workspace=article.workspace, user=analyst, statement="Forty families returned")
    evidence = add_evidence(claim=claim, passage=passage, user=analyst, stance="supports")
    assert evidence_changes([evidence]) == {}
    correct_source_text(
        source=article, user=ws_admin, new_text=TEXT.replace("forty", "fourteen"), reason="typo"
    )
    evidence.refresh_from_db()
    change = evidence_changes([evidence])[evidence.pk]
    assert change.cited.exact == "said forty families returned"
    assert change.cited.source_version.number == 1
    assert [(segment.op, segment.text) for segment in change.words if segment.op != "equal"] == [
        ("delete", "forty"),
        ("insert", "fourteen"),
    ]


def test_fixity_checks_every_version_s_text(article, ws_admin):
    correct_source_text(source=article, user=ws_admin, new_text=TEXT + " More.", reason="more")
    SourceVersion.objects.filter(source=article, number=1).update(text="Tampered.")
    check = verify_source(article).check
    assert check.status == FixityStatus.MISMATCH
    assert check.problems[0].startswith("version 1 text has SHA-256")


def test_sources_archived_before_versions_get_version_1_in_history_and_the_ledger(workspace):
    source = SourceFactory(workspace=workspace, with_original=True)
    migration = importlib.import_module("archive.migrations.0016_source_versions")
    migration.first_versions(apps, None)
    version = SourceVersion.objects.get(source=source)
    assert (version.number, version.text_sha256) == (1, source.text_sha256)
    assert HistoryEntry.objects.filter(model="sourceversion", object_id=version.pk).exists()
    assert verify_workspace(workspace.pk).ok
