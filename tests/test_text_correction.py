"""Correcting a source's text in the browser: who may, what is refused, and the re-anchoring summary."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive.core.text import isolated
from archive.models import Alert, AlertKind, Evidence, HistoryEntry, Passage, Role, Source
from archive.passages.correction import TEXT_REASON_REQUIRED, correct_source_text, revert_source_text
from archive.sources.writes import create_source, edit_source
from tests.factories import ClaimFactory, EvidenceFactory, MembershipFactory, PassageFactory, SourceFactory
from tests.test_permission_matrix import database_fingerprint

PLAIN = (
    "Russian airstrikes were increased, reaching 120 a week. "
    "Al-Rashideen area in Aleppo underwent more than 400 airstrikes. "
    "The city was completely surrounded in the summer of 2012."
)
# The first sentence moved to the end, the second deleted.
MOVED_AND_DELETED = (
    "The city was completely surrounded in the summer of 2012. "
    "Russian airstrikes were increased, reaching 120 a week."
)


@pytest.fixture
def article(workspace, ws_admin):
    # Through the domain, as sources come in: with its text's first version.
    return create_source(
        workspace=workspace, user=ws_admin, title="Why Aleppo fell", text=PLAIN, language="en"
    )


def passage_on(source: Source, quote: str) -> Passage:
    return PassageFactory(source=source, start=source.text.index(quote), length=len(quote))


def correction_url(source: Source) -> str:
    return reverse("archive:source_text", args=[source.workspace.slug, source.pk])


def post_correction(client, user, source: Source, **fields):
    client.force_login(user)
    data = {"version": source.version, "text": source.text, "reason": "typo in the lead"} | fields
    return client.post(correction_url(source), data)


def notes(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Who may ----------------------------------------------------------------------------


def test_admin_gets_the_form_with_the_text_in_the_sources_direction(client, workspace, ws_admin):
    text = "قال مدير المحطة إن درعا صمدت."
    source = SourceFactory(workspace=workspace, text=text, language="ar", direction="rtl")
    client.force_login(ws_admin)
    response = client.get(correction_url(source))
    assert response.status_code == 200
    textarea = response.content.decode().split("<textarea")[1].split("</textarea>")[0]
    assert 'dir="rtl"' in textarea
    assert textarea.endswith(f">\n{text}")


@pytest.mark.parametrize("role", ["analyst", "reviewer"])
def test_analysts_and_reviewers_are_refused(client, article, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(correction_url(article)).status_code == 403


def test_analyst_post_is_refused_and_changes_nothing(client, article, analyst):
    response = post_correction(client, analyst, article, text="Changed.")
    assert response.status_code == 403
    assert Source.objects.get(pk=article.pk).text == PLAIN


def test_outsider_gets_404(client, article, outsider):
    client.force_login(outsider)
    assert client.get(correction_url(article)).status_code == 404


def test_source_of_another_workspace_is_404_for_an_admin(client, ws_admin):
    elsewhere = SourceFactory()
    client.force_login(ws_admin)
    url = reverse("archive:source_text", args=["southern-syria-2017", elsewhere.pk])
    assert client.get(url).status_code == 404


# --- A correction -----------------------------------------------------------------------


def test_correction_saves_the_text_and_goes_back_to_the_reading_page(client, article, ws_admin):
    response = post_correction(client, ws_admin, article, text="Heavy " + PLAIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("archive:source", args=[article.workspace.slug, article.pk])
    stored = Source.objects.get(pk=article.pk)
    assert (stored.text, stored.version) == ("Heavy " + PLAIN, article.version + 1)


def test_correction_records_the_admin_and_reason_in_the_history(client, article, ws_admin):
    post_correction(client, ws_admin, article, text="Heavy " + PLAIN, reason="missing adjective")
    latest = article.history.first()
    assert (latest.history_user, latest.history_change_reason) == (ws_admin, "missing adjective")


def test_browser_line_breaks_are_stored_as_newlines(client, article, ws_admin):
    post_correction(client, ws_admin, article, text=PLAIN + "\r\nAddendum.")
    assert Source.objects.get(pk=article.pk).text == PLAIN + "\nAddendum."


def test_summary_counts_each_status_and_names_the_orphan(client, article, ws_admin):
    passage_on(article, "reaching 120 a week")
    passage_on(article, "completely surrounded")
    passage_on(article, "more than 400 airstrikes")
    response = post_correction(client, ws_admin, article, text=MOVED_AND_DELETED)
    assert notes(response) == [
        "Text corrected (now version 2 of its text). "
        "3 passages re-anchored: 1 exact, 1 moved, 0 fuzzy, 1 orphaned.",
        "Not found in the new text: “more than 400 airstrikes”",
    ]


def test_summary_of_a_source_without_passages_says_so(client, article, ws_admin):
    response = post_correction(client, ws_admin, article, text="Heavy " + PLAIN)
    assert notes(response) == [
        "Text corrected (now version 2 of its text). The source has no passages to re-anchor."
    ]


def test_the_versions_said_are_the_texts_not_the_records_edits(client, article, ws_admin):
    edit_source(
        source=article, user=ws_admin, changes={"title": "Renamed"}, reason="typo", expected_version=None
    )
    client.force_login(ws_admin)
    assert "This is version 1 of its text." in client.get(correction_url(article)).content.decode()
    response = post_correction(client, ws_admin, Source.objects.get(pk=article.pk), text="Heavy " + PLAIN)
    assert notes(response)[0].startswith("Text corrected (now version 2 of its text).")


def test_summary_names_the_first_orphans_and_counts_the_rest(client, workspace, ws_admin):
    words = [f"word{n:02d}" for n in range(12)]
    source = SourceFactory(workspace=workspace, text=" ".join(words))
    for word in words:
        passage_on(source, word)
    response = post_correction(client, ws_admin, source, text="Nothing of the old text is left.")
    orphan_notes = notes(response)[1:]
    assert orphan_notes[0] == "Not found in the new text: “word00”"
    assert orphan_notes[-1] == (
        "… and 2 more orphaned passages, listed under “Not found in the current text”."
    )
    assert len(orphan_notes) == 11


def test_reading_page_shows_the_summary_after_the_correction(client, article, ws_admin):
    passage_on(article, "more than 400 airstrikes")
    response = post_correction(client, ws_admin, article, text=MOVED_AND_DELETED)
    page = client.get(response["Location"]).content.decode()
    assert "1 passage re-anchored: 0 exact, 0 moved, 0 fuzzy, 1 orphaned." in page
    assert "Not found in the new text: “more than 400 airstrikes”" in page


# --- Refusals ---------------------------------------------------------------------------


def test_stale_version_is_refused_and_keeps_the_other_correction(client, article, ws_admin, workspace):
    stale = article.version
    correct_source_text(source=article, user=ws_admin, new_text="Update: " + PLAIN, reason="dateline")
    response = post_correction(client, ws_admin, article, version=stale, text="Mine: " + PLAIN)
    assert response.status_code == 409
    assert Source.objects.get(pk=article.pk).text == "Update: " + PLAIN


def test_stale_version_says_who_changed_it_and_keeps_the_admins_text(client, article, ws_admin, analyst):
    stale = article.version
    correct_source_text(source=article, user=analyst, new_text="Update: " + PLAIN, reason="dateline")
    page = post_correction(client, ws_admin, article, version=stale, text="Mine: " + PLAIN).content.decode()
    assert "Not saved: analyst changed this text while you were correcting it." in page
    assert f"Mine: {PLAIN}</textarea>" in page
    assert '<input type="hidden" name="version" value="2"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": ""}, "Say why: the reason is kept in the history."),
        ({"reason": "   "}, "Say why: the reason is kept in the history."),
        ({"text": ""}, "The text cannot be empty."),
        ({"text": " \r\n "}, "The text cannot be empty."),
    ],
    ids=["no reason", "blank reason", "no text", "blank text"],
)
def test_missing_text_or_reason_is_refused_and_writes_nothing(client, article, ws_admin, fields, message):
    passage_on(article, "reaching 120 a week")
    before = database_fingerprint()
    response = post_correction(client, ws_admin, article, **({"text": "Heavy " + PLAIN} | fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert database_fingerprint() == before


def test_refused_correction_keeps_what_the_admin_typed(client, article, ws_admin):
    response = post_correction(client, ws_admin, article, text="Heavy " + PLAIN, reason="")
    assert f"Heavy {PLAIN}</textarea>" in response.content.decode()


def test_missing_version_is_refused(client, article, ws_admin):
    client.force_login(ws_admin)
    response = client.post(correction_url(article), {"text": "Heavy " + PLAIN, "reason": "typo"})
    assert response.status_code == 400
    assert Source.objects.get(pk=article.pk).text == PLAIN


def test_unchanged_text_saves_nothing_and_says_so(client, article, ws_admin):
    passage_on(article, "reaching 120 a week")
    before = database_fingerprint()
    response = post_correction(client, ws_admin, article, text=PLAIN)
    assert response.status_code == 302
    assert notes(response) == ["The text is unchanged: nothing was saved."]
    assert database_fingerprint() == before


@pytest.mark.parametrize("text", ["   \n ", "The station\x1b[31m stopped."], ids=["blank", "escape-code"])
def test_a_corrected_text_obeys_the_rules_of_every_sources_text(article, ws_admin, text):
    with pytest.raises(ValidationError) as refused:
        correct_source_text(source=article, user=ws_admin, new_text=text, reason="cleanup")
    assert "text" in refused.value.message_dict
    article.refresh_from_db()
    assert (article.version, article.text, article.versions.count()) == (
        1,
        PLAIN,
        1,
    )  # its first version only


def test_a_text_correction_without_a_reason_is_refused_on_every_path_and_changes_nothing(workspace, ws_admin):
    source = SourceFactory(workspace=workspace, text="The pumps stopped at dawn.")
    with pytest.raises(ValidationError) as refused:
        correct_source_text(source=source, user=ws_admin, new_text="The pumps stopped at noon.", reason="  ")
    assert refused.value.message_dict == {"reason": [TEXT_REASON_REQUIRED]}
    source.refresh_from_db()
    assert (source.text, source.version, source.versions.count()) == ("The pumps stopped at dawn.", 1, 0)


# --- Who hears of it ----------------------------------------------------------------------


def cite(source: Source, quote: str, statement: str) -> Evidence:
    claim = ClaimFactory(workspace=source.workspace, statement=statement)
    return EvidenceFactory(workspace=source.workspace, claim=claim, passage=passage_on(source, quote))


def alerted(kind: str) -> set[tuple[str, int]]:
    return {(alert.recipient.username, alert.evidence_id) for alert in Alert.objects.filter(kind=kind)}


CORRECTED = PLAIN.replace(
    "reaching 120 a week. Al-Rashideen area in Aleppo underwent more than 400 airstrikes.",
    "reaching 130 a week.",
)


def test_a_correction_alerts_each_contributor_but_its_author_of_the_cited_text_it_changed_or_removed(
    article, workspace, ws_admin, analyst, reviewer
):
    other_admin = MembershipFactory(workspace=workspace, role=Role.ADMIN).user
    changed = cite(article, "reaching 120 a week", "Strikes reached 120 a week.")
    removed = cite(article, "more than 400 airstrikes", "Al-Rashideen took 400 strikes.")
    cite(article, "completely surrounded", "The city was surrounded.")  # untouched: no news
    correct_source_text(source=article, user=ws_admin, new_text=CORRECTED, reason="the figures were wrong")
    told = {analyst.username, other_admin.username}  # not the reviewer: reviewers do not cite
    assert alerted(AlertKind.EVIDENCE_CHANGED) == {(name, changed.pk) for name in told}
    assert alerted(AlertKind.EVIDENCE_REMOVED) == {(name, removed.pk) for name in told}


QUOTES = ("reaching 120 a week", "reaching 130 a week")


def test_a_corrections_alert_quotes_the_cited_words_before_and_after(article, ws_admin, analyst):
    cite(article, "reaching 120 a week", "Strikes reached 120 a week.")
    correct_source_text(source=article, user=ws_admin, new_text=CORRECTED, reason="the figures were wrong")
    alert = Alert.objects.get(recipient=analyst)
    claim, was, now = (isolated(words) for words in ("Strikes reached 120 a week.", *QUOTES))
    assert alert.message == (
        f"version 2 of “Why Aleppo fell” changed the text cited for the claim “{claim}”: "
        f"“{was}” now reads “{now}”"
    )
    reason = HistoryEntry.objects.get(model="alert", object_id=alert.pk).reason
    assert reason == "version 2 of “Why Aleppo fell”, a text correction: cited text changed"


def test_a_correction_that_only_moves_cited_words_alerts_nobody(article, ws_admin, analyst):
    cite(article, "reaching 120 a week", "Strikes reached 120 a week.")
    correct_source_text(source=article, user=ws_admin, new_text=MOVED_AND_DELETED, reason="reordered")
    assert not Alert.objects.exists()


def test_undoing_a_correction_alerts_those_citing_the_words_it_changes_back(article, ws_admin, analyst):
    evidence = cite(article, "reaching 120 a week", "Strikes reached 120 a week.")
    correct_source_text(source=article, user=ws_admin, new_text=CORRECTED, reason="the figures were wrong")
    Alert.objects.all().delete()
    revert_source_text(source=article, user=ws_admin, text=PLAIN, reason="the figures were right")
    assert alerted(AlertKind.EVIDENCE_CHANGED) == {(analyst.username, evidence.pk)}


def test_a_corrections_alert_links_to_what_the_correction_changed(client, article, ws_admin, analyst):
    cite(article, "reaching 120 a week", "Strikes reached 120 a week.")
    correct_source_text(source=article, user=ws_admin, new_text=CORRECTED, reason="the figures were wrong")
    client.force_login(analyst)
    page = client.get(reverse("archive:alerts")).content.decode()
    compare = reverse("archive:source_compare", args=[article.workspace.slug, article.pk])
    assert f'href="{compare}?older=1&amp;newer=2">what changed</a>' in page
