"""Object history pages: field-by-field diffs, word-level diffs of long text,
and reverting or restoring an object."""

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from archive.audit.diffing import Segment, condensed, field_changes, shown_diff, word_diff
from archive.audit.ledger import verify_workspace
from archive.audit.revert import revert_object
from archive.audit.review import approve, reject, submit_for_review
from archive.claims import (
    add_evidence,
    create_annotation,
    create_claim,
    delete_annotation,
    delete_evidence,
    edit_annotation,
    edit_item,
)
from archive.core.attribution import recorded_as
from archive.core.editing import delete_object
from archive.core.times import human_time
from archive.models import (
    Alert,
    AlertKind,
    Annotation,
    Claim,
    Evidence,
    HistoryAction,
    HistoryEntry,
    Membership,
    Passage,
    ReviewStatus,
    Source,
)
from archive.passages.correction import correct_source_text
from archive.passages.writes import create_passage
from archive.sources.outlets import create_outlet
from archive.sources.writes import create_source, delete_source
from archive.views.audit import PAGE_SIZE
from archive.workspaces import set_role
from tests.factories import ClaimFactory, PassageFactory
from tests.support import SAID_AFTER, SAID_BEFORE, graded_as_before, repeated_ids, reverted

# --- Diffing ---------------------------------------------------------------------


def test_word_diff_marks_inserted_and_deleted_words():
    segments = word_diff("Airstrikes reached 120 a week.", "Airstrikes reached 400 a week in June.")
    assert segments == [
        Segment("equal", "Airstrikes reached "),
        Segment("delete", "120"),
        Segment("insert", "400"),
        Segment("equal", " a week"),
        Segment("insert", " in June"),
        Segment("equal", "."),
    ]


def test_word_diff_rebuilds_both_texts():
    before, after = "قال مدير المحطة إن القصف بدأ", "قال مدير المحطة إن القصف توقف أمس"
    segments = word_diff(before, after)
    assert "".join(s.text for s in segments if s.op != "insert") == before
    assert "".join(s.text for s in segments if s.op != "delete") == after


def test_condensed_diff_cuts_long_unchanged_text_around_changes():
    before = "word " * 2000 + "old " + "word " * 2000
    segments = condensed(word_diff(before, before.replace("old", "new")))
    assert [s.op for s in segments] == ["skip", "equal", "delete", "insert", "equal", "skip"]
    assert sum(len(s.text) for s in segments) < 1000


def test_field_changes_lists_only_changed_fields_with_display_values():
    before = {"statement": "A claim.", "credibility": 6, "status": "open", "tags": []}
    after = {"statement": "A claim.", "credibility": 2, "status": "disputed", "tags": ["daraa"]}
    changes = {change.name: change for change in field_changes(Claim, before, after)}
    assert set(changes) == {"credibility", "status", "tags"}
    assert (changes["status"].before, changes["status"].after) == ("open", "disputed")
    assert changes["tags"].after == "daraa"


def test_field_changes_diffs_long_text_word_by_word():
    [change] = field_changes(
        Claim, {"statement": "Strikes reached 120."}, {"statement": "Strikes reached 400."}
    )
    assert Segment("insert", "400") in change.words


def test_a_rewritten_arabic_sentence_is_shown_whole_before_and_after_not_word_by_word():
    assert shown_diff(before=SAID_BEFORE, after=SAID_AFTER) == [
        Segment("old", SAID_BEFORE),
        Segment("new", SAID_AFTER),
    ]


def test_a_sentence_with_a_few_words_changed_is_still_shown_word_by_word():
    after = SAID_BEFORE.replace("بدأ", "توقف")
    assert shown_diff(before=SAID_BEFORE, after=after) == [
        Segment("equal", "قال مدير المحطة إن القصف "),
        Segment("delete", "بدأ"),
        Segment("insert", "توقف"),
        Segment("equal", " صباح الخميس"),
    ]


def test_a_creation_lists_only_the_fields_that_hold_something(workspace, analyst):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    created = claim.history.earliest("history_id")
    values = {field.attname: getattr(created, field.attname) for field in created._meta.concrete_fields}
    assert created.credibility_reason == "" and created.tags == []
    names = {change.name for change in field_changes(Claim, None, values)}
    assert "statement" in names
    assert not names & {"credibility_reason", "tags"}


# --- History page ----------------------------------------------------------------


@pytest.fixture
def edited_claim(workspace, analyst):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    return edit_item(
        claim,
        user=analyst,
        expected_version=1,
        changes={"statement": "Airstrikes reached <b>400</b> a week.", "credibility": 2},
        reason="corrected figure",
    )


def history_page(client, workspace, model: str, object_id: int) -> str:
    response = client.get(reverse("archive:object_history", args=[workspace.slug, model, object_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_history_page_shows_each_version_with_its_reason(client, analyst, workspace, edited_claim):
    client.force_login(analyst)
    page = history_page(client, workspace, "claim", edited_claim.pk)
    assert "corrected figure" in page
    assert page.count('class="version"') == 2


@pytest.fixture
def long_history(workspace, analyst):
    """A claim of PAGE_SIZE + 2 versions: its statement numbered by its version."""
    claim = create_claim(workspace=workspace, user=analyst, statement="Statement 1")
    for number in range(2, PAGE_SIZE + 3):
        claim = edit_item(
            claim, user=analyst, expected_version=claim.version, changes={"statement": f"Statement {number}"}
        )
    return claim


def test_history_page_shows_the_newest_versions_and_pages_to_the_oldest(
    client, analyst, workspace, long_history
):
    client.force_login(analyst)
    url = reverse("archive:object_history", args=[workspace.slug, "claim", long_history.pk])
    first = client.get(url)
    assert [v["row"].version for v in first.context["versions"]] == list(range(PAGE_SIZE + 2, 2, -1))
    assert 'href="?page=2" rel="next"' in first.content.decode()
    second = client.get(url, {"page": 2})
    assert [v["row"].version for v in second.context["versions"]] == [2, 1]
    assert '<ol class="versions" reversed start="2">' in second.content.decode()


def test_the_last_version_on_a_history_page_is_compared_with_the_next_pages_first(
    client, analyst, workspace, long_history
):
    client.force_login(analyst)
    url = reverse("archive:object_history", args=[workspace.slug, "claim", long_history.pk])
    oldest_shown = client.get(url).context["versions"][-1]
    [change] = oldest_shown["changes"]
    assert (change.name, change.before, change.after) == ("statement", "Statement 2", "Statement 3")


def test_a_link_to_an_old_version_opens_the_page_it_is_on(client, analyst, workspace, long_history):
    client.force_login(analyst)
    first = long_history.history.earliest("history_id")
    url = reverse("archive:object_history", args=[workspace.slug, "claim", long_history.pk])
    response = client.get(url, {"version": first.history_id})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=2#v{first.history_id}"


def test_history_page_renders_the_word_diff_escaped(client, analyst, workspace, edited_claim):
    client.force_login(analyst)
    page = history_page(client, workspace, "claim", edited_claim.pk)
    assert "<del>120</del><ins>&lt;b&gt;400&lt;/b&gt;</ins>" in page
    assert "<b>400</b>" not in page


def test_history_page_shows_a_rewritten_statement_whole_before_and_after_each_isolated(
    client, analyst, workspace
):
    claim = create_claim(workspace=workspace, user=analyst, statement=SAID_BEFORE)
    edit_item(claim, user=analyst, expected_version=1, changes={"statement": SAID_AFTER}, reason="rewritten")
    client.force_login(analyst)
    page = history_page(client, workspace, "claim", claim.pk)
    assert (
        f'<del class="whole" dir="auto">{SAID_BEFORE}</del><ins class="whole" dir="auto">{SAID_AFTER}</ins>'
        in page
    )
    assert "<del>" not in page


def test_history_page_of_an_annotation_shows_passage_changes(client, analyst, workspace, source):
    first, second = PassageFactory(source=source), PassageFactory(source=source, start=20)
    annotation = create_annotation(passages=[first], user=analyst, body="Compare.")
    annotation.passages.add(second)
    client.force_login(analyst)
    page = history_page(client, workspace, "annotation", annotation.pk)
    # Passages are named as the ledger last recorded them (their quote), not by id.
    # Each quote isolated in its own direction (warrant_names).
    assert f"passage “<bdi>{escape(first.exact)}</bdi>”, passage “<bdi>{escape(second.exact)}</bdi>”" in page
    assert f"passage #{first.pk}" not in page and "““" not in page


def test_evidence_is_named_with_its_stance_as_the_pages_say_it(workspace, analyst, source):
    claim = create_claim(workspace=workspace, user=analyst, statement="The station stopped on Tuesday.")
    evidence = add_evidence(
        claim=claim, passage=PassageFactory(source=source), user=analyst, stance="contextualizes"
    )
    assert " gives context to The station stopped on Tuesday." in str(evidence)


def test_history_of_a_deleted_object_is_still_readable(client, reviewer, workspace, edited_claim, analyst):
    delete_object(Claim.objects.get(pk=edited_claim.pk), user=analyst, reason="duplicate")
    client.force_login(reviewer)
    page = history_page(client, workspace, "claim", edited_claim.pk)
    assert "has been deleted" in page and "Restore this version" in page


def test_analyst_sees_history_without_revert_forms(client, analyst, workspace, edited_claim):
    client.force_login(analyst)
    assert "Revert to this version" not in history_page(client, workspace, "claim", edited_claim.pk)


def test_reviewer_sees_revert_forms_for_earlier_versions_only(client, reviewer, workspace, edited_claim):
    client.force_login(reviewer)
    assert history_page(client, workspace, "claim", edited_claim.pk).count("Revert to this version") == 1


def test_history_page_gives_each_form_field_an_id_of_its_own(client, ws_admin, workspace, analyst):
    claim = create_claim(workspace=workspace, user=ws_admin, statement="Airstrikes reached 120 a week.")
    edit_item(claim, user=ws_admin, expected_version=1, changes={"statement": "Reached 400."})
    edit_item(claim, user=ws_admin, expected_version=2, changes={"statement": "Reached 450."})
    client.force_login(ws_admin)
    page = history_page(client, workspace, "claim", claim.pk)
    assert page.count("Revert to this version") == 2  # with the review forms: several of each field
    assert repeated_ids(page) == []


def test_each_revert_is_named_by_its_version_for_a_list_of_controls(client, ws_admin, workspace):
    claim = create_claim(workspace=workspace, user=ws_admin, statement="Airstrikes reached 120 a week.")
    edit_item(claim, user=ws_admin, expected_version=1, changes={"statement": "Reached 400."})
    edit_item(claim, user=ws_admin, expected_version=2, changes={"statement": "Reached 450."})
    client.force_login(ws_admin)
    page = history_page(client, workspace, "claim", claim.pk)
    named = re.findall(r'Revert to this version<span class="visually-hidden"> \(version (\d+)\)</span>', page)
    assert sorted(named) == ["1", "2"]


def test_history_of_another_workspaces_object_is_404(client, outsider, workspace, edited_claim):
    client.force_login(outsider)
    url = reverse("archive:object_history", args=[workspace.slug, "claim", edited_claim.pk])
    assert client.get(url).status_code == 404


def test_history_of_an_unknown_kind_is_404(client, analyst, workspace):
    client.force_login(analyst)
    assert client.get(reverse("archive:object_history", args=[workspace.slug, "user", 1])).status_code == 404


# --- Reverting a changed object ---------------------------------------------------


def first_version(obj) -> int:
    return type(obj).history.filter(id=obj.pk).earliest("history_date").history_id


def revert_to_first_version(obj, *, user, reason: str, **options):
    """revert_object() back to `obj`'s first version, as the history page's form asks."""
    return reverted(obj, history_id=first_version(obj), user=user, reason=reason, **options)


def test_revert_restores_the_earlier_fields_as_a_new_history_entry(workspace, reviewer, edited_claim):
    rows_before = Claim.history.filter(id=edited_claim.pk).count()
    outcome = revert_to_first_version(edited_claim, user=reviewer, reason="the 400 figure is for Aleppo")
    claim = Claim.objects.get(pk=edited_claim.pk)
    assert (claim.statement, claim.credibility) == ("Airstrikes reached 120 a week.", 6)
    assert not outcome.restored
    assert Claim.history.filter(id=claim.pk).count() == rows_before + 1
    entry = HistoryEntry.objects.filter(model="claim", object_id=claim.pk).latest("sequence")
    assert (entry.action, entry.user, entry.reason) == (
        HistoryAction.REVERTED,
        reviewer,
        "the 400 figure is for Aleppo",
    )


def test_revert_needs_a_reason(workspace, reviewer, edited_claim):
    with pytest.raises(ValidationError):
        revert_to_first_version(edited_claim, user=reviewer, reason=" ")


def test_analyst_cannot_revert(workspace, analyst, edited_claim):
    with pytest.raises(PermissionDenied):
        revert_to_first_version(edited_claim, user=analyst, reason="mine")


def test_reviewer_cannot_revert_a_membership(workspace, reviewer, analyst, ws_admin):
    membership = Membership.objects.get(user=analyst, workspace=workspace)
    set_role(workspace=workspace, member=analyst, role="reviewer", user=ws_admin, reason="audits")
    with pytest.raises(PermissionDenied):
        revert_to_first_version(membership, user=reviewer, reason="promote back")


def test_admin_reverts_a_membership_role(workspace, ws_admin, analyst):
    membership = Membership.objects.get(user=analyst, workspace=workspace)
    set_role(workspace=workspace, member=analyst, role="admin", user=ws_admin, reason="deputy")
    revert_to_first_version(membership, user=ws_admin, reason="promoted by mistake")
    assert Membership.objects.get(pk=membership.pk).role == "analyst"


def test_revert_on_top_of_an_unseen_change_is_refused(workspace, reviewer, analyst, edited_claim):
    seen = Claim.history.filter(id=edited_claim.pk).latest("history_date").history_id
    edit_item(
        edited_claim, user=analyst, expected_version=edited_claim.version, changes={"status": "disputed"}
    )
    with pytest.raises(ValidationError, match="changed since"):
        revert_to_first_version(edited_claim, latest_history_id=seen, user=reviewer, reason="undo")


def test_reverting_an_approved_claim_sends_it_back_to_review(workspace, reviewer, analyst, edited_claim):
    approve(submit_for_review(edited_claim, user=analyst), user=reviewer)
    revert_to_first_version(edited_claim, user=reviewer, reason="undo the figure")
    assert Claim.objects.get(pk=edited_claim.pk).review_status == ReviewStatus.SUBMITTED


def approved_then_edited(workspace, analyst, reviewer):
    """A claim approved ("120 a week"), then edited by its analyst: waiting again."""
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    approved = approve(submit_for_review(claim, user=analyst), user=reviewer)
    edit_item(
        approved, user=analyst, expected_version=approved.version, changes={"statement": "Reached 400."}
    )
    return Claim.objects.get(pk=claim.pk)


def test_reverting_to_the_version_last_approved_approves_it_again(workspace, reviewer, analyst):
    claim = approved_then_edited(workspace, analyst, reviewer)
    approved_row = Claim.history.filter(id=claim.pk, review_status=ReviewStatus.APPROVED).latest("history_id")
    outcome = reverted(
        claim, history_id=approved_row.history_id, user=reviewer, reason="the figure was right"
    )
    assert Claim.objects.get(pk=claim.pk).review_status == ReviewStatus.APPROVED
    assert any("which was approved: it is approved again" in note for note in outcome.notes)


def test_reverting_to_a_version_never_approved_leaves_it_waiting(workspace, reviewer, analyst):
    claim = approved_then_edited(workspace, analyst, reviewer)
    edit_item(claim, user=analyst, expected_version=claim.version, changes={"statement": "Reached 450."})
    unapproved = Claim.history.filter(id=claim.pk, statement="Reached 400.").latest("history_id")
    reverted(claim, history_id=unapproved.history_id, user=reviewer, reason="450 was a typo")
    assert Claim.objects.get(pk=claim.pk).review_status == ReviewStatus.SUBMITTED


def test_reverting_to_a_version_that_differs_only_in_review_status_says_so(workspace, reviewer, analyst):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    reject(submit_for_review(claim, user=analyst), user=reviewer, comment="no source given")
    with pytest.raises(ValidationError, match=r"review status \(now rejected\), which a revert leaves alone"):
        revert_to_first_version(claim, user=reviewer, reason="undo the rejection")
    assert Claim.objects.get(pk=claim.pk).review_status == ReviewStatus.REJECTED


def test_reverting_a_source_text_re_anchors_its_passages(workspace, reviewer, ws_admin, source):
    original = source.text
    passage = create_passage(
        source=source, user=ws_admin, start=source.text.index("Aleppo"), end=source.text.index("Aleppo") + 6
    )
    correct_source_text(source=source, user=ws_admin, new_text="Breaking: " + original, reason="add dateline")
    revert_to_first_version(source, user=reviewer, reason="the dateline is not in the original")
    assert Source.objects.get(pk=source.pk).text == original
    passage = Passage.objects.get(pk=passage.pk)
    assert original[passage.start : passage.end] == "Aleppo"


def test_revert_view_reverts_and_reports(client, reviewer, workspace, edited_claim):
    client.force_login(reviewer)
    url = reverse("archive:revert", args=[workspace.slug, "claim", edited_claim.pk])
    latest = Claim.history.filter(id=edited_claim.pk).latest("history_date").history_id
    response = client.post(
        url,
        {"history_id": first_version(edited_claim), "latest_history_id": latest, "reason": "wrong city"},
        follow=True,
    )
    assert "Reverted" in response.content.decode()
    assert Claim.objects.get(pk=edited_claim.pk).statement == "Airstrikes reached 120 a week."


def test_revert_view_without_reason_changes_nothing_and_says_why(client, reviewer, workspace, edited_claim):
    client.force_login(reviewer)
    url = reverse("archive:revert", args=[workspace.slug, "claim", edited_claim.pk])
    latest = Claim.history.filter(id=edited_claim.pk).latest("history_date").history_id
    response = client.post(
        url, {"history_id": first_version(edited_claim), "latest_history_id": latest}, follow=True
    )
    assert "Say why" in response.content.decode()
    assert Claim.objects.get(pk=edited_claim.pk).statement.startswith("Airstrikes reached <b>400")


# --- Restoring a deleted object ----------------------------------------------------


def last_version(model, pk) -> int:
    return model.history.filter(id=pk).latest("history_date").history_id


def restore(workspace, user, model_name: str, model, pk: int):
    return revert_object(
        workspace=workspace,
        model_name=model_name,
        object_id=pk,
        history_id=last_version(model, pk),
        user=user,
        reason="deleted by mistake",
    )


def test_restoring_a_deleted_claim_brings_back_its_evidence(workspace, reviewer, analyst, source):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    evidence = add_evidence(
        claim=claim, passage=PassageFactory(source=source), user=analyst, stance="supports"
    )
    delete_object(Claim.objects.get(pk=claim.pk), user=analyst, reason="oops")
    outcome = restore(workspace, reviewer, "claim", Claim, claim.pk)
    assert outcome.restored
    assert Claim.objects.get(pk=claim.pk).statement == "Airstrikes reached 120 a week."
    assert Evidence.objects.get(pk=evidence.pk).claim_id == claim.pk
    assert f"evidence {Evidence.objects.get(pk=evidence.pk)} was restored too." in outcome.notes


def test_a_restored_claim_and_its_evidence_keep_when_they_were_made(workspace, reviewer, analyst, source):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    evidence = add_evidence(
        claim=claim, passage=PassageFactory(source=source), user=analyst, stance="supports"
    )
    made = {"claim": claim.created_at, "evidence": evidence.created_at}
    delete_object(Claim.objects.get(pk=claim.pk), user=analyst, reason="oops")
    restore(workspace, reviewer, "claim", Claim, claim.pk)
    back = {"claim": Claim.objects.get(pk=claim.pk), "evidence": Evidence.objects.get(pk=evidence.pk)}
    assert {name: obj.created_at for name, obj in back.items()} == made
    assert back["claim"].updated_at > made["claim"]  # the restore is a change, made now
    assert verify_workspace(workspace.pk).ok  # its history row holds the same time


def test_restoring_a_claim_leaves_evidence_deleted_on_purpose_before_it_deleted(
    workspace, reviewer, analyst, source
):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    wrong, kept = (
        add_evidence(
            claim=claim, passage=PassageFactory(source=source, start=start), user=analyst, stance="supports"
        )
        for start in (0, 20)
    )
    delete_evidence(evidence=wrong, user=analyst, reason="Wrong passage: it is about another week")
    delete_object(Claim.objects.get(pk=claim.pk), user=analyst, reason="Merging into another claim")
    outcome = restore(workspace, reviewer, "claim", Claim, claim.pk)
    assert list(Evidence.objects.filter(claim_id=claim.pk)) == [kept]
    assert [note for note in outcome.notes if note.startswith("evidence")] == [
        f"evidence {kept} was restored too."
    ]


def test_history_page_names_a_restore_as_such(client, workspace, reviewer, analyst, edited_claim):
    delete_object(Claim.objects.get(pk=edited_claim.pk), user=analyst, reason="oops")
    restore(workspace, reviewer, "claim", Claim, edited_claim.pk)
    client.force_login(reviewer)
    page = history_page(client, workspace, "claim", edited_claim.pk)
    assert page.count("Restored after its deletion") == 1


def test_restored_object_keeps_growing_its_version(workspace, reviewer, analyst, edited_claim):
    delete_object(Claim.objects.get(pk=edited_claim.pk), user=analyst, reason="oops")
    restore(workspace, reviewer, "claim", Claim, edited_claim.pk)
    assert Claim.objects.get(pk=edited_claim.pk).version == edited_claim.version + 1


def test_restoring_evidence_whose_claim_is_gone_says_so(workspace, reviewer, analyst, source):
    claim = create_claim(workspace=workspace, user=analyst, statement="Gone.")
    evidence = add_evidence(
        claim=claim, passage=PassageFactory(source=source), user=analyst, stance="refutes"
    )
    delete_object(Claim.objects.get(pk=claim.pk), user=analyst, reason="oops")
    with pytest.raises(
        ValidationError, match=r"claim .* no longer exists\. Restore the claim from its history"
    ):
        restore(workspace, reviewer, "evidence", Evidence, evidence.pk)
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_restoring_an_annotation_brings_back_its_deleted_passage(workspace, reviewer, analyst, source):
    passage = create_passage(source=source, user=analyst, start=0, end=8)
    annotation = create_annotation(passages=[passage], user=analyst, body="Check the date.")
    assert delete_annotation(
        annotation=Annotation.objects.get(pk=annotation.pk), user=analyst, reason="oops"
    ) == [passage.pk]
    outcome = restore(workspace, reviewer, "annotation", Annotation, annotation.pk)
    assert list(Annotation.objects.get(pk=annotation.pk).passages.values_list("pk", flat=True)) == [
        passage.pk
    ]
    assert f"passage {passage} was restored too." in outcome.notes


def test_a_restored_note_is_one_new_version_holding_its_passages(workspace, reviewer, analyst, source):
    passage = create_passage(source=source, user=analyst, start=0, end=8)
    note = create_annotation(passages=[passage], user=analyst, body="Check the date.")
    note = edit_annotation(
        note, user=analyst, expected_version=note.version, changes={"body": "Check the year."}
    )
    delete_annotation(annotation=note, user=analyst, reason="oops")
    deleted_at = last_version(Annotation, note.pk)
    restore(workspace, reviewer, "annotation", Annotation, note.pk)
    [row] = Annotation.history.filter(id=note.pk, history_id__gt=deleted_at)
    assert (row.version, [link.passage_id for link in row.passages.all()]) == (note.version + 1, [passage.pk])
    assert verify_workspace(workspace.pk).ok


def moved_note(analyst, source) -> Annotation:
    """A note moved from its first passage to another (version 2)."""
    first, other = (
        create_passage(source=source, user=analyst, start=start, end=start + 8) for start in (0, 10)
    )
    note = create_annotation(passages=[first], user=analyst, body="Check the date.")
    return edit_annotation(
        note, user=analyst, expected_version=note.version, changes={}, passages=[other], reason="moved"
    )


def test_reverting_only_a_notes_passages_makes_a_new_version(workspace, reviewer, analyst, source):
    note = moved_note(analyst, source)
    revert_to_first_version(note, user=reviewer, reason="the first passage has the date")
    back = Annotation.objects.get(pk=note.pk)
    newest = Annotation.history.filter(id=note.pk).latest("history_id")
    assert back.version == newest.version == note.version + 1
    assert [link.passage_id for link in newest.passages.all()] == list(
        back.passages.values_list("pk", flat=True)
    )
    assert verify_workspace(workspace.pk).ok


def test_moving_a_note_is_one_new_version_on_its_new_passages(analyst, source):
    note = moved_note(analyst, source)
    rows = list(Annotation.history.filter(id=note.pk).order_by("history_id"))
    assert [row.version for row in rows] == [1, 2]
    assert [link.passage_id for link in rows[-1].passages.all()] == list(
        note.passages.values_list("pk", flat=True)
    )


def test_reverting_a_note_to_a_version_on_no_passage_is_refused(workspace, reviewer, analyst, source):
    note = moved_note(analyst, source)
    # Rows on no passage, as moves wrote them before a move was one row: unlinked, then linked.
    linked = list(note.passages.all())
    with recorded_as(user=analyst, reason="moved the old way"):
        note.passages.clear()
        note.passages.set(linked)
    empty = next(row for row in Annotation.history.filter(id=note.pk) if not row.passages.exists())
    with pytest.raises(ValidationError, match="on no passage"):
        reverted(note, history_id=empty.history_id, user=reviewer, reason="back")
    assert Annotation.objects.get(pk=note.pk).passages.exists()


def test_restoring_a_passage_whose_text_moved_restores_it_orphaned(workspace, reviewer, ws_admin, source):
    passage = create_passage(source=source, user=ws_admin, start=0, end=8)
    delete_object(Passage.objects.get(pk=passage.pk), user=ws_admin, reason="unused")
    correct_source_text(source=source, user=ws_admin, new_text="Completely different text now.", reason="fix")
    outcome = restore(workspace, reviewer, "passage", Passage, passage.pk)
    assert Passage.objects.get(pk=passage.pk).anchor_status == "orphaned"
    assert any("restored as orphaned" in note for note in outcome.notes)


def test_restore_view_reports_what_came_back(client, reviewer, analyst, workspace, source):
    claim = ClaimFactory(workspace=workspace)
    evidence = add_evidence(
        claim=claim, passage=PassageFactory(source=source), user=analyst, stance="supports"
    )
    delete_object(Claim.objects.get(pk=claim.pk), user=analyst, reason="oops")
    client.force_login(reviewer)
    response = client.post(
        reverse("archive:revert", args=[workspace.slug, "claim", claim.pk]),
        {
            "history_id": last_version(Claim, claim.pk),
            "latest_history_id": last_version(Claim, claim.pk),
            "reason": "deleted by mistake",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Restored" in page and escape(f"evidence {evidence} was restored too.") in page


def test_restoring_a_source_names_its_version_restored_with_it_by_number(workspace, ws_admin):
    source = create_source(workspace=workspace, user=ws_admin, title="Siege", text="It began.", language="en")
    delete_object(source, user=ws_admin, reason="wrong upload")
    outcome = restore(workspace, ws_admin, "source", Source, source.pk)
    assert "version 1 of “Siege” was restored too." in outcome.notes


def test_history_names_related_objects_even_deleted_ones_and_writes_times_one_way(
    client, analyst, workspace, source
):
    from archive.audit.history import human_time
    from archive.claims import delete_claim
    from tests.factories import ClaimFactory, EvidenceFactory

    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="Named, not numbered.")
    evidence = EvidenceFactory(passage=PassageFactory(source=source), claim=claim, created_by=analyst)
    delete_claim(claim=claim, user=analyst, reason="gone")
    client.force_login(analyst)
    page = history_page(client, workspace, "evidence", evidence.pk)
    assert "claim “<bdi>Named, not numbered.</bdi>”" in page and f"claim #{claim.pk}" not in page
    assert escape(f"“{analyst}”") not in page and "analyst" in page  # users by name
    assert human_time(evidence.created_at).endswith(" UTC") and human_time(evidence.created_at) in page


# --- Values as people read them ------------------------------------------------------


def test_history_writes_a_capture_time_as_pages_write_times_not_as_stored(client, analyst, workspace):
    source = create_source(workspace=workspace, user=analyst, title="Siege", text="It began.", language="en")
    version = source.versions.get()
    client.force_login(analyst)
    page = history_page(client, workspace, "sourceversion", version.pk)
    assert human_time(version.captured_at) in page
    assert str(version.captured_at) not in page and "+00:00<" not in page


def test_history_writes_a_date_as_pages_write_dates():
    changes = field_changes(Source, {"published_on": None}, {"published_on": date(2017, 6, 3)})
    assert [change.after for change in changes] == ["June 3, 2017"]


def test_history_describes_a_stored_original_by_kind_and_hash_never_by_its_storage_path(
    client, analyst, workspace
):
    source = create_source(workspace=workspace, user=analyst, title="Siege", text="It began.", language="en")
    client.force_login(analyst)
    page = history_page(client, workspace, "source", source.pk)
    assert source.original.name not in page and "originals/" not in page
    assert f"stored file, plain text, 9\xa0bytes, SHA-256 {source.original_sha256[:12]}…" in page


def test_history_links_a_stored_original_to_its_download(client, analyst, workspace):
    source = create_source(workspace=workspace, user=analyst, title="Siege", text="It began.", language="en")
    client.force_login(analyst)
    page = history_page(client, workspace, "source", source.pk)
    download = reverse("archive:source_version_original", args=[workspace.slug, source.pk, 1])
    assert f'<a href="{download}" download>stored file, plain text' in page


def test_history_of_a_text_correction_says_when_the_text_was_corrected_not_captured(
    client, analyst, workspace
):
    source = create_source(workspace=workspace, user=analyst, title="Siege", text="It began.", language="en")
    correct_source_text(source=source, user=analyst, new_text="It began early.", reason="typo")
    client.force_login(analyst)
    page = history_page(client, workspace, "sourceversion", source.versions.get(number=2).pk)
    assert ">text corrected at</th>" in page and ">text corrected by</th>" in page
    assert "captured at" not in page.lower()


def test_history_shows_an_outlet_grade_recorded_as_changed_as_graded(client, ws_admin, workspace):
    outlet = create_outlet(workspace=workspace, user=ws_admin, name="Hawran Voice")
    graded_as_before(outlet, user=ws_admin)
    client.force_login(ws_admin)
    page = history_page(client, workspace, "outlet", outlet.pk)
    assert '<strong class="action action-graded">Graded</strong>' in page


def test_a_passage_that_could_not_be_restored_is_named_by_its_quote_and_source_by_title(
    workspace, reviewer, analyst
):
    source = create_source(
        workspace=workspace, user=analyst, title="Siege", text="The siege began in 2012.", language="en"
    )
    passage = create_passage(source=source, user=analyst, start=4, end=9)
    annotation = create_annotation(passages=[passage], user=analyst, body="Which siege?")
    delete_annotation(annotation=Annotation.objects.get(pk=annotation.pk), user=analyst, reason="oops")
    delete_source(source=Source.objects.get(pk=source.pk), user=analyst, reason="wrong upload")
    notes = restore(workspace, reviewer, "annotation", Annotation, annotation.pk).notes
    assert "passage “siege” could not be restored: Its source (source “Siege”) no longer exists." in notes
    assert not [note for note in notes if f"#{passage.pk}" in note or f"#{source.pk}" in note]


def test_history_names_a_stored_originals_kind_whatever_charset_its_media_type_says(
    client, analyst, workspace
):
    source = create_source(
        workspace=workspace,
        user=analyst,
        title="Siege",
        text="It began.",
        language="en",
        media_type="text/plain; charset=utf-8",
    )
    client.force_login(analyst)
    assert "stored file, plain text, 9\xa0bytes" in history_page(client, workspace, "source", source.pk)


def stale_revert(client, *, reviewer, analyst, workspace, claim) -> tuple[str, int]:
    """A reviewer's revert of `claim` to its first version with "typed reason", refused
    because its analyst changed it meanwhile: the page it lands on, and that version's row."""
    rows = list(claim.history.order_by("history_id"))
    edit_item(claim, user=analyst, expected_version=2, changes={"statement": "Changed meanwhile."})
    client.force_login(reviewer)
    url = reverse("archive:revert", args=[workspace.slug, "claim", claim.pk])
    posted = {
        "history_id": rows[0].history_id,
        "latest_history_id": rows[1].history_id,
        "reason": "typed reason",
    }
    return client.post(url, posted, follow=True).content.decode(), rows[0].history_id


def test_a_revert_refused_as_stale_comes_back_with_its_reason_in_its_version_form_open(
    client, reviewer, analyst, workspace, edited_claim
):
    page, first = stale_revert(
        client, reviewer=reviewer, analyst=analyst, workspace=workspace, claim=edited_claim
    )
    assert "It changed since you opened its history" in page
    form = re.search(r'<details class="revert" open>.*?</details>', page, flags=re.S)[0]
    assert f'value="{first}"' in form and "typed reason" in form


def test_a_revert_reason_kept_once_is_gone_on_the_next_visit(
    client, reviewer, analyst, workspace, edited_claim
):
    stale_revert(client, reviewer=reviewer, analyst=analyst, workspace=workspace, claim=edited_claim)
    assert "typed reason" not in history_page(client, workspace, "claim", edited_claim.pk)


def test_reverting_a_claim_tells_its_author_who_and_why(workspace, reviewer, analyst, edited_claim):
    revert_to_first_version(edited_claim, user=reviewer, reason="the figure was right")
    alert = Alert.objects.get(recipient=analyst, kind=AlertKind.REVERTED)
    assert alert.message.startswith(f"{reviewer.username} reverted your claim")
    assert alert.message.endswith(": the figure was right") and alert.claim_id == edited_claim.pk


def test_restoring_a_deleted_claim_tells_its_author(workspace, reviewer, analyst):
    from archive.claims import delete_claim

    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    delete_claim(claim=claim, user=analyst, reason="duplicate")
    reverted(claim, history_id=first_version(claim), user=reviewer, reason="not a duplicate")
    alert = Alert.objects.get(recipient=analyst, kind=AlertKind.REVERTED)
    assert alert.message.startswith(f"{reviewer.username} restored your claim")


def test_reverting_ones_own_claim_tells_nobody(workspace, ws_admin):
    claim = create_claim(workspace=workspace, user=ws_admin, statement="Airstrikes reached 120 a week.")
    edit_item(claim, user=ws_admin, expected_version=1, changes={"statement": "Reached 400."})
    revert_to_first_version(claim, user=ws_admin, reason="back")
    assert not Alert.objects.filter(kind=AlertKind.REVERTED).exists()
