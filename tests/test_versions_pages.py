"""The pages of a source over time: timeline, one version, two compared,
the claim page's notice, the alerts inbox and its count in the header."""

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from archive.core.text import sha256_hex
from archive.findings.package import evidence_package
from archive.models import Alert, Job, JobKind, Membership, SourceVersion
from archive.monitoring.recapture import recapture
from archive.passages.correction import correct_source_text
from archive.passages.writes import create_passage
from archive.sources.writes import create_source
from tests.pages import AFTER, DELETED, EDITED, KEPT, article
from tests.support import SAID_AFTER, SAID_BEFORE, api_client_for
from tests.w3c_schemas import model_violations


@pytest.fixture
def recaptured(live_site, captured, ws_admin):
    source, evidence = captured
    live_site.serve("/daraa", article(AFTER))
    recapture(source_id=source.pk, by=ws_admin)
    return source, evidence


def url(name: str, source, *args) -> str:
    return reverse(f"archive:{name}", args=[source.workspace.slug, source.pk, *args])


def test_source_page_shows_the_timeline_of_versions(client, analyst, recaptured):
    source, _ = recaptured
    client.force_login(analyst)
    page = client.get(url("source", source)).content.decode()
    assert "this is version 2" in page
    assert url("source_version", source, 1) in page


def test_version_page_shows_the_text_as_captured_then(client, analyst, recaptured):
    source, _ = recaptured
    client.force_login(analyst)
    page = client.get(url("source_version", source, 1)).content.decode()
    assert "Version 1, as captured on" in page
    assert DELETED in page and "forty families" in page


def test_compare_page_marks_changed_moved_and_vanished_passages(client, analyst, recaptured):
    source, _ = recaptured
    client.force_login(analyst)
    response = client.get(url("source_compare", source) + "?older=1&newer=2&layout=inline")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<del>forty</del><ins>fourteen</ins>" in page
    changed, moved, vanished = (
        page.index(f'class="fate-{fate}"') for fate in ("changed", "moved", "vanished")
    )
    assert changed < page.index("fourteen")
    assert KEPT in page[moved:] and DELETED in page[vanished:]
    assert "match match" not in page


def test_compare_page_refuses_a_version_number_that_is_not_one(client, analyst, recaptured):
    source, _ = recaptured
    client.force_login(analyst)
    assert client.get(url("source_compare", source) + "?older=x&newer=2").status_code == 400
    assert client.get(url("source_compare", source) + "?older=1&newer=9").status_code == 404


def test_claim_page_shows_that_evidence_changed_since_it_was_cited(client, analyst, recaptured):
    source, evidence = recaptured
    client.force_login(analyst)
    page = client.get(reverse("archive:claim", args=[source.workspace.slug, evidence["edited"].claim_id]))
    assert "Evidence changed since it was cited" in page.content.decode()
    assert "<del>forty</del><ins>fourteen</ins>" in page.content.decode()
    kept = client.get(reverse("archive:claim", args=[source.workspace.slug, evidence["kept"].claim_id]))
    assert "since it was cited" not in kept.content.decode()


def test_inbox_lists_alerts_and_the_header_counts_the_unread(client, analyst, recaptured):
    client.force_login(analyst)
    page = client.get(reverse("archive:alerts")).content.decode()
    assert '<span class="badge">2<span class="visually-hidden"> unread</span>' in page
    assert "fourteen" in page and EDITED in page


def test_marking_an_alert_read_keeps_it_in_history(client, analyst, recaptured):
    client.force_login(analyst)
    alert = Alert.objects.filter(recipient=analyst).first()
    client.post(reverse("archive:alerts"), {"alert": alert.pk})
    alert.refresh_from_db()
    assert alert.read_at is not None
    assert alert.history.first().history_user == analyst
    assert Alert.objects.filter(recipient=analyst, read_at__isnull=True).count() == 1


def test_member_turns_email_alerts_on(client, analyst, workspace):
    client.force_login(analyst)
    client.post(reverse("archive:alert_email", args=[workspace.slug]), {"enabled": "on"})
    assert Membership.objects.get(user=analyst, workspace=workspace).email_alerts


def test_recapture_button_records_a_check(client, analyst, recaptured):
    source, _ = recaptured
    client.force_login(analyst)
    response = client.post(url("source_recapture", source), follow=True)
    # The recapture runs as a job (immediately in tests); its page gives the outcome.
    assert response.redirect_chain[-1][0].startswith("/jobs/")
    assert "unchanged" in response.content.decode()
    assert source.recapture_checks.count() == 2


def test_recapture_button_shows_the_recapture_already_queued_instead_of_starting_another(
    client, analyst, recaptured
):
    source, _ = recaptured
    queued = Job.objects.create(kind=JobKind.RECAPTURE, workspace=source.workspace, source=source)
    client.force_login(analyst)
    response = client.post(url("source_recapture", source), follow=True)
    assert response.redirect_chain[-1][0] == reverse("archive:job", args=[queued.pk])
    assert "already under way" in response.content.decode()
    assert Job.objects.filter(kind=JobKind.RECAPTURE, source=source).count() == 1


def test_w3c_evidence_target_says_which_version_it_points_into(analyst, recaptured):
    source, evidence = recaptured
    client = api_client_for(analyst)
    body = client.get(f"/w3c/sources/{source.pk}/evidence/{evidence['edited'].pk}/").json()
    version = source.versions.get(number=2)
    assert body["target"]["state"] == {
        "type": "TimeState",
        "sourceDate": version.captured_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "cached": f"http://testserver{url('source_version', source, 2)}",
    }
    assert model_violations(body) == []


def test_activity_feed_shows_each_recapture_check(client, analyst, recaptured):
    source, _ = recaptured
    client.force_login(analyst)
    page = client.get(reverse("archive:activity", args=[source.workspace.slug])).content.decode()
    assert "recapture of" in page and "new version" in page


def test_compare_page_without_a_choice_compares_the_two_newest_versions(client, analyst, recaptured):
    source, _ = recaptured
    client.force_login(analyst)
    response = client.get(url("source_compare", source))
    assert response.status_code == 200
    chosen = response.context["form"].cleaned_data
    assert (chosen["older"], chosen["newer"]) == (1, 2)
    assert response.context["comparison"] is not None


def download(client, user, name: str, source, number: int):
    client.force_login(user)
    response = client.get(url(name, source, number))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("name", "hashed"), [("source_version_warc", "warc"), ("source_version_original", "original")]
)
def test_each_versions_file_downloads_as_an_attachment_named_after_its_version(
    client, analyst, recaptured, name, hashed
):
    source, _ = recaptured
    for version in source.versions.all():
        response, body = download(client, analyst, name, source, version.number)
        assert sha256_hex(body) == getattr(version, f"{hashed}_sha256")
        assert f"version-{version.number}" in response["Content-Disposition"]
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_version_page_links_that_versions_original_and_warc(client, analyst, recaptured):
    source, _ = recaptured
    client.force_login(analyst)
    page = client.get(url("source_version", source, 1)).content.decode()
    assert url("source_version_original", source, 1) in page
    assert url("source_version_warc", source, 1) in page


def test_timeline_links_each_versions_original_and_warc(client, analyst, recaptured):
    source, _ = recaptured
    client.force_login(analyst)
    page = client.get(url("source_versions", source)).content.decode()
    for number in (1, 2):
        assert url("source_version_original", source, number) in page
        assert url("source_version_warc", source, number) in page


def test_provenance_page_says_its_capture_details_are_the_first_captures(client, analyst, recaptured):
    source, _ = recaptured
    client.force_login(analyst)
    page = client.get(url("source_provenance", source)).content.decode()
    details = page[page.index("Came in as") : page.index("Original SHA-256")]
    assert "of the first capture (version 1)" in details
    assert "download the first capture's WARC" in details


def test_provenance_page_offers_the_newest_versions_original_and_warc_together(client, analyst, recaptured):
    source, _ = recaptured
    newest = source.versions.get(number=2)
    client.force_login(analyst)
    page = client.get(url("source_provenance", source)).content.decode()
    assert newest.warc_sha256 in page
    assert url("source_version_warc", source, 2) in page
    assert url("source_version_original", source, 2) in page


def evidence_provenance(page: str) -> str:
    start = page.index("evidence-provenance")
    return page[start : page.index("</p>", start)]


def test_claim_page_gives_the_capture_time_and_hash_of_the_same_version(client, analyst, recaptured):
    source, evidence = recaptured
    newest = source.versions.get(number=2)
    client.force_login(analyst)
    page = client.get(reverse("archive:claim", args=[source.workspace.slug, evidence["kept"].claim_id]))
    line = evidence_provenance(page.content.decode())
    assert "version 2" in line
    assert f'datetime="{newest.captured_at.isoformat()}"' in line
    assert newest.text_sha256 in line


@pytest.fixture
def corrected(workspace, analyst):
    """A source whose text was corrected: its version 2."""
    source = create_source(workspace=workspace, user=analyst, title="Siege", text="It began.", language="en")
    correct_source_text(source=source, user=analyst, new_text="It began early.", reason="typo")
    return source


def test_timeline_says_a_correction_was_text_corrected_not_captured(client, analyst, corrected):
    client.force_login(analyst)
    page = client.get(url("source_versions", corrected)).content.decode()
    assert "· text corrected <time" in page
    assert "text correction, captured" not in page


def test_source_page_says_the_original_holds_the_words_from_before_a_correction(client, analyst, corrected):
    client.force_login(analyst)
    page = client.get(url("source", corrected)).content.decode()
    assert "the text above was corrected since, in version 2, so the file\u2019s words differ" in page


def test_source_page_says_nothing_of_a_correction_where_there_was_none(client, analyst, workspace):
    source = create_source(workspace=workspace, user=analyst, title="Siege", text="It began.", language="en")
    client.force_login(analyst)
    assert "corrected since" not in client.get(url("source", source)).content.decode()


def test_version_page_says_a_correction_was_text_corrected_not_captured(client, analyst, corrected):
    client.force_login(analyst)
    page = client.get(url("source_version", corrected, 2)).content.decode()
    assert "Version 2 (the newest), text corrected on <time" in page


def test_evidence_cited_on_a_correction_says_its_text_was_corrected_not_captured():
    cited = SimpleNamespace(
        source_version=SourceVersion(
            number=2, origin="correction", captured_at=datetime(2025, 3, 7, 14, 5, tzinfo=UTC)
        ),
        exact="forty families",
    )
    html = render_to_string(
        "archive/versions/_evidence_change.html",
        {
            "change": SimpleNamespace(removed=True, cited=cited),
            "source": SimpleNamespace(pk=1, language="en", direction="ltr"),
            "request": SimpleNamespace(workspace=SimpleNamespace(slug="levant")),
        },
    )
    assert "version 2</a>, text corrected <time" in html


def test_version_page_places_a_passage_by_its_share_of_the_text_not_its_offsets(client, analyst, workspace):
    source = create_source(
        workspace=workspace, user=analyst, title="Siege", text="a" * 60 + "Aleppo" + "b" * 34, language="en"
    )
    create_passage(source=source, user=analyst, start=60, end=66)
    client.force_login(analyst)
    page = client.get(url("source_version", source, 1)).content.decode()
    assert 'Aleppo</q> <span class="meta">exact, about 60% into the text</span>' in page
    assert "60\u201366" not in page


def test_compare_page_places_a_moved_passage_by_its_share_of_the_text_not_its_offsets(
    client, analyst, ws_admin, workspace
):
    mayor = "The mayor said forty families returned to the eastern quarter this spring."
    water = "Water came twice a week through the old network, according to its residents."
    convoy = "A convoy carrying flour was turned back."
    text = f"{mayor} {water} {convoy}"
    source = create_source(workspace=workspace, user=analyst, title="Daraa", text=text, language="en")
    create_passage(source=source, user=analyst, start=text.index(convoy), end=len(text))
    correct_source_text(
        source=source, user=ws_admin, new_text=f"{convoy} {mayor} {water}", reason="reordered"
    )
    client.force_login(analyst)
    page = client.get(url("source_compare", source) + "?older=1&newer=2").content.decode()
    was = round(100 * text.index(convoy) / len(text))
    assert (
        f"found elsewhere in the text: now at the start of the text, was about {was}% into the text" in page
    )
    assert "at character" not in page


def test_compare_page_shows_a_rewritten_arabic_text_whole_before_and_after_each_isolated(
    client, analyst, ws_admin, workspace
):
    source = create_source(workspace=workspace, user=analyst, title="درعا", text=SAID_BEFORE, language="ar")
    correct_source_text(source=source, user=ws_admin, new_text=SAID_AFTER, reason="rewritten")
    client.force_login(analyst)
    page = client.get(url("source_compare", source) + "?older=1&newer=2&layout=inline").content.decode()
    assert (
        f'<del class="whole" dir="auto">{SAID_BEFORE}</del><ins class="whole" dir="auto">{SAID_AFTER}</ins>'
        in page
    )
    assert "<del>" not in page


# --- what the evidence cited, in the API and the CSV -----------------------------------


def evidence_json(analyst, evidence) -> dict:
    return api_client_for(analyst).get(f"/api/evidence/{evidence.pk}/").json()


def test_the_api_gives_evidence_the_text_it_cited_once_a_recapture_changed_it(analyst, recaptured):
    _, evidence = recaptured
    item = evidence_json(analyst, evidence["edited"])
    assert (item["cited_exact"], item["changed_since_cited"]) == (EDITED, "changed")


def test_the_api_says_when_the_cited_text_is_gone_from_the_new_version(analyst, recaptured):
    _, evidence = recaptured
    item = evidence_json(analyst, evidence["deleted"])
    assert (item["cited_exact"], item["changed_since_cited"]) == (DELETED, "removed")


def test_the_api_gives_evidence_still_reading_as_cited_its_text_and_no_change(analyst, recaptured):
    _, evidence = recaptured
    item = evidence_json(analyst, evidence["kept"])
    assert (item["cited_exact"], item["changed_since_cited"]) == (KEPT, None)


def test_an_api_list_of_evidence_looks_up_what_changed_once_for_the_page(
    analyst, recaptured, django_assert_max_num_queries
):
    _, evidence = recaptured
    client = api_client_for(analyst)
    client.get("/api/evidence/")  # the token and the workspaces, read once
    with django_assert_max_num_queries(12) as counted:
        items = client.get("/api/evidence/").json()["results"]
    fates = {item["id"]: item["changed_since_cited"] for item in items}
    assert fates == {
        evidence["edited"].pk: "changed",
        evidence["kept"].pk: None,
        evidence["deleted"].pk: "removed",
    }
    anchor_reads = [q for q in counted.captured_queries if "passageanchor" in q["sql"]]
    assert len(anchor_reads) == 1


def test_the_annotations_csv_gives_evidence_the_text_it_cited_and_what_became_of_it(
    client, analyst, recaptured
):
    source, evidence = recaptured
    client.force_login(analyst)
    response = client.get(f"/exports/w/{source.workspace.slug}/annotations.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    cited = {int(row["id"]): (row["cited_exact"], row["changed_since_cited"]) for row in rows}
    assert cited[evidence["edited"].pk] == (EDITED, "changed")
    assert cited[evidence["kept"].pk] == (KEPT, "")
    assert cited[evidence["deleted"].pk] == (DELETED, "removed")


def claim_trail(client, evidence) -> dict:
    response = client.get(
        reverse("archive:claim_prov_json", args=[evidence.workspace.slug, evidence.claim_id])
    )
    return response.json()["entity"][f"warrant:evidence-{evidence.pk}"]


def test_the_claims_prov_gives_evidence_the_text_it_cited_once_a_recapture_changed_it(
    client, analyst, recaptured
):
    _, evidence = recaptured
    client.force_login(analyst)
    entity = claim_trail(client, evidence["edited"])
    assert (entity["warrant:citedText"], entity["warrant:changedSinceCited"]) == (EDITED, "changed")
    assert claim_trail(client, evidence["deleted"])["warrant:changedSinceCited"] == "removed"


def test_the_claims_prov_adds_nothing_to_evidence_still_reading_as_cited(client, analyst, recaptured):
    _, evidence = recaptured
    client.force_login(analyst)
    entity = claim_trail(client, evidence["kept"])
    assert "warrant:citedText" not in entity and "warrant:changedSinceCited" not in entity


def test_an_evidence_package_gives_evidence_the_text_it_cited_and_what_became_of_it(analyst, recaptured):
    _, evidence = recaptured
    for name, (text, since) in {"edited": (EDITED, "changed"), "kept": (KEPT, None)}.items():
        claim = evidence[name].claim
        package = evidence_package(claim, base_uri="https://warrant.example/w/x/", user=analyst)
        with zipfile.ZipFile(io.BytesIO(package.data)) as bag:
            (item,) = json.loads(bag.read("data/claim.json"))["evidence"]
            prov = json.loads(bag.read("data/provenance.prov.json"))["entity"]
        assert (item["cited_exact"], item["changed_since_cited"]) == (text, since), name
        assert prov[f"warrant:evidence-{evidence[name].pk}"].get("warrant:citedText") == (since and text), (
            name
        )
