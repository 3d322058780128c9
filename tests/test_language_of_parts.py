"""Text in a source's language inside an English page says which language it is in, so a
screen reader reads it in that language's voice (WCAG 3.1.2): the reading page's quotes
and the claim graph's source titles."""

from django.urls import reverse

from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory

ARABIC = "قال مدير المحطة إن المحطة توقفت عن العمل صباح الثلاثاء."


def arabic_passage(workspace, analyst):
    source = SourceFactory(workspace=workspace, text=ARABIC, language="ar", title="توقف محطة المياه")
    return PassageFactory(source=source, created_by=analyst, start=0, length=12)


def test_a_sidebar_quote_of_an_arabic_source_is_marked_as_arabic(client, workspace, analyst):
    passage = arabic_passage(workspace, analyst)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)
    client.force_login(analyst)
    page = client.get(reverse("archive:source", args=[workspace.slug, passage.source_id])).content.decode()
    assert f'<q lang="ar"><bdi>{ARABIC[:12]}</bdi></q>' in page


def test_a_quote_returned_by_an_edit_in_place_is_marked_with_its_language(client, workspace, analyst):
    passage = arabic_passage(workspace, analyst)
    note = AnnotationFactory(workspace=workspace, passages=[passage], author=analyst)
    client.force_login(analyst)
    response = client.patch(
        reverse("archive:annotation", args=[workspace.slug, note.pk]),
        {"body": "Which station?", "version": note.version},
        content_type="application/json",
    )
    assert '<q lang="ar">' in response.json()["item"]["html"], response.content


def test_the_claim_graph_marks_an_arabic_sources_title_as_arabic(client, workspace, analyst):
    passage = arabic_passage(workspace, analyst)
    claim = ClaimFactory(workspace=workspace)
    EvidenceFactory(claim=claim, passage=passage, stance="supports")
    client.force_login(analyst)
    page = client.get(reverse("archive:claim", args=[workspace.slug, claim.pk])).content.decode()
    assert 'lang="ar">توقف محطة المياه</text>' in page
