"""Time travel: a source or a claim as it stood at a past moment."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from archive.audit.asof import claim_as_of, marked_text, source_as_of
from archive.audit.history import human_time
from archive.claims import add_evidence, create_annotation, create_claim, edit_item
from archive.core.editing import delete_object
from archive.core.graphemes import shorten
from archive.models import Claim
from archive.passages.correction import correct_source_text
from archive.passages.writes import create_passage
from tests.factories import SourceFactory, WorkspaceFactory


@pytest.fixture
def timeline(workspace, analyst, ws_admin, source):
    """Moments before and after a source is annotated, cited and corrected."""
    moments = {"created": timezone.now()}
    start = source.text.index("Aleppo")
    passage = create_passage(source=source, user=analyst, start=start, end=start + len("Aleppo"))
    create_annotation(passages=[passage], user=analyst, body="Which district?")
    claim = create_claim(workspace=workspace, user=analyst, statement="Al-Rashideen saw 400 airstrikes.")
    add_evidence(claim=claim, passage=passage, user=analyst, stance="supports")
    moments["annotated"] = timezone.now()
    correct_source_text(source=source, user=ws_admin, new_text="Update: " + source.text, reason="dateline")
    edit_item(claim, user=analyst, expected_version=1, changes={"statement": "Al-Rashideen saw 450."})
    moments["corrected"] = timezone.now()
    return {"moments": moments, "source": source, "claim": claim, "passage": passage}


def test_source_as_of_before_annotation_has_its_text_and_nothing_else(workspace, timeline):
    state = source_as_of(
        workspace=workspace, source_id=timeline["source"].pk, at=timeline["moments"]["created"]
    )
    assert state.source.text == timeline["source"].text
    assert (state.passages, state.annotations, state.evidence) == ([], [], [])


def test_source_as_of_after_annotation_has_passages_annotations_and_evidence(workspace, timeline):
    state = source_as_of(
        workspace=workspace, source_id=timeline["source"].pk, at=timeline["moments"]["annotated"]
    )
    [passage] = state.passages
    assert state.source.text[passage.start : passage.end] == "Aleppo"
    assert [item.annotation.body for item in state.annotations] == ["Which district?"]
    assert [item.claim.statement for item in state.evidence] == ["Al-Rashideen saw 400 airstrikes."]


def test_source_as_of_after_correction_has_the_new_text_and_moved_passage(workspace, timeline):
    state = source_as_of(
        workspace=workspace, source_id=timeline["source"].pk, at=timeline["moments"]["corrected"]
    )
    [passage] = state.passages
    assert state.source.text.startswith("Update: ")
    assert state.source.text[passage.start : passage.end] == "Aleppo"


def test_source_as_of_the_moment_its_history_records_the_correction_has_the_passage_moved(
    workspace, timeline
):
    """The moment the history page's "as it was then" link gives: the correction's own."""
    source = timeline["source"]
    corrected_at = source.history.filter(text__startswith="Update: ").earliest("history_date").history_date
    state = source_as_of(workspace=workspace, source_id=source.pk, at=corrected_at)
    [passage] = state.passages
    assert state.source.text[passage.start : passage.end] == "Aleppo"


def test_source_before_it_existed_is_none(workspace, timeline):
    earlier = timeline["moments"]["created"] - timedelta(days=1)
    assert source_as_of(workspace=workspace, source_id=timeline["source"].pk, at=earlier) is None


def test_claim_as_of_shows_the_statement_and_evidence_of_then(workspace, timeline):
    state = claim_as_of(
        workspace=workspace, claim_id=timeline["claim"].pk, at=timeline["moments"]["annotated"]
    )
    assert state.claim.statement == "Al-Rashideen saw 400 airstrikes."
    [item] = state.evidence
    assert (item.evidence.stance, item.passage.exact, item.source.title) == (
        "supports",
        "Aleppo",
        timeline["source"].title,
    )


def test_claim_as_of_after_its_deletion_is_none(workspace, timeline, analyst):
    claim_id = timeline["claim"].pk
    delete_object(Claim.objects.get(pk=claim_id), user=analyst, reason="merged")
    assert claim_as_of(workspace=workspace, claim_id=claim_id, at=timezone.now()) is None
    assert (
        claim_as_of(workspace=workspace, claim_id=claim_id, at=timeline["moments"]["corrected"]) is not None
    )


def test_marked_text_cuts_at_passage_boundaries_with_overlaps():
    class P:
        def __init__(self, id, start, end):
            self.id, self.start, self.end, self.anchor_status = id, start, end, "exact"

    stretches = marked_text("abcdefgh", [P(1, 1, 5), P(2, 3, 7)])
    assert [(s.text, s.passage_ids) for s in stretches] == [
        ("a", ()),
        ("bc", (1,)),
        ("de", (1, 2)),
        ("fg", (2,)),
        ("h", ()),
    ]


# --- Views ---------------------------------------------------------------------


def as_of_page(client, name: str, workspace, object_id: int, at=None):
    params = {"at": at.isoformat()} if at else {}
    return client.get(reverse(f"archive:{name}", args=[workspace.slug, object_id]), params)


def test_as_of_page_names_its_moment_to_the_millisecond(client, analyst, workspace, timeline, monkeypatch):
    """Versions saved within one second are told apart by the moment each shows."""
    client.force_login(analyst)
    at = (timeline["moments"]["corrected"] + timedelta(seconds=1)).replace(microsecond=502_000)
    later = at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # a moment past, not still to come
    page = as_of_page(client, "claim_as_of", workspace, timeline["claim"].pk, at).content.decode()
    assert f"as it stood on {human_time(at, exact=True)}" in strip_tags(page)
    assert human_time(at, exact=True).endswith(f":{at.second:02d}.502 UTC")


def test_source_as_of_page_shows_old_text_with_a_read_only_banner(client, reviewer, workspace, timeline):
    client.force_login(reviewer)
    page = as_of_page(
        client, "source_as_of", workspace, timeline["source"].pk, timeline["moments"]["annotated"]
    ).content.decode()
    assert "Read-only: as it stood on" in page
    assert "Update: " not in page
    # Coloured as on the reading page: the passage supports a claim.
    assert '<mark class="then hl hl-supports">Aleppo</mark>' in page
    assert "Which district?" in page
    assert reverse("archive:source", args=[workspace.slug, timeline["source"].pk]) in page
    main = page[page.index("<main") :]
    assert "<textarea" not in main and 'method="post"' not in main


def test_claim_as_of_page_shows_the_old_statement(client, analyst, workspace, timeline):
    client.force_login(analyst)
    page = as_of_page(
        client, "claim_as_of", workspace, timeline["claim"].pk, timeline["moments"]["annotated"]
    ).content.decode()
    assert "Al-Rashideen saw 400 airstrikes." in page and "Al-Rashideen saw 450." not in page
    assert reverse("archive:claim", args=[workspace.slug, timeline["claim"].pk]) in page


def test_as_of_page_says_when_the_object_did_not_exist_yet(client, analyst, workspace, timeline):
    client.force_login(analyst)
    earlier = timeline["moments"]["created"] - timedelta(days=1)
    page = as_of_page(client, "source_as_of", workspace, timeline["source"].pk, earlier).content.decode()
    assert "did not exist yet on" in page


def test_as_of_page_of_a_deleted_claim_says_when_by_whom_and_why_and_links_the_moment_before(
    client, analyst, workspace, timeline
):
    claim_id = timeline["claim"].pk
    delete_object(Claim.objects.get(pk=claim_id), user=analyst, reason="merged into another claim")
    client.force_login(analyst)
    page = as_of_page(client, "claim_as_of", workspace, claim_id, timezone.now()).content.decode()
    assert "It had been deleted by" in page and "merged into another claim" in page
    before = re.search(r'href="\?at=([^"]+)">As it was just before its deletion', page)
    earlier = client.get(reverse("archive:claim_as_of", args=[workspace.slug, claim_id]) + "?at=" + before[1])
    assert "Al-Rashideen saw 450." in earlier.content.decode()


def test_as_of_page_explains_a_bad_date(client, analyst, workspace, timeline):
    client.force_login(analyst)
    url = reverse("archive:source_as_of", args=[workspace.slug, timeline["source"].pk])
    page = client.get(url, {"at": "yesterday-ish"}).content.decode()
    assert "Enter a valid date/time." in page


def test_as_of_page_of_another_workspaces_source_is_404(client, analyst, workspace):
    foreign = SourceFactory(workspace=WorkspaceFactory())
    client.force_login(analyst)
    assert as_of_page(client, "source_as_of", workspace, foreign.pk, timezone.now()).status_code == 404


def test_outsider_gets_404_for_as_of_pages(client, outsider, workspace, timeline):
    client.force_login(outsider)
    assert (
        as_of_page(client, "claim_as_of", workspace, timeline["claim"].pk, timezone.now()).status_code == 404
    )


@pytest.mark.parametrize(
    ("motivation", "body", "kind", "label"),
    [
        ("questioning", "Which district?", "question", '<span class="meta">Question · draft</span>'),
        ("highlighting", "", "highlight", ""),
    ],
)
def test_source_as_of_page_colours_and_labels_a_kind_as_the_reading_page_does(
    client, analyst, workspace, motivation, body, kind, label
):
    source = SourceFactory(workspace=workspace, text="Who shelled Aleppo?")
    passage = create_passage(source=source, user=analyst, start=12, end=18)
    create_annotation(passages=[passage], user=analyst, body=body, motivation=motivation)
    client.force_login(analyst)
    page = as_of_page(client, "source_as_of", workspace, source.pk, timezone.now()).content.decode()
    assert f'<mark class="then hl hl-{kind}">Aleppo</mark>' in page
    assert f'<span class="role role-{kind}">{kind}</span>{" " + label if label else ""}' in page


# What a browser keeps in a datetime-local input; it blanks anything else.
DATETIME_LOCAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?")


def picker_value(page: str) -> str:
    """The picker's value as a browser would submit it: empty unless a valid datetime-local value."""
    match = re.search(r'<input type="datetime-local" name="at" value="([^"]*)"', page)
    value = match.group(1) if match else ""
    return value if DATETIME_LOCAL.fullmatch(value) else ""


def test_as_of_picker_shows_the_linked_moment_in_utc_as_a_datetime_local_value(
    client, analyst, workspace, timeline
):
    client.force_login(analyst)
    at = datetime(2026, 12, 5, 20, 8, 52, 119000, tzinfo=timezone.get_fixed_timezone(60))
    page = as_of_page(client, "claim_as_of", workspace, timeline["claim"].pk, at).content.decode()
    assert picker_value(page) == "2026-12-05T19:08:52.119"


def test_as_of_picker_submitted_unchanged_shows_the_same_version_as_the_history_link(
    client, analyst, workspace, timeline
):
    client.force_login(analyst)
    created = timeline["claim"].history.earliest("history_date").history_date
    url = reverse("archive:claim_as_of", args=[workspace.slug, timeline["claim"].pk])
    linked = client.get(url, {"at": created.isoformat()}).content.decode()
    again = client.get(url, {"at": picker_value(linked)}).content.decode()
    assert "Al-Rashideen saw 400 airstrikes." in again


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
@pytest.mark.parametrize("name", ["source_as_of", "claim_as_of"])
def test_as_of_page_explains_a_moment_beyond_the_calendar(client, analyst, workspace, timeline, name, at):
    client.force_login(analyst)
    kind = "source" if name == "source_as_of" else "claim"
    response = client.get(reverse(f"archive:{name}", args=[workspace.slug, timeline[kind].pk]), {"at": at})
    assert response.status_code in (200, 400)
    assert "out of range" in response.content.decode()


@pytest.mark.parametrize(("name", "kind", "now_text"), [
    ("claim_as_of", "claim", "Al-Rashideen saw 450."),
    ("source_as_of", "source", "Update: "),
])  # fmt: skip
def test_as_of_page_of_a_moment_in_the_future_says_so_and_shows_it_as_it_stands_now(
    client, analyst, workspace, timeline, name, kind, now_text
):
    client.force_login(analyst)
    future = timezone.now() + timedelta(days=3650)
    page = as_of_page(client, name, workspace, timeline[kind].pk, future).content.decode()
    banner = strip_tags(page)
    assert f"{human_time(future, exact=True)} is in the future, so this is how it stands now" in banner
    assert "as it stood on" not in banner
    assert now_text in page


def test_as_of_page_of_a_moment_in_the_future_of_a_deleted_claim_says_it_has_been_deleted(
    client, analyst, workspace, timeline
):
    claim_id = timeline["claim"].pk
    delete_object(Claim.objects.get(pk=claim_id), user=analyst, reason="merged into another claim")
    client.force_login(analyst)
    future = timezone.now() + timedelta(days=1)
    page = strip_tags(as_of_page(client, "claim_as_of", workspace, claim_id, future).content.decode())
    assert "is in the future, and it has been deleted" in page and "merged into another claim" in page


def test_source_as_of_page_names_an_evidences_passage_by_its_quote_not_its_id(
    client, analyst, workspace, timeline
):
    client.force_login(analyst)
    passage = timeline["passage"]
    page = as_of_page(
        client, "source_as_of", workspace, timeline["source"].pk, timeline["moments"]["annotated"]
    ).content.decode()
    evidence = page[page.index("<h2>Evidence</h2>") :]
    assert f'· on <a href="#passage-{passage.pk}"><q><bdi>Aleppo</bdi></q></a>' in evidence
    assert f">#{passage.pk}<" not in page


def test_source_as_of_page_names_an_annotations_passage_by_its_shortened_quote(client, analyst, workspace):
    quote = "The water station at Al-Khafsa stopped pumping after the shelling of 3 March 👩🏽‍🚒."
    source = SourceFactory(workspace=workspace, text=f"{quote} More follows.")
    passage = create_passage(source=source, user=analyst, start=0, end=len(quote))
    create_annotation(passages=[passage], user=analyst, body="Which station?")
    client.force_login(analyst)
    page = as_of_page(client, "source_as_of", workspace, source.pk, timezone.now()).content.decode()
    annotations = page[page.index("<h2>Annotations</h2>") : page.index("<h2>Evidence</h2>")]
    assert f'on <a href="#passage-{passage.pk}"><q><bdi>{shorten(quote, 60)}</bdi></q></a>' in annotations
    assert f">#{passage.pk}<" not in page


def test_source_as_of_page_places_a_passage_by_its_share_of_the_text_not_its_offsets(
    client, analyst, workspace
):
    source = SourceFactory(workspace=workspace, text="a" * 60 + "Aleppo" + "b" * 34)
    create_passage(source=source, user=analyst, start=60, end=66)
    client.force_login(analyst)
    page = as_of_page(client, "source_as_of", workspace, source.pk, timezone.now()).content.decode()
    assert '<q><bdi>Aleppo</bdi></q> <span class="meta">about 60% into the text · exact</span>' in page
    assert "60\u201366" not in page
