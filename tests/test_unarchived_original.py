"""A source derived from an original that is not archived: what is known of the original
(title or address, outlet, language, date), recorded with its kind of derivation on the
derivation page, the API and the admin, shown and exported everywhere a derivation is,
marked "not archived"; switched to the archived source once it is archived."""

import datetime
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from prov.model import ProvDocument

from archive.audit.ledger import live_ledger, verify_workspace
from archive.claims.graph import build_claim_graph
from archive.findings.package import evidence_package
from archive.models import Derivation, Source, UnarchivedOriginal
from archive.sources.writes import set_derivation
from tests.factories import ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory
from tests.support import api_client_for, etag_of, field_errors
from tests.test_findings import resign_as_a_forger, rewritten, verify

pytestmark = pytest.mark.django_db

ARABIC_REPORT = UnarchivedOriginal(
    title="محطة المياه خارج الخدمة",
    url="https://baladi-news.example/ar/2017/water",
    outlet="Baladi News",
    language="ar",
    published_on=datetime.date(2017, 7, 4),
)


@pytest.fixture
def translation(workspace):
    return SourceFactory(workspace=workspace, title="Water station out of service", language="en")


@pytest.fixture
def described(translation, ws_admin):
    """The translation, recorded as one of the Arabic report, which is not archived."""
    return set_derivation(
        source=translation,
        user=ws_admin,
        derived_from=None,
        unarchived_original=ARABIC_REPORT,
        derivation=Derivation.TRANSLATION,
        reason="the outlet's Arabic page is offline",
    )


def describe(source, user, original: UnarchivedOriginal, **options) -> Source:
    options = {"derived_from": None, "derivation": Derivation.TRANSLATION, "reason": "x", **options}
    return set_derivation(source=source, user=user, unarchived_original=original, **options)


# --- The domain rule ------------------------------------------------------------------


def test_a_source_records_the_original_it_derives_from_that_is_not_archived(described):
    described.refresh_from_db()
    assert (described.derived_from, described.derivation) == (None, "translation")
    assert described.unarchived_original == ARABIC_REPORT


def test_an_archived_source_and_an_unarchived_original_together_are_refused(workspace, translation, ws_admin):
    original = SourceFactory(workspace=workspace)
    with pytest.raises(ValidationError) as refused:
        describe(translation, ws_admin, ARABIC_REPORT, derived_from=original)
    assert "not both" in refused.value.message_dict["derived_from"][0]
    translation.refresh_from_db()
    assert (translation.derived_from, translation.unarchived_original) == (None, None)


def test_the_database_refuses_an_archived_source_and_an_unarchived_original_together(workspace, described):
    original = SourceFactory(workspace=workspace)
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=described.pk).update(derived_from=original)


def test_an_unarchived_original_needs_its_title_or_its_address(translation, ws_admin):
    with pytest.raises(ValidationError) as refused:
        describe(translation, ws_admin, UnarchivedOriginal(outlet="Baladi News", language="ar"))
    assert "title or the address" in refused.value.message_dict["unarchived_title"][0]


def test_the_database_refuses_details_of_an_unarchived_original_without_its_title_or_address(translation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=translation.pk).update(unarchived_outlet="Baladi News")


def test_an_unarchived_original_needs_its_kind_of_derivation(translation, ws_admin):
    with pytest.raises(ValidationError) as refused:
        describe(translation, ws_admin, ARABIC_REPORT, derivation="")
    assert "derivation" in refused.value.message_dict


def test_an_unarchived_originals_language_must_be_a_bcp47_tag(translation, ws_admin):
    with pytest.raises(ValidationError) as refused:
        describe(translation, ws_admin, UnarchivedOriginal(title="Report", language="Arabic!"))
    assert "BCP 47" in refused.value.message_dict["unarchived_language"][0]


def test_an_unarchived_originals_implausible_publication_date_is_refused(translation, ws_admin):
    with pytest.raises(ValidationError) as refused:
        describe(
            translation, ws_admin, UnarchivedOriginal(title="Report", published_on=datetime.date(1, 1, 1))
        )
    assert "plausible" in refused.value.message_dict["unarchived_published_on"][0]


def test_recording_an_unarchived_original_needs_a_reason(translation, ws_admin):
    with pytest.raises(ValidationError) as refused:
        describe(translation, ws_admin, ARABIC_REPORT, reason=" ")
    assert "Say why the derivation changes" in refused.value.message_dict["reason"][0]


def test_the_history_keeps_the_unarchived_original_with_its_reason(described, ws_admin):
    newest = described.history.latest("history_id")
    assert (newest.unarchived_title, newest.unarchived_url, newest.history_change_reason) == (
        ARABIC_REPORT.title,
        ARABIC_REPORT.url,
        "the outlet's Arabic page is offline",
    )
    assert newest.history_user == ws_admin


def test_linking_the_original_once_archived_clears_its_description_with_the_history_keeping_it(
    workspace, described, ws_admin
):
    archived = SourceFactory(workspace=workspace, title=ARABIC_REPORT.title, language="ar")
    set_derivation(
        source=described,
        user=ws_admin,
        derived_from=archived,
        derivation=Derivation.TRANSLATION,
        reason="archived from the Wayback Machine",
    )
    described.refresh_from_db()
    assert (described.derived_from, described.unarchived_original) == (archived, None)
    newest, before = described.history.order_by("-history_id")[:2]
    assert (newest.unarchived_title, newest.history_change_reason) == (
        "",
        "archived from the Wayback Machine",
    )
    assert before.unarchived_title == ARABIC_REPORT.title
    assert verify_workspace(described.workspace_id).ok


def test_a_source_without_an_unarchived_original_is_hashed_as_before_its_columns_existed(
    workspace, ws_admin, described
):
    """So that the entries written before the columns existed still verify; a described one is hashed."""
    plain = SourceFactory(workspace=workspace)
    set_derivation(source=plain, user=ws_admin, derived_from=None, derivation="", reason="checked")
    ledger = live_ledger()
    plain_row, described_row = (
        source.history.latest("history_id").history_id for source in (plain, described)
    )
    assert not {name for name in ledger.serialize("source", [plain_row])[plain_row] if "unarchived" in name}
    hashed = ledger.serialize("source", [described_row])[described_row]
    assert (hashed["unarchived_title"], hashed["unarchived_published_on"]) == (
        ARABIC_REPORT.title,
        ARABIC_REPORT.published_on,
    )
    assert verify_workspace(workspace.pk).ok


# --- The derivation page -------------------------------------------------------------------


def derivation_form(source, **fields) -> dict:
    """The derivation page's form of `source`, as the browser posts it."""
    return {
        "version": source.version,
        "derivation": source.derivation,
        "derived_from": source.derived_from_id or "",
        "unarchived_title": source.unarchived_title,
        "unarchived_url": source.unarchived_url,
        "unarchived_outlet": source.unarchived_outlet,
        "unarchived_language": source.unarchived_language,
        "unarchived_published_on": source.unarchived_published_on or "",
        "reason": "x",
        **fields,
    }


def post_derivation(client, user, source, **fields):
    client.force_login(user)
    url = reverse("archive:source_derivation", args=[source.workspace.slug, source.pk])
    return client.post(url, derivation_form(source, **fields))


def test_an_admin_records_an_unarchived_original_on_the_derivation_page(client, ws_admin, translation):
    response = post_derivation(
        client,
        ws_admin,
        translation,
        derivation="translation",
        unarchived_title=ARABIC_REPORT.title,
        unarchived_url="baladi-news.example/ar/2017/water",
        unarchived_outlet="Baladi News",
        unarchived_language="ar",
        unarchived_published_on="2017-07-04",
        reason="the Arabic page is offline",
    )
    assert response.status_code == 302
    translation.refresh_from_db()
    assert translation.unarchived_original == ARABIC_REPORT
    assert translation.history.latest("history_id").history_change_reason == "the Arabic page is offline"


def test_the_derivation_page_links_the_archived_original_in_place_of_the_description_shown(
    client, workspace, ws_admin, described
):
    archived = SourceFactory(workspace=workspace, title="The Arabic report, archived")
    response = post_derivation(client, ws_admin, described, derived_from=archived.pk, reason="archived now")
    assert response.status_code == 302
    described.refresh_from_db()
    assert (described.derived_from, described.unarchived_original) == (archived, None)


def test_the_derivation_page_refuses_a_new_description_beside_an_archived_source(
    client, workspace, ws_admin, translation
):
    archived = SourceFactory(workspace=workspace)
    response = post_derivation(
        client,
        ws_admin,
        translation,
        derivation="translation",
        derived_from=archived.pk,
        unarchived_title="Other",
    )
    assert response.status_code == 400
    assert "not both" in response.content.decode()
    translation.refresh_from_db()
    assert (translation.derived_from, translation.unarchived_original) == (None, None)


def test_the_derivation_page_shows_the_unarchived_original_it_records(client, ws_admin, described):
    client.force_login(ws_admin)
    page = client.get(reverse("archive:source_derivation", args=[described.workspace.slug, described.pk]))
    assert f'value="{ARABIC_REPORT.url}"' in page.content.decode()
    assert "Or an original that is not archived" in page.content.decode()


@pytest.mark.parametrize("role", ["analyst", "reviewer"])
def test_only_admins_record_an_unarchived_original_on_the_page(client, request, role, translation):
    response = post_derivation(
        client,
        request.getfixturevalue(role),
        translation,
        derivation="translation",
        unarchived_title="Report",
    )
    assert response.status_code == 403
    translation.refresh_from_db()
    assert translation.unarchived_original is None


# --- Where it is shown ----------------------------------------------------------------


def get_page(client, user, name: str, source) -> str:
    client.force_login(user)
    return client.get(reverse(name, args=[source.workspace.slug, source.pk])).content.decode()


def test_the_reading_page_names_the_unarchived_original_as_not_archived(client, analyst, described):
    page = get_page(client, analyst, "archive:source", described)
    derivation = page[page.index('<ol class="derivation">') :]
    derivation = derivation[: derivation.index("</ol>")]
    assert f"translation of <bdi>{ARABIC_REPORT.title}</bdi>" in derivation
    assert "Baladi News" in derivation and '<span class="not-archived">not archived</span>' in derivation


def test_the_reading_page_of_a_republication_names_the_unarchived_original_up_its_chain(
    client, analyst, workspace, described
):
    republication = SourceFactory(
        workspace=workspace, derived_from=described, derivation=Derivation.REPUBLICATION
    )
    page = get_page(client, analyst, "archive:source", republication)
    assert f"translation of <bdi>{ARABIC_REPORT.title}</bdi>" in page


def test_the_provenance_page_shows_the_unarchived_original_atop_the_chain(client, analyst, described):
    page = get_page(client, analyst, "archive:source_provenance", described)
    chain = page[page.index('<ol class="chain"') :]
    assert chain.index(f'id="unarchived-original-{described.pk}"') < chain.index(
        f'id="source-{described.pk}"'
    )
    assert "the archive holds no copy of it, so no file and no hash" in chain
    assert f'href="#unarchived-original-{described.pk}"' in chain


def test_the_sources_list_names_the_unarchived_original_as_not_archived(
    client, analyst, workspace, described
):
    client.force_login(analyst)
    page = client.get(reverse("archive:workspace", args=[workspace.slug])).content.decode()
    assert f"translation of <bdi>{ARABIC_REPORT.title}</bdi>" in page and "not archived" in page


def test_the_sources_csv_describes_the_unarchived_original(client, analyst, workspace, described):
    client.force_login(analyst)
    response = client.get(reverse("archive:sources_csv", args=[workspace.slug]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert "derived_from_not_archived" in header.split(",")
    assert f"{ARABIC_REPORT.title} · {ARABIC_REPORT.url} · Baladi News · ar · 2017-07-04" in row


# --- PROV -------------------------------------------------------------------------------


def prov_of(client, user, source) -> ProvDocument:
    client.force_login(user)
    response = client.get(reverse("archive:source_prov_json", args=[source.workspace.slug, source.pk]))
    return ProvDocument.deserialize(content=response.content, format="json")


def test_prov_json_has_the_unarchived_original_as_an_entity_without_a_hash(client, analyst, described):
    document = prov_of(client, analyst, described)
    entity = next(
        record
        for record in document.get_records()
        if record.is_element() and record.identifier.localpart == f"source-{described.pk}-unarchived-original"
    )
    attributes = {str(name.localpart): values for name, values in entity.attributes}
    assert str(entity.get_attribute("prov:label").pop()) == f"{ARABIC_REPORT.title} (not archived)"
    assert str(entity.get_attribute("prov:location").pop()) == ARABIC_REPORT.url
    assert entity.get_attribute("warrant:archived") == {False}
    assert not [name for name in attributes if "sha256" in name.lower()]


def test_prov_json_derives_the_source_from_its_unarchived_original_with_the_kind(client, analyst, described):
    document = prov_of(client, analyst, described)
    derivations = {
        (str(record.args[0].localpart), str(record.args[1].localpart)): str(
            record.get_attribute("prov:type").pop().localpart
        )
        for record in document.get_records()
        if record.get_type().localpart == "Derivation" and record.get_attribute("prov:type")
    }
    assert (
        derivations[(f"source-{described.pk}", f"source-{described.pk}-unarchived-original")] == "translation"
    )


def test_prov_n_names_the_unarchived_original_and_its_publisher(client, analyst, described):
    client.force_login(analyst)
    response = client.get(reverse("archive:source_prov_n", args=[described.workspace.slug, described.pk]))
    text = response.content.decode()
    assert f"entity(warrant:source-{described.pk}-unarchived-original" in text
    assert "(not archived)" in text and '"Baladi News"' in text


# --- The REST API ---------------------------------------------------------------------


def test_the_api_gives_the_unarchived_original(analyst, described):
    body = api_client_for(analyst).get(f"/api/sources/{described.pk}/").json()
    assert (body["derived_from"], body["derivation"]) == (None, "translation")
    assert body["unarchived_original"] == {
        "title": ARABIC_REPORT.title,
        "url": ARABIC_REPORT.url,
        "outlet": "Baladi News",
        "language": "ar",
        "published_on": "2017-07-04",
    }


def test_the_api_gives_no_unarchived_original_for_a_source_without_one(analyst, translation):
    assert (
        api_client_for(analyst).get(f"/api/sources/{translation.pk}/").json()["unarchived_original"] is None
    )


def patch_source(user, source, body: dict):
    client, url = api_client_for(user), f"/api/sources/{source.pk}/"
    return client.patch(url, body, format="json", HTTP_IF_MATCH=etag_of(client, url))


def test_an_admin_records_an_unarchived_original_through_the_api(ws_admin, translation):
    body = {
        "derivation": "translation",
        "unarchived_original": {"title": "Report", "url": "https://example.org/r", "language": "ar"},
        "reason": "only the translation reached us",
    }
    response = patch_source(ws_admin, translation, body)
    assert response.status_code == 200, response.content
    translation.refresh_from_db()
    assert translation.unarchived_original == UnarchivedOriginal(
        title="Report", url="https://example.org/r", language="ar"
    )
    assert translation.history.latest("history_id").history_change_reason == "only the translation reached us"


def test_the_api_links_the_archived_original_in_place_of_its_description(workspace, ws_admin, described):
    archived = SourceFactory(workspace=workspace)
    response = patch_source(ws_admin, described, {"derived_from": archived.pk, "reason": "archived now"})
    assert response.status_code == 200, response.content
    assert (response.json()["derived_from"], response.json()["unarchived_original"]) == (archived.pk, None)


def test_the_api_refuses_an_unarchived_original_without_title_or_address_by_its_name(ws_admin, translation):
    body = {"derivation": "translation", "unarchived_original": {"outlet": "Baladi News"}, "reason": "x"}
    response = patch_source(ws_admin, translation, body)
    assert response.status_code == 400
    assert "title or the address" in field_errors(response.json())["unarchived_original"]["title"][0]


@pytest.mark.parametrize("empty", [{}, {"title": "", "url": ""}])
def test_the_api_refuses_an_empty_unarchived_original_for_a_source_without_one(ws_admin, translation, empty):
    client, url = api_client_for(ws_admin), f"/api/sources/{translation.pk}/"
    before = etag_of(client, url)
    response = patch_source(ws_admin, translation, {"unarchived_original": empty, "reason": "t"})
    assert response.status_code == 400
    assert "title or the address" in field_errors(response.json())["unarchived_original"]["title"][0]
    assert etag_of(client, url) == before


@pytest.mark.parametrize("empty", [{}, {"title": "", "url": ""}])
def test_the_api_refuses_an_empty_unarchived_original_for_a_source_with_one(ws_admin, described, empty):
    response = patch_source(ws_admin, described, {"unarchived_original": empty, "reason": "t"})
    assert response.status_code == 400
    assert "title or the address" in field_errors(response.json())["unarchived_original"]["title"][0]


def test_the_api_names_a_missing_title_or_address_once(ws_admin, translation):
    body = {"derivation": "translation", "unarchived_original": {"outlet": "Baladi News"}, "reason": "x"}
    response = patch_source(ws_admin, translation, body)
    assert len(field_errors(response.json())["unarchived_original"]["title"]) == 1


def test_the_api_refuses_an_unknown_field_of_an_unarchived_original(ws_admin, translation):
    body = {"derivation": "translation", "unarchived_original": {"title": "R", "author": "X"}, "reason": "x"}
    response = patch_source(ws_admin, translation, body)
    assert response.status_code == 400
    assert "author" in field_errors(response.json())["unarchived_original"]


@pytest.mark.parametrize("role", ["analyst", "reviewer"])
def test_only_admins_record_an_unarchived_original_through_the_api(request, role, translation):
    body = {"derivation": "translation", "unarchived_original": {"title": "Report"}, "reason": "x"}
    assert patch_source(request.getfixturevalue(role), translation, body).status_code == 403
    translation.refresh_from_db()
    assert translation.unarchived_original is None


def test_an_analyst_archives_a_translation_with_its_unarchived_original_through_the_api(analyst, workspace):
    body = {
        "workspace": workspace.slug,
        "title": "Water station out of service",
        "text": "The station stopped on Tuesday.",
        "language": "en",
        "derivation": "translation",
        "unarchived_original": {"title": "تقرير", "language": "ar"},
    }
    response = api_client_for(analyst).post("/api/sources/", body, format="json")
    assert response.status_code == 201, response.content
    assert Source.objects.get().unarchived_original == UnarchivedOriginal(title="تقرير", language="ar")


def test_the_openapi_schema_documents_the_unarchived_original():
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    given = schemas["SourceOut"]["properties"]["unarchived_original"]
    taken = schemas["PatchedSourceInRequest"]["properties"]["unarchived_original"]
    assert "not archived" in given["description"] and "not archived" in taken["description"]
    assert set(schemas["UnarchivedOriginalOut"]["properties"]) == {
        "title",
        "url",
        "outlet",
        "language",
        "published_on",
    }


# --- The Django admin -------------------------------------------------------------------


def test_the_django_admin_records_an_unarchived_original_with_its_reason(client, superuser, translation):
    client.force_login(superuser)
    form = {
        "title": translation.title,
        "language": "en",
        "direction": "ltr",
        "authors": "[]",
        "translators": "[]",
        "derivation": "translation",
        "unarchived_title": "Report",
        "unarchived_language": "ar",
        "seen_version": translation.version,
        "change_reason": "the original is offline",
    }
    response = client.post(reverse("admin:archive_source_change", args=[translation.pk]), form)
    assert response.status_code == 302
    translation.refresh_from_db()
    assert translation.unarchived_original == UnarchivedOriginal(title="Report", language="ar")
    assert translation.history.latest("history_id").history_change_reason == "the original is offline"


# --- The claim page ----------------------------------------------------------------------


def test_the_claim_graph_draws_an_unarchived_original_as_a_node_saying_not_archived(workspace, described):
    claim = ClaimFactory(workspace=workspace)
    evidence = [EvidenceFactory(passage=PassageFactory(source=described), claim=claim)]
    graph = build_claim_graph(claim, evidence, source_url=str)
    [node] = [node for node in graph.nodes if node.kind == "unarchived"]
    assert (node.full_text, node.tag, node.url, node.original) == (
        ARABIC_REPORT.title,
        "not archived",
        "",
        True,
    )
    cited = next(node for node in graph.nodes if node.kind == "source")
    assert not cited.original and cited.x < node.x
    assert [edge.label for edge in graph.edges if edge.kind == "derivation"] == ["translation of"]


def test_the_claim_graph_summary_traces_back_to_the_unarchived_original(workspace, described):
    claim = ClaimFactory(workspace=workspace)
    evidence = [EvidenceFactory(passage=PassageFactory(source=described), claim=claim)]
    graph = build_claim_graph(claim, evidence, source_url=str)
    assert graph.originals == [ARABIC_REPORT]
    title = f"“\u2068{ARABIC_REPORT.title}\u2069”"
    assert graph.summary.startswith(
        "Rests on 1 source whose outlet is unknown, tracing back to its original: "
        f"{title}, which is not archived."
    )


def test_the_claim_graph_counts_an_unarchived_original_among_independent_originals(workspace, described):
    claim = ClaimFactory(workspace=workspace)
    other = SourceFactory(workspace=workspace)
    evidence = [
        EvidenceFactory(passage=PassageFactory(source=source), claim=claim) for source in (described, other)
    ]
    graph = build_claim_graph(claim, evidence, source_url=str)
    assert graph.summary.endswith("tracing back to 2 independent originals (1 not archived).")


def test_two_sources_describing_one_unarchived_original_trace_back_to_one(workspace, analyst, described):
    summary = describe(
        SourceFactory(workspace=workspace, title="A summary"),
        analyst,
        UnarchivedOriginal(url=ARABIC_REPORT.url),
        derivation=Derivation.SUMMARY,
    )
    claim = ClaimFactory(workspace=workspace)
    evidence = [
        EvidenceFactory(passage=PassageFactory(source=source), claim=claim) for source in (described, summary)
    ]
    graph = build_claim_graph(claim, evidence, source_url=str)
    assert len([node for node in graph.nodes if node.kind == "unarchived"]) == 1
    assert "all tracing back to one original" in graph.summary


def test_the_claim_page_draws_the_unarchived_original_as_a_dashed_node(client, analyst, workspace, described):
    claim = ClaimFactory(workspace=workspace)
    EvidenceFactory(passage=PassageFactory(source=described), claim=claim)
    client.force_login(analyst)
    page = client.get(reverse("archive:claim", args=[workspace.slug, claim.pk])).content.decode()
    assert 'class="node node-unarchived node-original node-uncited"' in page
    assert '<text x="' in page and 'class="tag">not archived</text>' in page
    assert "Cited from a translation</strong> of <bdi>" in page


# --- Evidence packages -----------------------------------------------------------------


@pytest.fixture
def package_file(workspace, described, tmp_path):
    claim = ClaimFactory(workspace=workspace)
    claim.refresh_from_db()  # its grade as the database gives it (the factory's is an enum member)
    EvidenceFactory(passage=PassageFactory(source=described), claim=claim)
    path = tmp_path / "package.zip"
    path.write_bytes(evidence_package(claim, base_uri="https://warrant.example/w/demo/", user=None).data)
    return path


def test_the_evidence_package_describes_the_unarchived_original(package_file):
    with zipfile.ZipFile(package_file) as bag:
        [record] = json.loads(bag.read("data/sources.json"))
    assert record["unarchived_original"] == {
        "title": ARABIC_REPORT.title,
        "url": ARABIC_REPORT.url,
        "outlet": "Baladi News",
        "language": "ar",
        "published_on": "2017-07-04",
        "archived": False,
    }


def test_an_unarchived_original_changed_in_a_resigned_package_is_caught(package_file, described):
    def change(files):
        [record] = json.loads(files["data/sources.json"])
        record["unarchived_original"]["url"] = "https://elsewhere.example/"
        files["data/sources.json"] = json.dumps([record]).encode()
        resign_as_a_forger(files)

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1
    assert f"the original of source {described.pk} that is not archived" in result.stderr


def test_a_package_with_an_unarchived_original_verifies_offline(package_file):
    result = verify(package_file)
    assert result.returncode == 3, result.stderr  # intact; its signer not checked
