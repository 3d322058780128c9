"""Confirming re-anchored passages: accepting, selecting anew and orphaning, in
the domain and on the page, with who decided and why in the history."""

from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.audit.ledger import verify_workspace
from archive.core.editing import StaleVersion
from archive.models import AnchorStatus, HistoryEntry, Passage, PassageAnchor, Source, VersionOrigin
from archive.passages.confirming import (
    accept_anchor,
    orphan_passage,
    reanchored_passages,
    reselect_passage,
    review_counts,
)
from archive.passages.correction import correct_source_text
from archive.sources.versions import record_version
from archive.templatetags.warrant_text import score
from tests.factories import PassageFactory, SourceFactory
from tests.pages import AFTER, BEFORE, DELETED, EDITED, KEPT


@dataclass
class Reanchored:
    source: Source
    fuzzy: Passage
    moved: Passage
    orphaned: Passage


def reanchored_world(workspace, user) -> Reanchored:
    """A source whose correction leaves one passage fuzzy, one moved and one orphaned."""
    source = SourceFactory(workspace=workspace, text="\n".join(BEFORE), title="Daraa after the ceasefire")
    record_version(source=source, user=user, origin=VersionOrigin.IMPORT, text=source.text)
    passages = [
        PassageFactory(source=source, start=source.text.index(quote), length=len(quote))
        for quote in (EDITED, KEPT, DELETED)
    ]
    correct_source_text(source=source, user=user, new_text="\n".join(AFTER), reason="the editor's version")
    fuzzy, moved, orphaned = (Passage.objects.get(pk=passage.pk) for passage in passages)
    assert (fuzzy.anchor_status, moved.anchor_status, orphaned.anchor_status) == (
        "fuzzy",
        "moved",
        "orphaned",
    )
    return Reanchored(Source.objects.get(pk=source.pk), fuzzy, moved, orphaned)


@pytest.fixture
def world(workspace, ws_admin) -> Reanchored:
    return reanchored_world(workspace, ws_admin)


def select_quote(passage: Passage, quote: str, *, user, reason: str) -> int:
    """Select `quote` anew for `passage` in its source's current text; where it starts."""
    start = passage.source.text.index(quote)
    reselect_passage(
        passage=passage,
        user=user,
        start=start,
        end=start + len(quote),
        expected_version=passage.version,
        reason=reason,
    )
    return start


def last_history(passage: Passage):
    return Passage.history.filter(id=passage.pk).select_related("history_user").first()


# --- The list -----------------------------------------------------------------------------


def test_the_list_gives_each_passage_before_and_after_with_how_it_was_found(world):
    rows = {row.passage.pk: row for row in reanchored_passages(world.source)}
    assert set(rows) == {world.fuzzy.pk, world.moved.pk, world.orphaned.pk}
    fuzzy = rows[world.fuzzy.pk]
    assert fuzzy.before.exact == EDITED
    assert "fourteen" in fuzzy.after.exact
    assert fuzzy.result.status == AnchorStatus.FUZZY and 0 < fuzzy.result.score < 1 and fuzzy.result.reason
    assert rows[world.orphaned.pk].after is None
    assert rows[world.orphaned.pk].before.exact == DELETED


def test_counts_say_how_many_to_confirm_and_how_many_orphaned(world):
    counts = review_counts(world.source)
    assert (counts.to_confirm, counts.orphaned, counts.total) == (2, 1, 3)


# --- Accepting ----------------------------------------------------------------------------


def test_accepting_confirms_the_passage_with_who_and_why_in_its_history(world, analyst):
    accept_anchor(
        passage=world.fuzzy, user=analyst, expected_version=world.fuzzy.version, reason="same figure"
    )
    passage = Passage.objects.get(pk=world.fuzzy.pk)
    assert passage.anchor_status == AnchorStatus.CONFIRMED
    assert passage.exact == world.fuzzy.exact
    row = last_history(passage)
    assert row.history_user == analyst
    assert row.history_change_reason == "re-anchoring accepted: same figure"
    assert HistoryEntry.objects.filter(
        model="passage", object_id=passage.pk, reason=row.history_change_reason, user=analyst
    ).exists()


def test_an_accepted_passage_leaves_the_list(world, analyst):
    accept_anchor(passage=world.moved, user=analyst, expected_version=world.moved.version)
    assert world.moved.pk not in {row.passage.pk for row in reanchored_passages(world.source)}


def test_accepting_from_a_stale_version_is_refused(world, analyst):
    with pytest.raises(StaleVersion):
        accept_anchor(passage=world.fuzzy, user=analyst, expected_version=world.fuzzy.version - 1)
    assert Passage.objects.get(pk=world.fuzzy.pk).anchor_status == AnchorStatus.FUZZY


def test_an_orphan_cannot_be_accepted(world, analyst):
    with pytest.raises(ValidationError, match="Only a moved or fuzzy passage"):
        accept_anchor(passage=world.orphaned, user=analyst, expected_version=world.orphaned.version)


# --- Selecting anew -----------------------------------------------------------------------


def test_selecting_anew_puts_the_passage_there_confirmed(world, analyst):
    select_quote(world.fuzzy, "fourteen families", user=analyst, reason="only the figure")
    passage = Passage.objects.get(pk=world.fuzzy.pk)
    assert (passage.exact, passage.anchor_status) == ("fourteen families", AnchorStatus.CONFIRMED)
    assert passage.prefix.endswith("The council said ")
    row = last_history(passage)
    assert (row.history_user, row.history_change_reason) == (
        analyst,
        "selected anew after re-anchoring: only the figure",
    )


def test_an_orphan_is_reattached_by_selecting_text(world, analyst):
    select_quote(
        world.orphaned, "Shops on the main road", user=analyst, reason="the convoy paragraph became this one"
    )
    passage = Passage.objects.get(pk=world.orphaned.pk)
    assert (passage.exact, passage.anchor_status) == ("Shops on the main road", AnchorStatus.CONFIRMED)


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (5, 5), (0, 10_000), ("3", 9), (None, 9)])
def test_offsets_outside_the_text_or_not_whole_numbers_are_refused(world, analyst, start, end):
    with pytest.raises(ValidationError):
        reselect_passage(
            passage=world.fuzzy,
            user=analyst,
            start=start,
            end=end,
            expected_version=world.fuzzy.version,
            reason="trying",
        )
    assert Passage.objects.get(pk=world.fuzzy.pk).anchor_status == AnchorStatus.FUZZY


def test_a_selection_splitting_a_character_is_refused(workspace, analyst):
    source = SourceFactory(workspace=workspace, text="Flags 🇸🇾 flew over Daraa again.")
    passage = PassageFactory(source=source, start=0, length=5)
    Passage.objects.filter(pk=passage.pk).update(anchor_status=AnchorStatus.FUZZY)
    flag = source.text.index("🇸🇾")
    with pytest.raises(ValidationError, match="splits a character"):
        # Between the two regional indicators of one flag.
        reselect_passage(
            passage=passage,
            user=analyst,
            start=0,
            end=flag + 1,
            expected_version=passage.version,
            reason="flag",
        )


def test_selecting_anew_needs_a_reason(world, analyst):
    with pytest.raises(ValidationError, match="Say why"):
        reselect_passage(
            passage=world.fuzzy,
            user=analyst,
            start=0,
            end=5,
            expected_version=world.fuzzy.version,
            reason=" ",
        )


# --- Orphaning ----------------------------------------------------------------------------


def test_marking_orphaned_keeps_the_quote_from_before_with_who_and_why(world, analyst):
    orphan_passage(
        passage=world.fuzzy, user=analyst, expected_version=world.fuzzy.version, reason="the figure changed"
    )
    passage = Passage.objects.get(pk=world.fuzzy.pk)
    assert (passage.anchor_status, passage.exact) == (AnchorStatus.ORPHANED, EDITED)
    row = last_history(passage)
    assert (row.history_user, row.history_change_reason) == (
        analyst,
        "marked orphaned after re-anchoring: the figure changed",
    )
    assert review_counts(world.source).orphaned == 2


def test_marking_orphaned_needs_a_reason(world, analyst):
    with pytest.raises(ValidationError, match="Say why"):
        orphan_passage(passage=world.moved, user=analyst, expected_version=world.moved.version, reason="")


def test_marking_orphaned_from_a_stale_version_is_refused(world, analyst):
    with pytest.raises(StaleVersion):
        orphan_passage(
            passage=world.moved, user=analyst, expected_version=world.moved.version + 1, reason="gone"
        )


# --- The page -----------------------------------------------------------------------------


def page_url(source: Source) -> str:
    return reverse("archive:reanchored", args=[source.workspace.slug, source.pk])


def decide_url(source: Source, passage: Passage) -> str:
    return reverse("archive:reanchored_decide", args=[source.workspace.slug, source.pk, passage.pk])


def test_the_page_shows_before_and_after_with_the_quote_marked_in_the_sources_direction(
    client, world, reviewer
):
    client.force_login(reviewer)
    response = client.get(page_url(world.source))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<mark>{EDITED}</mark>" in html
    assert "<mark>The council said fourteen families returned" in html
    assert 'class="in-context" lang="en" dir="ltr"' in html
    assert "fuzzy match" in html and "score 0." in html
    # Reviewers read; contributors decide.
    assert "Accept</button>" not in html


@pytest.mark.parametrize(
    ("value", "shown"), [(0.998, "0.99"), (0.57, "0.57"), (1.0, "1.00"), (0.5, "0.50"), (0.0, "0.00")]
)
def test_a_score_is_cut_not_rounded_up_to_a_perfect_one(value, shown):
    assert score(value) == shown


def test_the_reading_and_versions_pages_link_to_it_with_the_counts(client, world, analyst):
    client.force_login(analyst)
    for name in ("archive:source", "archive:source_versions"):
        html = client.get(reverse(name, args=[world.source.workspace.slug, world.source.pk])).content.decode()
        assert f'href="{page_url(world.source)}"' in html
        assert "Re-anchored passages: 2 to confirm, 1 orphaned" in html


def test_accepting_on_the_page_redirects_back_with_a_message(client, world, analyst):
    client.force_login(analyst)
    response = client.post(
        decide_url(world.source, world.moved), {"decision": "accept", "version": world.moved.version}
    )
    assert response.status_code == 302 and response["Location"] == page_url(world.source)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Accepted where re-anchoring found it: “{KEPT}”."
    ]
    assert Passage.objects.get(pk=world.moved.pk).anchor_status == AnchorStatus.CONFIRMED


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "orphan", "reason": ""},
        {"decision": "reselect", "start": "ten", "end": "20", "reason": "x"},
        {"decision": "reselect", "start": "0", "end": "99999", "reason": "x"},
        {"decision": "reselect", "reason": "x"},
        {"decision": "delete"},
        {"decision": "accept", "version": "v2"},
        {"decision": "orphan", "reason": "x" * 2001},
    ],
    ids=[
        "orphan without reason",
        "non-integer",
        "past the end",
        "no offsets",
        "unknown",
        "bad version",
        "reason too long",
    ],
)
def test_bad_input_is_refused_with_400_and_nothing_changes(client, world, analyst, data):
    client.force_login(analyst)
    response = client.post(decide_url(world.source, world.fuzzy), {"version": world.fuzzy.version} | data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Passage.objects.get(pk=world.fuzzy.pk).version == world.fuzzy.version


def test_a_stale_decision_on_the_page_is_a_409(client, world, analyst):
    client.force_login(analyst)
    response = client.post(
        decide_url(world.source, world.fuzzy), {"decision": "accept", "version": world.fuzzy.version - 1}
    )
    assert response.status_code == 409
    assert "Someone changed this passage meanwhile" in response.content.decode()


def test_a_passage_of_another_source_is_not_found(client, world, analyst, workspace):
    other = SourceFactory(workspace=workspace)
    client.force_login(analyst)
    response = client.post(
        decide_url(other, world.fuzzy), {"decision": "accept", "version": world.fuzzy.version}
    )
    assert response.status_code == 404


def test_each_row_links_to_the_passages_history_where_the_decision_shows(client, world, analyst):
    orphan_passage(
        passage=world.fuzzy, user=analyst, expected_version=world.fuzzy.version, reason="figure changed"
    )
    client.force_login(analyst)
    html = client.get(page_url(world.source)).content.decode()
    history = reverse("archive:object_history", args=[world.source.workspace.slug, "passage", world.fuzzy.pk])
    assert f'href="{history}"' in html
    page = client.get(history).content.decode()
    assert "marked orphaned after re-anchoring: figure changed" in page


def test_the_page_takes_as_many_queries_for_many_passages_as_for_few(
    client, workspace, ws_admin, analyst, django_assert_max_num_queries
):
    few = reanchored_world(workspace, ws_admin)
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as queries:
        client.get(page_url(few.source))
    many = SourceFactory(workspace=workspace, text="\n".join(BEFORE * 10))
    record_version(source=many, user=ws_admin, origin=VersionOrigin.IMPORT, text=many.text)
    at = 0
    for _ in range(10):
        at = many.text.index(KEPT, at + 1)
        PassageFactory(source=many, start=at, length=len(KEPT))
    correct_source_text(
        source=many, user=ws_admin, new_text="\n".join(AFTER * 10), reason="the editor's version"
    )
    assert review_counts(Source.objects.get(pk=many.pk)).total >= 10
    with django_assert_max_num_queries(len(queries)):
        client.get(page_url(many))


# --- The anchor in the newest version -------------------------------------------------------


def newest_anchor(passage: Passage) -> PassageAnchor:
    return PassageAnchor.objects.filter(passage=passage).order_by("-source_version__number").first()


def test_the_newest_anchor_follows_a_new_selection_and_keeps_re_anchorings_guess_in_its_history(
    world, analyst
):
    start = select_quote(world.fuzzy, "fourteen families", user=analyst, reason="only the figure")
    anchor = newest_anchor(world.fuzzy)
    assert (anchor.start, anchor.exact, anchor.status) == (start, "fourteen families", AnchorStatus.CONFIRMED)
    now, then = PassageAnchor.history.filter(id=anchor.pk).order_by("-history_date", "-history_id")[:2]
    assert (now.history_user, now.history_change_reason) == (
        analyst,
        "selected anew after re-anchoring: only the figure",
    )
    assert (then.status, then.exact) == (AnchorStatus.FUZZY, world.fuzzy.exact)
    assert HistoryEntry.objects.filter(model="passageanchor", object_id=anchor.pk, user=analyst).exists()
    assert verify_workspace(world.source.workspace_id).ok


def test_the_next_re_anchoring_starts_from_where_the_analyst_put_the_passage(world, analyst, ws_admin):
    select_quote(world.fuzzy, "fourteen families", user=analyst, reason="only the figure")
    correct_source_text(
        source=world.source,
        user=ws_admin,
        new_text="Preface.\n" + world.source.text,
        reason="a preface",
        expected_version=world.source.version,
    )
    anchor = newest_anchor(world.fuzzy)
    assert anchor.carried_from.exact == "fourteen families"
    assert (anchor.exact, anchor.status) == ("fourteen families", AnchorStatus.EXACT)


def test_an_analysts_orphan_shows_no_score_of_re_anchoring(world, analyst):
    orphan_passage(passage=world.moved, user=analyst, expected_version=world.moved.version, reason="gone")
    assert newest_anchor(world.moved).status == AnchorStatus.ORPHANED
    rows = {row.passage.pk: row for row in reanchored_passages(world.source)}
    assert rows[world.moved.pk].result is None
    assert rows[world.orphaned.pk].result.status == AnchorStatus.ORPHANED


def test_a_refused_decision_is_said_in_the_summary_the_focus_starts_on(client, world, analyst):
    client.force_login(analyst)
    response = client.post(decide_url(world.source, world.fuzzy), {"version": world.fuzzy.version})
    page = response.content.decode()
    summary = page[page.index('<div class="error-summary"') :]
    assert "<h2>Not saved</h2>" in summary[: summary.index("</div>")]
    assert "js/error-summary.js" in page
