"""Links from the reading page and the claim page to provenance, history, "as of" and text correction."""

import pytest
from django.urls import reverse

from archive.audit.kinds import KINDS
from archive.models import HistoryEntry
from archive.reading.items import ItemLinks
from archive.templatetags.warrant_names import user_text_isolated
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, OutletFactory, PassageFactory


def page(client, user, name: str, *args) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def href(name: str, *args) -> str:
    return f'href="{reverse(name, args=args)}"'


MEMBERS = ["analyst", "reviewer", "ws_admin"]


# --- The reading page -----------------------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_reading_page_links_to_the_sources_provenance_and_history(client, source, role, request):
    html = page(client, request.getfixturevalue(role), "archive:source", source.workspace.slug, source.pk)
    assert href("archive:source_provenance", source.workspace.slug, source.pk) in html
    assert href("archive:object_history", source.workspace.slug, "source", source.pk) in html


@pytest.mark.parametrize("role", MEMBERS)
def test_reading_page_has_a_date_time_form_opening_the_as_of_view(client, source, role, request):
    html = page(client, request.getfixturevalue(role), "archive:source", source.workspace.slug, source.pk)
    as_of = reverse("archive:source_as_of", args=[source.workspace.slug, source.pk])
    form = html.split(f'<form method="get" action="{as_of}" class="as-of-picker">')[1].split("</form>")[0]
    assert '<input type="datetime-local" name="at"' in form


def test_reading_page_links_admins_to_the_text_correction(client, source, ws_admin):
    html = page(client, ws_admin, "archive:source", source.workspace.slug, source.pk)
    assert href("archive:source_text", source.workspace.slug, source.pk) in html


@pytest.mark.parametrize("role", ["analyst", "reviewer"])
def test_reading_page_offers_no_text_correction_to_other_roles(client, source, role, request):
    html = page(client, request.getfixturevalue(role), "archive:source", source.workspace.slug, source.pk)
    assert reverse("archive:source_text", args=[source.workspace.slug, source.pk]) not in html
    assert "Correct text" not in html


def test_each_item_on_the_reading_page_links_to_its_history(client, workspace, analyst, source):
    noted = PassageFactory(source=source, start=0)
    annotation = AnnotationFactory(workspace=workspace, passages=[noted], author=analyst)
    evidence = EvidenceFactory(
        passage=PassageFactory(source=source, start=20), claim=ClaimFactory(workspace=workspace)
    )
    plain = PassageFactory(source=source, start=40)
    html = page(client, analyst, "archive:source", workspace.slug, source.pk)
    for model, pk in [("annotation", annotation.pk), ("evidence", evidence.pk), ("passage", plain.pk)]:
        assert href("archive:object_history", workspace.slug, model, pk) in html


def test_item_history_links_open_the_items_history(client, workspace, analyst, source):
    annotation = AnnotationFactory(
        workspace=workspace, passages=[PassageFactory(source=source)], author=analyst
    )
    html = page(client, analyst, "archive:object_history", workspace.slug, "annotation", annotation.pk)
    # Named as people know it (its last recorded name), not by its id.
    title = (
        HistoryEntry.objects.filter(model="annotation", object_id=annotation.pk)
        .latest("sequence")
        .object_repr
    )
    assert f"History of annotation <q><bdi>{user_text_isolated(title)}</bdi></q>" in html


def test_source_as_of_opens_from_the_forms_date_time_format(client, source, reviewer):
    client.force_login(reviewer)
    url = reverse("archive:source_as_of", args=[source.workspace.slug, source.pk])
    response = client.get(url, {"at": "2999-01-01T00:00:00"})  # what datetime-local with step=1 sends
    assert response.status_code == 200
    assert source.title in response.content.decode()


# --- The claim page -----------------------------------------------------------------------


@pytest.fixture
def claim(workspace, source):
    claim = ClaimFactory(workspace=workspace)
    EvidenceFactory(passage=PassageFactory(source=source), claim=claim)
    return claim


@pytest.mark.parametrize("role", MEMBERS)
def test_claim_page_links_to_the_claims_history_and_evidence_trail(client, claim, role, request):
    slug = claim.workspace.slug
    html = page(client, request.getfixturevalue(role), "archive:claim", slug, claim.pk)
    assert href("archive:object_history", slug, "claim", claim.pk) in html
    assert href("archive:claim_prov_json", slug, claim.pk) in html
    assert href("archive:claim_prov_n", slug, claim.pk) in html


def test_claim_page_has_a_date_time_form_opening_the_claims_as_of_view(client, claim, analyst):
    html = page(client, analyst, "archive:claim", claim.workspace.slug, claim.pk)
    as_of = reverse("archive:claim_as_of", args=[claim.workspace.slug, claim.pk])
    form = html.split(f'<form method="get" action="{as_of}" class="as-of-picker">')[1].split("</form>")[0]
    assert '<input type="datetime-local" name="at"' in form


def test_claim_pages_evidence_links_to_its_history_and_its_sources_provenance(client, claim, source, analyst):
    evidence = claim.evidence.get()
    html = page(client, analyst, "archive:claim", claim.workspace.slug, claim.pk)
    assert href("archive:object_history", claim.workspace.slug, "evidence", evidence.pk) in html
    assert href("archive:source_provenance", claim.workspace.slug, source.pk) in html


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_tracked_object_has_a_history_link(db, kind):
    assert ItemLinks("case").history_url(kind, 7) == reverse("archive:object_history", args=["case", kind, 7])


def test_a_name_that_is_no_kind_has_no_history_link(db):
    with pytest.raises(KeyError):
        ItemLinks("case").history_url("pasage", 7)


# --- The provenance page and the outlets --------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_provenance_page_links_to_the_sources_history(client, source, role, request):
    html = page(
        client, request.getfixturevalue(role), "archive:source_provenance", source.workspace.slug, source.pk
    )
    assert href("archive:object_history", source.workspace.slug, "source", source.pk) in html


@pytest.mark.parametrize("role", MEMBERS)
def test_provenance_page_links_to_the_sources_versions(client, source, role, request):
    html = page(
        client, request.getfixturevalue(role), "archive:source_provenance", source.workspace.slug, source.pk
    )
    assert href("archive:source_versions", source.workspace.slug, source.pk) in html


# Outlets are nobody's personal objects: every member sees their history (may_see_history).
@pytest.mark.parametrize("role", MEMBERS)
def test_outlets_page_links_each_outlet_to_its_history(client, workspace, role, request):
    outlets = [OutletFactory(workspace=workspace), OutletFactory(workspace=workspace)]
    html = page(client, request.getfixturevalue(role), "archive:outlets", workspace.slug)
    for outlet in outlets:
        assert href("archive:object_history", workspace.slug, "outlet", outlet.pk) in html
