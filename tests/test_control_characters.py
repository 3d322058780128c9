"""One rule for all text a user gives: no control character (Unicode category Cc)
but tab and the line breaks (a source's text may also hold form feeds), refused on
every path with a message naming the field, the character and its line, and
nothing saved (archive.core.text, archive.models.base.TextRules)."""

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from archive.backups.archive import export_workspace
from archive.backups.new_workspace import import_as_new_workspace
from archive.claims import create_claim
from archive.core.attribution import recorded_as
from archive.jobs.tasks import start_text_correction
from archive.models import Annotation, Claim, Job, Source, Workspace
from archive.models.base import TextRules
from archive.sources.importing.extract import extract
from tests.documents import pdf_bytes
from tests.factories import ClaimFactory
from tests.support import api_client_for, etag_of, field_errors

ESCAPE = "The body contains a control character (U+001B) on line 2"
ONLY = "only tabs and line breaks may appear in a text. Remove it and try again."


def test_the_api_refuses_an_annotation_body_with_an_escape_naming_the_body(analyst, workspace, passage):
    payload = {"workspace": workspace.slug, "passages": [passage.pk], "body": "Seen\nat \x1b[2J night"}
    response = api_client_for(analyst).post("/api/annotations/", payload, format="json")
    assert response.status_code == 400
    assert field_errors(response.json())["body"] == [f"{ESCAPE}: {ONLY}"]
    assert not Annotation.objects.exists()


def test_the_reading_pages_endpoint_refuses_an_annotation_body_with_a_bell(client, analyst, source):
    client.force_login(analyst)
    payload = {
        "target": {"selector": {"type": "TextPositionSelector", "start": 0, "end": 7}},
        "body": "Ding\x07",
    }
    url = reverse("archive:annotation_create", args=[source.workspace.slug, source.pk])
    response = client.post(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert "(U+0007) on line 1" in response.json()["body"][0]
    assert not Annotation.objects.exists()


def test_the_claim_page_refuses_a_statement_with_a_c1_control_as_a_form_error(client, analyst, workspace):
    client.force_login(analyst)
    response = client.post(
        reverse("archive:claim_create", args=[workspace.slug]), {"statement": "Shelled\x9b"}
    )
    assert response.status_code == 400
    assert "The statement contains a control character (U+009B) on line 1" in response.content.decode()
    assert not Claim.objects.exists()


def test_the_admin_refuses_a_statement_with_an_escape_as_a_form_error(client, superuser, workspace):
    claim = ClaimFactory(workspace=workspace, statement="First words")
    client.force_login(superuser)
    form = {
        "workspace": workspace.pk,
        "statement": "Second\x1b words",
        "credibility": claim.credibility,
        "status": claim.status,
        "tags": "[]",
        "seen_version": 1,
        "change_reason": "typo",
    }
    response = client.post(reverse("admin:archive_claim_change", args=[claim.pk]), form)
    assert response.status_code == 200
    assert "(U+001B)" in str(response.context["adminform"].form.errors["statement"])
    assert Claim.objects.get(pk=claim.pk).version == 1


def test_a_w3c_body_value_with_an_escape_is_400_naming_the_body_value(analyst, source):
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "bodyValue": "Seen\x1b",
        "target": {
            "source": f"http://testserver/api/sources/{source.pk}/text/",
            "selector": {"type": "TextPositionSelector", "start": 0, "end": 5},
        },
    }
    response = api_client_for(analyst).post(f"/w3c/sources/{source.pk}/", annotation, format="json")
    assert response.status_code == 400
    assert "(U+001B) on line 1" in field_errors(response.json())["bodyValue"][0]
    assert not Annotation.objects.exists()


def test_a_reason_with_a_control_character_is_refused_and_nothing_is_deleted(ws_admin, workspace):
    claim = ClaimFactory(workspace=workspace)
    client, url = api_client_for(ws_admin), f"/api/claims/{claim.pk}/"
    response = client.delete(f"{url}?reason=spam%1B", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 400
    assert "The reason contains a control character (U+001B)" in field_errors(response.json())["reason"][0]
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_reason_is_refused_wherever_history_is_written(analyst):
    # Bulk writes (alerts, re-anchored passages) take their reason from the block too.
    with pytest.raises(ValidationError) as refusal, recorded_as(user=analyst, reason="moved\x85"):
        pass
    assert "(U+0085)" in refusal.value.message_dict["reason"][0]


def test_a_tag_with_a_control_character_is_refused_naming_the_item(analyst, workspace):
    payload = {"workspace": workspace.slug, "statement": "Shelled", "tags": ["daraa", "water\x08"]}
    response = api_client_for(analyst).post("/api/claims/", payload, format="json")
    assert response.status_code == 400
    assert field_errors(response.json())["tags"] == [
        f"Item 2 of the tags contains a control character (U+0008): {ONLY}"
    ]
    assert not Claim.objects.exists()


def test_tabs_and_line_breaks_are_allowed_where_form_feeds_are_not(analyst, workspace):
    claim = create_claim(workspace=workspace, user=analyst, statement="One\ttwo\r\nthree")
    assert claim.statement == "One\ttwo\r\nthree"
    with pytest.raises(ValidationError) as refusal:
        create_claim(workspace=workspace, user=analyst, statement="Page one\fpage two")
    assert "(U+000C)" in refusal.value.message_dict["statement"][0]


def test_a_sources_form_feeds_are_allowed_in_its_text_but_not_its_title(analyst, workspace):
    payload = {"workspace": workspace.slug, "title": "Report", "language": "en", "text": "Page one\fpage two"}
    client = api_client_for(analyst)
    assert client.post("/api/sources/", payload, format="json").status_code == 201
    response = client.post("/api/sources/", {**payload, "title": "Re\fport"}, format="json")
    assert response.status_code == 400
    assert "(U+000C)" in field_errors(response.json())["title"][0]


def test_a_source_title_with_a_next_line_control_is_refused(analyst, workspace):
    payload = {"workspace": workspace.slug, "title": "News\x85Today", "language": "en", "text": "Words."}
    response = api_client_for(analyst).post("/api/sources/", payload, format="json")
    assert response.status_code == 400
    assert field_errors(response.json())["title"] == [
        f"The title contains a control character (U+0085): {ONLY}"
    ]
    assert not Source.objects.exists()


def tracked_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_app_config("archive").get_models()
        if hasattr(model, "history") and not model.__name__.startswith("Historical")
    ]


def test_every_text_field_of_every_tracked_model_refuses_a_control_character():
    checked = []
    for model in tracked_models():
        assert issubclass(model, TextRules), model
        for field in model._meta.concrete_fields:
            if field.name in model.untyped_text_fields:
                continue
            if isinstance(field, models.CharField | models.TextField):
                value: object = "a\x1bb"
            elif isinstance(field, models.JSONField):
                value = ["a", "b\x1bc"]
            else:
                continue
            obj = model()
            setattr(obj, field.attname, value)
            with pytest.raises(ValidationError) as refusal:
                obj.clean_fields()
            messages = refusal.value.message_dict.get(field.name, [])
            assert any("control character (U+001B)" in message for message in messages), (model, field.name)
            checked.append(f"{model.__name__}.{field.name}")
    assert {"Annotation.body", "Claim.tags", "Source.authors", "Workspace.name", "Reply.body"} <= set(checked)


def test_only_quotes_and_the_apps_own_messages_are_out_of_the_rule():
    untyped = {f"{model.__name__}.{name}" for model in tracked_models() for name in model.untyped_text_fields}
    assert untyped == {
        "Passage.exact",
        "Passage.prefix",
        "Passage.suffix",
        "PassageAnchor.exact",
        "PassageAnchor.prefix",
        "PassageAnchor.suffix",
        "Alert.message",
        "RecaptureCheck.reason",
        "Capture.redirects",
        "Capture.http_headers",
    }


def test_a_text_correction_left_to_a_job_refuses_a_reason_with_a_control_character(ws_admin, source):
    with pytest.raises(ValidationError) as refusal:
        start_text_correction(source=source, user=ws_admin, text="New words.", reason="typo\x1b", version=1)
    assert "reason" in refusal.value.message_dict
    assert not Job.objects.exists()


def test_a_copy_of_an_archive_refuses_a_new_name_with_a_control_character(workspace, tmp_path):
    export_workspace(workspace=workspace, directory=tmp_path)
    with pytest.raises(ValidationError, match=r"U\+001B"):
        import_as_new_workspace(directory=tmp_path, slug="copy", name="Copy\x1b")
    assert not Workspace.objects.filter(slug="copy").exists()


def test_a_files_metadata_proposes_its_title_and_authors_without_control_characters():
    pdf = pdf_bytes("The water station was shelled.", title="Water\x07station", author="Rami\x07 Ali")
    proposal = extract(pdf, filename="report.pdf").proposal
    assert (proposal.title, proposal.authors) == ("Water station", ["Rami Ali"])


def test_a_text_stored_before_the_rule_does_not_stop_a_change_of_another_field(analyst, workspace):
    claim = create_claim(workspace=workspace, user=analyst, statement="Shelled")
    Claim.objects.filter(pk=claim.pk).update(statement="Shelled\x1b")
    stored = Claim.objects.get(pk=claim.pk)
    stored.status = "debunked"
    stored.full_clean()
    stored.statement = "Shelled\x1b again"
    with pytest.raises(ValidationError) as refusal:
        stored.full_clean()
    assert "(U+001B)" in refusal.value.message_dict["statement"][0]
