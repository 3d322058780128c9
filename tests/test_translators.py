"""Who translated a source: given on import, in the API and in the record's correction,
shown on its pages, attributed in its provenance, kept in its history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from prov.model import ProvDocument

from archive.audit.ledger import live_ledger, verify_workspace
from archive.models import Derivation, Source
from archive.sources.writes import create_source, edit_source
from tests.factories import SourceFactory
from tests.support import api_client_for
from tests.test_import_views import confirm, token_of, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def translation(workspace, analyst):
    original = SourceFactory(workspace=workspace, title="تقرير", language="ar")
    return create_source(
        workspace=workspace,
        user=analyst,
        title="Water station out of service",
        text="The station stopped on Tuesday.",
        language="en",
        authors=["Samer al-Hourani"],
        translators=["Levant Monitor staff"],
        derived_from=original,
        derivation=Derivation.TRANSLATION,
    )


def test_an_import_keeps_who_translated_it(client, analyst, workspace):
    client.force_login(analyst)
    proposed = upload(client, workspace, file=SimpleUploadedFile("story.txt", b"The station stopped."))
    confirm(client, workspace, token_of(proposed), translators="Levant Monitor staff\nL. M.")
    assert Source.objects.get().translators == ["Levant Monitor staff", "L. M."]


def test_the_api_takes_and_gives_the_translators(analyst, workspace):
    client = api_client_for(analyst)
    body = {"workspace": workspace.slug, "title": "T", "text": "Text.", "language": "en"}
    response = client.post("/api/sources/", {**body, "translators": ["Levant Monitor staff"]}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["translators"] == ["Levant Monitor staff"]


def test_the_api_refuses_translators_that_are_not_names(analyst, workspace):
    body = {"workspace": workspace.slug, "title": "T", "text": "Text.", "language": "en", "translators": [3]}
    assert api_client_for(analyst).post("/api/sources/", body, format="json").status_code == 400


@pytest.mark.parametrize("field", ["authors", "translators"])
def test_the_api_refuses_more_than_a_hundred_names_saying_so(analyst, workspace, field):
    names = [f"Staff member {number}" for number in range(101)]
    body = {"workspace": workspace.slug, "title": "T", "text": "Text.", "language": "en", field: names}
    response = api_client_for(analyst).post("/api/sources/", body, format="json")
    assert response.status_code == 400
    assert "at most 100 names" in str(response.json()[field])
    assert not Source.objects.exists()


def test_an_admin_corrects_the_translators_with_a_reason_the_history_keeps(
    client, ws_admin, workspace, translation
):
    client.force_login(ws_admin)
    form = {
        "version": translation.version,
        "title": translation.title,
        "authors": "Samer al-Hourani",
        "translators": "Levant Monitor desk",
        "language": "en",
        "direction": "ltr",
        "reason": "named in the colophon",
    }
    assert (
        client.post(reverse("archive:source_edit", args=[workspace.slug, translation.pk]), form).status_code
        == 302
    )
    translation.refresh_from_db()
    assert translation.translators == ["Levant Monitor desk"]
    newest = translation.history.latest("history_id")
    assert (newest.translators, newest.history_change_reason) == (
        ["Levant Monitor desk"],
        "named in the colophon",
    )
    assert verify_workspace(workspace.pk).ok


def test_the_reading_and_provenance_pages_say_who_translated_it(client, analyst, workspace, translation):
    client.force_login(analyst)
    for name in ("archive:source", "archive:source_provenance"):
        page = client.get(reverse(name, args=[workspace.slug, translation.pk])).content.decode()
        assert "Translated by" in page and "Levant Monitor staff" in page, name


def test_provenance_attributes_the_translation_to_its_translators(client, analyst, workspace, translation):
    client.force_login(analyst)
    response = client.get(reverse("archive:source_prov_json", args=[workspace.slug, translation.pk]))
    document = ProvDocument.deserialize(content=response.content, format="json")
    roles = {
        (str(record.args[1].localpart), str(record.get_attribute("prov:role").pop()))
        for record in document.get_records()
        if record.get_type().localpart == "Attribution"
        and str(record.args[0].localpart) == f"source-{translation.pk}"
    }
    translator = next(agent for agent, role in roles if role == "translator")
    labels = {
        str(record.identifier.localpart): record.label
        for record in document.get_records()
        if record.is_element()
    }
    assert labels[translator] == "Levant Monitor staff"


def test_a_source_without_translators_is_hashed_as_before_the_column_existed(
    workspace, ws_admin, translation
):
    """So that the entries written before it existed still verify; a named translator is hashed."""
    other = SourceFactory(workspace=workspace)
    edit_source(
        other, user=ws_admin, expected_version=other.version, changes={"title": "Renamed"}, reason="typo"
    )
    ledger = live_ledger()
    plain, translated = (source.history.latest("history_id").history_id for source in (other, translation))
    assert "translators" not in ledger.serialize("source", [plain])[plain]
    assert ledger.serialize("source", [translated])[translated]["translators"] == ["Levant Monitor staff"]
    assert verify_workspace(workspace.pk).ok
