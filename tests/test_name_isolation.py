"""Names as the history records them, shown with what people wrote isolated in its own
direction: an Arabic note holding a Latin word reads in its order in an English sentence."""

from django.urls import reverse

from archive.templatetags.warrant_names import user_text_isolated
from tests.factories import AnnotationFactory, PassageFactory, SourceFactory

NOTE = "يقول مدير المحطة إن ١٢٬٠٠٠ شخص (حسب UNICEF) بلا مياه"  # noqa: RUF001 (Arabic-Indic digits are the point)


def test_a_note_isolates_its_author_and_its_text_apart_from_the_fixed_words():
    shown = user_text_isolated(f"Note by demo-analyst: {NOTE}")
    assert shown == f'Note by <bdi>demo-analyst</bdi>: <bdi lang="ar">{NOTE}</bdi>'


def test_a_passage_isolates_its_quote_inside_the_quotation_marks():
    assert user_text_isolated(f"“{NOTE}”") == f'“<bdi lang="ar">{NOTE}</bdi>”'


def test_evidence_isolates_its_quote_and_the_claim_after_its_stance():
    shown = user_text_isolated(f"“{NOTE}” gives context to The station was shelled.")
    assert shown == f'“<bdi lang="ar">{NOTE}</bdi>” gives context to <bdi>The station was shelled.</bdi>'


def test_a_rating_isolates_the_quote_and_the_hypothesis():
    shown = user_text_isolated(f"inconsistent: “{NOTE}” / Maintenance stopped it")
    assert shown == f'inconsistent: “<bdi lang="ar">{NOTE}</bdi>” / <bdi>Maintenance stopped it</bdi>'


def test_a_name_of_no_known_shape_is_left_whole_to_the_page_and_escaped():
    assert user_text_isolated("<b>Claim</b>") == "&lt;b&gt;Claim&lt;/b&gt;"


def test_the_activity_feed_isolates_an_arabic_notes_text(client, analyst, workspace):
    source = SourceFactory(workspace=workspace, language="ar", direction="rtl", text=f"{NOTE} والمزيد")
    AnnotationFactory(
        workspace=workspace, author=analyst, body=NOTE, passages=[PassageFactory(source=source)]
    )
    client.force_login(analyst)
    page = client.get(reverse("archive:activity", args=[workspace.slug])).content.decode()
    assert f'by <bdi>{analyst.username}</bdi>: <bdi lang="ar">{NOTE}</bdi>' in page
