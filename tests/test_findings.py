"""What analysts publish: ClaimReview for a verdict, and evidence packages that a
recipient verifies offline with verify.py from Warrant (the package carries a copy), without Django."""

import datetime
import hashlib
import io
import json
import re
import socket
import struct
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from archive.audit import review as review_module
from archive.audit.ledger import verify_chain, verify_workspace
from archive.audit.review import approve, submit_for_review
from archive.backups.archive import export_workspace
from archive.backups.new_workspace import import_as_new_workspace
from archive.claims import add_evidence, delete_claim
from archive.findings import verify_package
from archive.findings.claimreview import claim_review, missing_fields
from archive.findings.exports import record_export
from archive.findings.keys import fingerprint, signing_key
from archive.findings.package import VERIFIER, PackageRefused, evidence_package, verifier, verifier_sha256
from archive.findings.timestamp import request_timestamp
from archive.findings.verify_package import Refused, check_stamp
from archive.models import (
    AnchorStatus,
    CaptureMethod,
    Claim,
    ClaimStatus,
    Evidence,
    HistoryEntry,
    Membership,
    Outlet,
    PackageExport,
    Passage,
    ReviewStatus,
    Role,
    Source,
    SourceVersion,
    Stance,
    Workspace,
)
from archive.models.grading import grade_meaning
from archive.passages.correction import correct_source_text
from archive.passages.writes import create_passage
from archive.sources.importing.pipeline import Metadata, Origin, examine, pasted_original, save_import
from archive.sources.writes import create_source
from archive.views.claims import EXPORTS_SHOWN
from tests.factories import ClaimFactory, EvidenceFactory, MembershipFactory, PassageFactory, SourceFactory
from tests.support import api_client_for
from tests.test_exchange import round_trip
from tests.tsa import OPENSSL, local_tsa, make_ca

DEMO = "demo"
INTACT = 3  # verify.py's exit status for an intact package whose signer was not checked


@pytest.fixture
def demo(db) -> Workspace:
    call_command("load_demo", stdout=io.StringIO())
    return Workspace.objects.get()


@pytest.fixture
def demo_claim(demo) -> Claim:
    """The demo's debunked claim: a republication's 50,000 against the original's 15,000."""
    return Claim.objects.get(workspace=demo, status=ClaimStatus.DEBUNKED)


@pytest.fixture
def published_claim(demo_claim) -> Claim:
    """The demo claim, its evidence and its verdict approved by a reviewer with no hand in them."""
    reviewer = MembershipFactory(workspace=demo_claim.workspace, role=Role.REVIEWER).user
    for item in [*demo_claim.evidence.all(), demo_claim]:
        if item.review_status != ReviewStatus.SUBMITTED:
            submit_for_review(item, user=item.created_by)
        approve(item, user=reviewer)
    demo_claim.refresh_from_db()
    return demo_claim


def claim_page_of(claim: Claim) -> str:
    member = Membership.objects.filter(workspace=claim.workspace).first().user
    client = Client()
    client.force_login(member)
    response = client.get(reverse("archive:claim", args=[claim.workspace.slug, claim.pk]))
    assert response.status_code == 200
    return response.content.decode()


def review_of(claim: Claim) -> dict:
    return claim_review(
        claim,
        claim_url=f"https://warrant.example/claims/{claim.pk}/",
        source_url=lambda source: f"https://warrant.example/sources/{source.pk}/",
    )


# --- ClaimReview --------------------------------------------------------------


def test_the_published_claim_has_a_claimreview_with_every_field_google_requires(published_claim):
    review = review_of(published_claim)
    assert missing_fields(review) == []
    assert review["claimReviewed"] == published_claim.statement
    assert (review["reviewRating"]["ratingValue"], review["reviewRating"]["alternateName"]) == (1, "False")


def test_a_claimreview_names_where_the_claim_appeared_as_the_sources_supporting_it(published_claim):
    # The demo's republication says 50,000 (supports); the original it refutes it with is the
    # fact-check's evidence, not a place the claim was made.
    appearances = review_of(published_claim)["itemReviewed"]["appearance"]
    supporting = published_claim.evidence.filter(stance=Stance.SUPPORTS)
    assert published_claim.evidence.exclude(stance=Stance.SUPPORTS).exists()
    assert [item["archivedAt"] for item in appearances] == [
        f"https://warrant.example/sources/{evidence.passage.source_id}/" for evidence in supporting
    ]


def test_a_claimreview_gives_where_the_claim_appeared_by_its_own_address(published_claim):
    (appearance,) = review_of(published_claim)["itemReviewed"]["appearance"]
    source = published_claim.evidence.get(stance=Stance.SUPPORTS).passage.source
    assert source.original_url
    assert (appearance["url"], appearance["archivedAt"]) == (
        source.original_url,
        f"https://warrant.example/sources/{source.pk}/",
    )


def test_a_claimreview_of_a_source_without_an_address_gives_its_archived_page(published_claim):
    source = published_claim.evidence.get(stance=Stance.SUPPORTS).passage.source
    Source.objects.filter(pk=source.pk).update(original_url="")
    (appearance,) = review_of(published_claim)["itemReviewed"]["appearance"]
    assert appearance["url"] == f"https://warrant.example/sources/{source.pk}/"
    assert "archivedAt" not in appearance


def test_a_claimreview_leaves_out_supporting_evidence_a_reviewer_rejected(published_claim):
    supporting = published_claim.evidence.get(stance=Stance.SUPPORTS)
    Evidence.objects.filter(pk=supporting.pk).update(review_status=ReviewStatus.REJECTED)
    assert review_of(published_claim)["itemReviewed"]["appearance"] == []


def test_a_claimreview_leaves_out_supporting_evidence_whose_words_left_the_text(published_claim):
    supporting = published_claim.evidence.get(stance=Stance.SUPPORTS)
    Passage.objects.filter(pk=supporting.passage_id).update(anchor_status=AnchorStatus.ORPHANED)
    assert review_of(published_claim)["itemReviewed"]["appearance"] == []


def test_a_claimreviews_first_appearance_is_the_earliest_published(published_claim, demo):
    supporting = published_claim.evidence.get(stance=Stance.SUPPORTS)
    earlier = SourceFactory(workspace=demo, title="Earlier", published_on=datetime.date(2016, 1, 5))
    later = SourceFactory(workspace=demo, title="Undated", published_on=None)
    for source in (later, earlier):
        EvidenceFactory(
            workspace=demo,
            claim=published_claim,
            passage=PassageFactory(source=source, start=0, length=5),
            stance=Stance.SUPPORTS,
            review_status=ReviewStatus.APPROVED,
        )
    item = review_of(published_claim)["itemReviewed"]
    assert item["firstAppearance"]["name"] == "Earlier"
    assert [appearance["name"] for appearance in item["appearance"]] == [
        "Earlier",
        supporting.passage.source.title,
        "Undated",
    ]


def test_a_claimreview_is_dated_by_the_verdicts_approval(published_claim):
    # Touched since, as an edit of its tags or a reply would: the review keeps its date.
    Claim.objects.filter(pk=published_claim.pk).update(
        updated_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    )
    published_claim.refresh_from_db()
    approved_at = HistoryEntry.objects.filter(
        model="claim", object_id=published_claim.pk, action="approved"
    ).get()
    assert review_of(published_claim)["datePublished"] == approved_at.recorded_at.date().isoformat()


def test_a_verdict_no_reviewer_approved_has_no_claimreview(demo_claim):
    assert demo_claim.review_status == ReviewStatus.DRAFT
    member = Membership.objects.filter(workspace=demo_claim.workspace).first().user
    response = api_client_for(member).get(f"/api/claims/{demo_claim.pk}/claimreview/")
    assert response.status_code == 409
    assert response.json()["error"] == (
        "Its verdict is still a draft: a reviewer approves it before it is published."
    )


def test_the_claim_page_links_its_claimreview_once_approved(published_claim, demo_claim):
    page = claim_page_of(published_claim)
    assert f'href="/api/claims/{published_claim.pk}/claimreview/"' in page


def test_the_claim_page_says_why_there_is_no_claimreview_yet(demo_claim):
    page = claim_page_of(demo_claim)
    assert "/claimreview/" not in page
    assert "ClaimReview: Its verdict is still a draft: a reviewer approves it" in page


def test_a_claimreview_is_by_the_workspace_unless_the_deployment_names_its_publisher(
    published_claim, settings
):
    assert review_of(published_claim)["author"] == {
        "@type": "Organization",
        "name": published_claim.workspace.name,
    }
    settings.CLAIMREVIEW_PUBLISHER = "Syria Fact-Check Desk"
    settings.CLAIMREVIEW_PUBLISHER_URL = "https://factcheck.example/"
    assert review_of(published_claim)["author"] == {
        "@type": "Organization",
        "name": "Syria Fact-Check Desk",
        "url": "https://factcheck.example/",
    }


def test_a_workspaces_own_scale_rates_the_verdict(published_claim):
    published_claim.workspace.verdict_scale = {ClaimStatus.DEBUNKED: [2, "Mostly false"]}
    assert review_of(published_claim)["reviewRating"]["alternateName"] == "Mostly false"


@pytest.mark.parametrize(
    "scale", [{"maybe": [1, "x"]}, {"debunked": [9, "x"]}, {"debunked": [1, ""]}, ["debunked"]]
)
def test_a_malformed_verdict_scale_is_refused(demo, scale):
    demo.verdict_scale = scale
    with pytest.raises(ValidationError):
        demo.full_clean()


def test_the_api_serves_the_claimreview_to_members(published_claim):
    member = Membership.objects.filter(workspace=published_claim.workspace).first().user
    response = api_client_for(member).get(f"/api/claims/{published_claim.pk}/claimreview/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
    assert missing_fields(response.json()) == []


def test_the_api_gives_the_claimreview_the_published_fact_checks_address(published_claim):
    member = Membership.objects.filter(workspace=published_claim.workspace).first().user
    published = "https://factcheck.example/2017/06/tell-al-zaytoun?ref=warrant"
    response = api_client_for(member).get(
        f"/api/claims/{published_claim.pk}/claimreview/", {"url": published}
    )
    assert response.status_code == 200 and response.json()["url"] == published


def test_the_api_gives_the_claimreview_the_claims_page_without_an_address(published_claim):
    member = Membership.objects.filter(workspace=published_claim.workspace).first().user
    response = api_client_for(member).get(f"/api/claims/{published_claim.pk}/claimreview/")
    page = reverse("archive:claim", args=[published_claim.workspace.slug, published_claim.pk])
    assert response.json()["url"] == f"http://testserver{page}"


@pytest.mark.parametrize(
    "address",
    ["factcheck.example/article", "ftp://factcheck.example/a", "https://editor:pw@factcheck.example/a"],
)
def test_the_api_refuses_a_claimreview_address_a_reader_cannot_follow(published_claim, address):
    member = Membership.objects.filter(workspace=published_claim.workspace).first().user
    response = api_client_for(member).get(f"/api/claims/{published_claim.pk}/claimreview/", {"url": address})
    assert response.status_code == 400
    assert "address of the published fact-check" in response.json()["url"][0]


def test_the_claimreview_refuses_other_parameters_by_name(published_claim):
    member = Membership.objects.filter(workspace=published_claim.workspace).first().user
    response = api_client_for(member).get(f"/api/claims/{published_claim.pk}/claimreview/", {"href": "x"})
    assert response.status_code == 400 and "href" in response.json()


def test_the_claim_page_asks_for_the_published_fact_checks_address(published_claim):
    page = claim_page_of(published_claim)
    assert f'<form method="get" action="/api/claims/{published_claim.pk}/claimreview/"' in page
    assert 'name="url"' in page


def test_an_open_claim_has_no_claimreview_yet(demo):
    claim = Claim.objects.filter(workspace=demo, status=ClaimStatus.OPEN).first()
    member = Membership.objects.filter(workspace=demo).first().user
    response = api_client_for(member).get(f"/api/claims/{claim.pk}/claimreview/")
    assert response.status_code == 409 and "verdict" in response.json()["error"]


# --- evidence packages ------------------------------------------------------------


def package_of(claim: Claim) -> bytes:
    return evidence_package(claim, base_uri="https://warrant.example/w/demo/", user=None).data


@pytest.fixture
def package_file(demo_claim, tmp_path) -> Path:
    path = tmp_path / "package.zip"
    path.write_bytes(package_of(demo_claim))
    return path


def verify(path: Path, *args: str) -> subprocess.CompletedProcess:
    """verify.py as Warrant serves it (never the package's own copy, which a forger controls),
    run as a recipient would: a separate Python process without Django or the project on its path."""
    script = path.parent / "verify.py"
    script.write_bytes(verifier())
    return subprocess.run(
        [sys.executable, "-I", str(script), str(path), *args],
        cwd=path.parent,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def rewritten(path: Path, change) -> Path:
    """A copy of the package with `change(files)` applied to its files (a dict of bytes)."""
    with zipfile.ZipFile(path) as bag:
        files = {name: bag.read(name) for name in bag.namelist()}
    change(files)
    out = path.with_name("tampered.zip")
    with zipfile.ZipFile(out, "w") as bag:
        for name, data in files.items():
            bag.writestr(name, data)
    return out


def manifest_for(files: dict) -> bytes:
    return "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n"
        for name, data in sorted(files.items())
        if name.startswith("data/")
    ).encode()


def rewrite_first_history_entry(files: dict) -> None:
    """Change the first history entry's reason, and the manifest to match, as a forger would."""
    lines = files["data/history.jsonl"].decode().splitlines()
    entry = json.loads(lines[0])
    entry["entry"]["reason"] = "nothing to see here"
    lines[0] = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    files["data/history.jsonl"] = ("\n".join(lines) + "\n").encode()
    files["manifest-sha256.txt"] = manifest_for(files)


def test_the_verifier_hashes_entries_as_the_ledger_does():
    """verify.py stands alone, so it repeats the ledger's entry fields and encoding: the same."""
    from archive.audit import ledger
    from archive.findings import verify_package

    assert verify_package.ENTRY_FIELDS == ledger.ENTRY_FIELDS
    payload = {"b": "ق", "a": [1, None, "x"], "c": {"z": 1, "y": "2026-12-03T00:00:00.000000+00:00"}}
    assert verify_package.canonical_json(payload) == ledger.canonical_json(payload)


def test_the_verifier_knows_the_columns_a_history_row_leaves_out_at_their_default():
    from archive.audit import ledger
    from archive.findings import verify_package

    assert verify_package.LATER_COLUMNS == ledger.LATER_COLUMNS


def test_the_verifier_counts_one_history_entry_in_the_singular():
    from archive.findings import verify_package

    assert verify_package.counted(1, "history entry", "history entries") == "1 history entry"


def test_a_package_round_trip_verifies_offline(package_file, demo_claim):
    result = verify(package_file, "--expect-key", fingerprint(demo_claim.workspace))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:") and "history entries" in result.stdout


def test_a_package_holds_the_claim_its_passages_sources_and_history(package_file, demo_claim):
    with zipfile.ZipFile(package_file) as bag:
        claim = json.loads(bag.read("data/claim.json"))
        sources = json.loads(bag.read("data/sources.json"))
        history = bag.read("data/history.jsonl").decode().splitlines()
        names = set(bag.namelist())
    assert claim["statement"] == demo_claim.statement and len(claim["evidence"]) == 3
    # The republication's whole derivation chain, up to the Arabic original.
    assert {source["derivation"] or "original" for source in sources} == {
        "republication",
        "translation",
        "original",
    }
    assert {f"data/sources/{source['id']}/text.txt" for source in sources} <= names
    assert any(json.loads(line)["entry"]["model"] == "claim" for line in history)
    assert "data/provenance.prov.json" in names


def test_a_package_names_who_decided_on_the_claim_and_each_piece_of_evidence(published_claim, tmp_path):
    reviewer = Membership.objects.filter(workspace=published_claim.workspace, role=Role.REVIEWER).last().user
    path = tmp_path / "package.zip"
    path.write_bytes(package_of(published_claim))
    with zipfile.ZipFile(path) as bag:
        claim = json.loads(bag.read("data/claim.json"))
    decisions = [claim["review_decision"], *(item["review_decision"] for item in claim["evidence"])]
    assert {(d["decision"], d["by"]) for d in decisions} == {("approved", reviewer.username)}


def test_a_packages_evidence_gives_its_grade_in_words(package_file):
    with zipfile.ZipFile(package_file) as bag:
        evidence = json.loads(bag.read("data/claim.json"))["evidence"]
    assert evidence and all(item["grade_meaning"] == grade_meaning(item["grade"]) for item in evidence)
    assert all(item["grade_meaning"].startswith("outlet: ") for item in evidence)


def test_a_package_says_who_each_user_id_in_its_history_is(package_file, demo_claim):
    with zipfile.ZipFile(package_file) as bag:
        people = json.loads(bag.read("data/people.json"))
        history = [json.loads(line)["entry"] for line in bag.read("data/history.jsonl").decode().splitlines()]
    named = {person["id"]: person["username"] for person in people}
    ids = {entry["user_id"] for entry in history} - {None}
    assert ids and set(named) == ids
    assert named == {user.pk: user.username for user in User.objects.filter(pk__in=ids)}


def test_one_changed_byte_in_a_file_is_caught_and_named(package_file):
    def change(files):
        files["data/passages.json"] = files["data/passages.json"].replace(b"fifteen", b"fifty", 1)

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1 and "data/passages.json does not match" in result.stderr


def test_a_changed_history_entry_is_caught_even_with_the_manifest_updated(package_file):
    def change(files):
        rewrite_first_history_entry(files)

    result = verify(rewritten(package_file, change))
    # The manifest changed, so the tag manifest (and the signature) no longer hold.
    assert result.returncode == 1 and "manifest-sha256.txt does not match" in result.stderr


TAGS = ("README.txt", "bag-info.txt", "bagit.txt", "manifest-sha256.txt", "verify.py")
OLD_TAGS = ("bag-info.txt", "bagit.txt", "manifest-sha256.txt")  # before README.txt was covered


def sign(files: dict, key: Ed25519PrivateKey, *, tags: tuple[str, ...] = TAGS) -> None:
    """Make the manifests match the files and sign them with `key`: the tag manifest, or
    with the older tags the manifest alone, as packages were signed before."""
    files["manifest-sha256.txt"] = manifest_for(files)
    files["tagmanifest-sha256.txt"] = "".join(
        f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in tags
    ).encode()
    signed = files["tagmanifest-sha256.txt" if tags == TAGS else "manifest-sha256.txt"]
    files["signature.ed25519"] = key.sign(signed).hex().encode()
    files["public-key.pem"] = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def resign_as_a_forger(files: dict) -> None:
    """Make the manifests match the files and sign them with a key of the forger's own."""
    sign(files, Ed25519PrivateKey.generate())


def test_a_package_resigned_with_another_key_is_not_called_ok_without_the_expected_key(package_file):
    result = verify(rewritten(package_file, resign_as_a_forger))
    assert result.returncode == INTACT, result.stderr
    assert not result.stdout.startswith("OK") and "SIGNER NOT ESTABLISHED" in result.stdout
    assert "--expect-key FINGERPRINT" in result.stdout and "outside this package" in result.stdout


def test_a_changed_readme_is_caught(package_file):
    def change(files):
        files["README.txt"] = files["README.txt"].replace(b"Evidence package", b"Trusted package", 1)

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1 and "README.txt does not match" in result.stderr


def test_the_readme_sends_the_reader_to_the_publisher_for_the_fingerprint(package_file, demo_claim):
    with zipfile.ZipFile(package_file) as bag:
        readme = bag.read("README.txt").decode()
    assert fingerprint(demo_claim.workspace) not in readme
    assert "--expect-key FINGERPRINT" in readme and "https://warrant.example/w/demo/" in readme


def test_a_package_signed_before_the_readme_was_covered_still_verifies(package_file, demo_claim):
    def change(files):
        sign(files, signing_key(demo_claim.workspace), tags=OLD_TAGS)

    result = verify(rewritten(package_file, change), "--expect-key", fingerprint(demo_claim.workspace))
    assert result.returncode == 0, result.stderr
    assert "README.txt is not covered by the signature" in result.stdout


def test_a_package_cannot_pass_for_one_signed_before_the_readme_was_covered(package_file):
    """Its key signed the tag manifest, never the manifest alone."""

    def change(files):
        files["README.txt"] = b"Trust me.\n"
        files["tagmanifest-sha256.txt"] = "".join(
            f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in OLD_TAGS
        ).encode()

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1 and "not a valid signature of manifest-sha256.txt" in result.stderr


def test_a_changed_history_entry_resigned_with_another_key_is_caught(package_file):
    def change(files):
        rewrite_first_history_entry(files)
        resign_as_a_forger(files)

    result = verify(rewritten(package_file, change))
    # A consistent forgery still fails: the entry no longer has its ledger hash.
    assert result.returncode == 1 and "does not match its hash" in result.stderr


@pytest.fixture
def decided_package(published_claim, tmp_path) -> Path:
    """The package of a claim whose verdict and evidence a reviewer approved."""
    path = tmp_path / "package.zip"
    path.write_bytes(package_of(published_claim))
    return path


def with_decision_changed(change):
    """A change of the package: `change` applied to the first review decision given, re-signed by a forger."""

    def changed(files):
        claim = json.loads(files["data/claim.json"])
        decided = next(item for item in [claim, *claim["evidence"]] if item.get("review_decision"))
        change(decided)
        files["data/claim.json"] = json.dumps(claim).encode()
        resign_as_a_forger(files)

    return changed


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("comment", "Checked twice."),
        ("by", "demo-admin"),
        ("decision", "approved"),
        ("decision", "rejected"),
        ("at", "2020-01-01T00:00:00+00:00"),
        ("at", "not a time"),
    ],
)
def test_a_review_decision_changed_and_resigned_with_another_key_is_caught(decided_package, field, value):
    def change(decided):
        if decided["review_decision"][field] == value:  # approved where it was rejected, and so on
            value_now = "rejected" if value == "approved" else "approved"
        else:
            value_now = value
        decided["review_decision"][field] = value_now

    result = verify(rewritten(decided_package, with_decision_changed(change)))
    assert result.returncode == 1 and "review decision on" in result.stderr, result.stderr


def test_a_package_with_review_decisions_verifies(decided_package, published_claim):
    result = verify(decided_package, "--expect-key", fingerprint(published_claim.workspace))
    assert result.returncode == 0, result.stderr


def test_an_evidence_grade_changed_and_resigned_with_another_key_is_caught(package_file):
    def change(files):
        claim = json.loads(files["data/claim.json"])
        evidence = claim["evidence"][0]
        evidence["grade"] = "A1" if evidence["grade"] != "A1" else "B2"
        files["data/claim.json"] = json.dumps(claim).encode()
        resign_as_a_forger(files)

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1 and "grade of evidence" in result.stderr, result.stderr


def test_a_review_decision_made_up_where_none_was_recorded_is_caught(package_file):
    def change(files):
        claim = json.loads(files["data/claim.json"])
        undecided = next(item for item in [claim, *claim["evidence"]] if not item.get("review_decision"))
        undecided["review_decision"] = {
            "decision": "approved",
            "by": "demo-reviewer",
            "at": "2020-01-01",
            "comment": "",
        }
        files["data/claim.json"] = json.dumps(claim).encode()
        resign_as_a_forger(files)

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1 and "review decision on" in result.stderr, result.stderr


def test_the_verifier_knows_the_reviewers_decisions_by_the_ledgers_names():
    assert tuple(str(action) for action in review_module._DECISIONS) == verify_package.DECISIONS


def versioned(package_file: Path) -> tuple[dict, dict]:
    """The package's source of several versions, and a passage anchored in them."""
    with zipfile.ZipFile(package_file) as bag:
        sources = json.loads(bag.read("data/sources.json"))
        passages = json.loads(bag.read("data/passages.json"))
    source = next(source for source in sources if len(source["versions"]) > 1)
    return source, next(passage for passage in passages if passage["source"] == source["id"])


def imported(workspace: Workspace, user, method: str, text: str) -> Source:
    """A source archived as the import page archives a pasted text or a file."""
    original = pasted_original(text) if method == CaptureMethod.PASTE else text.encode()
    origin = Origin(method, filename="statement.txt" if method == CaptureMethod.FILE else "")
    extraction = examine(origin, original)
    metadata = Metadata.proposed(extraction.proposal, title=f"{method}: {text[:20]}")
    return save_import(
        workspace=workspace,
        user=user,
        original=original,
        extraction=extraction,
        metadata=metadata,
        origin=origin,
    ).source


def test_a_package_says_whether_a_source_was_pasted_or_a_file(workspace, analyst, tmp_path):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    for method, text in [
        (CaptureMethod.PASTE, "A pasted statement."),
        (CaptureMethod.FILE, "A filed statement."),
    ]:
        passage = PassageFactory(
            source=imported(workspace, analyst, method, text), workspace=workspace, length=8
        )
        EvidenceFactory(claim=claim, passage=passage, created_by=analyst)
    with zipfile.ZipFile(io.BytesIO(package_of(claim))) as bag:
        sources = json.loads(bag.read("data/sources.json"))
    came_in = [(source["versions"][0]["origin"], source["versions"][0]["came_in"]) for source in sources]
    assert came_in == [("import", "pasted"), ("import", "file")]


def test_a_package_holds_every_version_of_a_source_and_where_each_passage_was_in_it(package_file):
    source, passage = versioned(package_file)
    first, second = source["versions"]
    assert (first["number"], first["origin"], second["number"], second["origin"]) == (
        1,
        "import",
        2,
        "correction",
    )
    with zipfile.ZipFile(package_file) as bag:
        text = bag.read(f"data/sources/{source['id']}/versions/1/text.txt")
        original = bag.read(f"data/sources/{source['id']}/versions/1/original")
    assert hashlib.sha256(text).hexdigest() == first["text_sha256"]
    assert hashlib.sha256(original).hexdigest() == first["original_sha256"]
    anchor = next(anchor for anchor in passage["anchors"] if anchor["version"] == 1)
    position, quote = anchor["selector"]
    assert text.decode()[position["start"] : position["end"]] == quote["exact"]
    with zipfile.ZipFile(package_file) as bag:
        versions = sum(len(each["versions"]) for each in json.loads(bag.read("data/sources.json")))
    result = verify(package_file)
    assert result.returncode == INTACT and f"{versions} source versions" in result.stdout


@pytest.mark.parametrize("hash_too", [False, True], ids=["the-text", "the-text-and-its-recorded-hash"])
def test_an_earlier_versions_text_changed_and_resigned_is_caught(package_file, hash_too):
    """Caught by the file's hash, or, with that hash changed too, by the version's history row."""
    source, _ = versioned(package_file)
    name = f"data/sources/{source['id']}/versions/1/text.txt"

    def change(files):
        files[name] = files[name].replace(b"the", b"a", 1)
        if hash_too:
            sources = json.loads(files["data/sources.json"])
            for each in sources:
                if each["id"] == source["id"]:
                    each["versions"][0]["text_sha256"] = hashlib.sha256(files[name]).hexdigest()
            files["data/sources.json"] = json.dumps(sources).encode()
        resign_as_a_forger(files)

    result = verify(rewritten(package_file, change))
    caught = (
        f"gives version 1 of source {source['id']} a text_sha256 that its history entry does not record"
        if hash_too
        else f"{name} is not the file whose SHA-256 version 1 of source {source['id']} records"
    )
    assert result.returncode == 1 and caught in result.stderr


def test_a_passages_anchor_moved_in_an_earlier_version_and_resigned_is_caught(package_file):
    _, passage = versioned(package_file)

    def change(files):
        passages = json.loads(files["data/passages.json"])
        for each in passages:
            if each["id"] == passage["id"]:
                each["anchors"][0]["selector"][0]["start"] += 1
        files["data/passages.json"] = json.dumps(passages).encode()
        resign_as_a_forger(files)

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1
    assert f"passage {passage['id']}'s quote is not the text at its offsets in version 1" in result.stderr


def _forge_claim(claim: Claim) -> str:
    Claim.objects.filter(pk=claim.pk).update(statement="Shelling put the station out of service.")
    return f"statement of claim {claim.pk}"


def _forge_evidence(claim: Claim) -> str:
    evidence = claim.evidence.order_by("pk").first()
    Evidence.objects.filter(pk=evidence.pk).update(
        stance="refutes" if evidence.stance != "refutes" else "supports"
    )
    return f"stance of evidence {evidence.pk}"


def _forge_passage(claim: Claim) -> str:
    passage = claim.evidence.order_by("pk").first().passage
    Passage.objects.filter(pk=passage.pk).update(prefix="forged context ")
    return f"prefix of passage {passage.pk}"


def _cited_source(claim: Claim) -> Source:
    return claim.evidence.order_by("pk").first().passage.source


def _forge_source_authors(claim: Claim) -> str:
    source = _cited_source(claim)
    Source.objects.filter(pk=source.pk).update(authors=["Forged Author"])
    return f"authors of source {source.pk}"


def _forge_source_title(claim: Claim) -> str:
    source = _cited_source(claim)
    Source.objects.filter(pk=source.pk).update(title="A friendlier title")
    return f"title of source {source.pk}"


def _forge_source_outlet(claim: Claim) -> str:
    source = _cited_source(claim)
    other = Outlet.objects.filter(workspace=claim.workspace).exclude(pk=source.outlet_id).first()
    Source.objects.filter(pk=source.pk).update(outlet=other)
    return f"outlet of source {source.pk}"


def _forge_outlet_reliability(claim: Claim) -> str:
    source = _cited_source(claim)
    Outlet.objects.filter(pk=source.outlet_id).update(reliability="A")
    return f"reliability of outlet {source.outlet_id} of source {source.pk}"


def _forge_version_url(claim: Claim) -> str:
    version = SourceVersion.objects.filter(source__in=_cited_source(claim).derivation_chain()).first()
    SourceVersion.objects.filter(pk=version.pk).update(url="https://forged.example/")
    return f"url of version {version.number} of source {version.source_id}"


@pytest.mark.parametrize(
    "forge",
    [
        _forge_claim,
        _forge_evidence,
        _forge_passage,
        _forge_source_authors,
        _forge_source_title,
        _forge_source_outlet,
        _forge_outlet_reliability,
        _forge_version_url,
    ],
    ids=[
        "claim",
        "evidence",
        "passage",
        "source-authors",
        "source-title",
        "source-outlet",
        "outlet",
        "version",
    ],
)
def test_a_row_changed_outside_its_history_then_packaged_and_signed_is_caught(
    demo_claim, tmp_path, forge, monkeypatch
):
    """verify.py's own check, should Warrant's (below) ever let such a row through."""
    monkeypatch.setattr("archive.findings.package.verify_workspace", verify_chain)
    what = forge(demo_claim)
    path = tmp_path / "package.zip"
    path.write_bytes(package_of(Claim.objects.get(pk=demo_claim.pk)))
    result = verify(path, "--expect-key", fingerprint(demo_claim.workspace))
    assert result.returncode == 1
    assert f"the package's {what} is not what its last history entry records" in result.stderr


def cited_in_new_source(claim: Claim, text: str, *, end: int, **fields) -> tuple[Source, Passage]:
    """A new source of `text`, its first `end` characters cited in support of `claim`."""
    user = claim.created_by
    source = create_source(
        workspace=claim.workspace, user=user, title="Figures", text=text, language="en", **fields
    )
    passage = create_passage(source=source, user=user, start=0, end=end)
    add_evidence(claim=claim, passage=passage, user=user, stance="supports")
    return source, passage


def test_a_version_captured_at_a_whole_second_still_verifies(demo_claim, tmp_path):
    """A web capture's time has no fraction of a second: sources.json writes none, the ledger six zeros."""
    source, _ = cited_in_new_source(
        demo_claim,
        "Shelling at noon.",
        end=8,
        fetched_at=datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC),
    )
    path = tmp_path / "package.zip"
    path.write_bytes(package_of(demo_claim))
    with zipfile.ZipFile(path) as bag:
        sources = json.loads(bag.read("data/sources.json"))
    assert next(each for each in sources if each["id"] == source.pk)["versions"][0]["captured_at"] == (
        "2026-03-10T12:00:00+00:00"
    )
    result = verify(path, "--expect-key", fingerprint(demo_claim.workspace))
    assert result.returncode == 0, result.stderr


def test_a_package_signed_by_another_key_is_refused_when_the_key_is_expected(package_file):
    result = verify(package_file, "--expect-key", "0" * 64)
    assert result.returncode == 1 and "not the expected" in result.stderr


def test_a_changed_manifest_is_caught(package_file):
    def change(files):
        files["manifest-sha256.txt"] = files["manifest-sha256.txt"] + b"0" * 64 + b"  data/extra\n"

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1 and "manifest-sha256.txt" in result.stderr


def test_a_changed_signature_is_caught(package_file):
    def change(files):
        signature = bytearray(files["signature.ed25519"])
        signature[0] = ord("0") if signature[0] != ord("0") else ord("1")
        files["signature.ed25519"] = bytes(signature)

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1 and "not a valid signature" in result.stderr


def damaged(path: Path, name: str) -> Path:
    """A copy of the package with one bit flipped in the middle of `name`'s compressed bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as bag:
        info = bag.getinfo(name)
    # A local file header is 30 bytes, then the name and the extra field, whose lengths it ends with.
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    data[info.header_offset + 30 + name_length + extra_length + info.compress_size // 2] ^= 0x01
    out = path.with_name("damaged.zip")
    out.write_bytes(data)
    return out


def test_a_bit_flipped_in_a_files_compressed_bytes_is_named_as_damage_not_a_crash(package_file):
    result = verify(damaged(package_file, "verify.py"))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("FAILED: verify.py is damaged in the ZIP file")


def test_a_changed_tag_manifest_is_named_rather_than_a_file_it_lists(package_file):
    def change(files):
        files["tagmanifest-sha256.txt"] = re.sub(
            rb"^[0-9a-f]{64}(?=  bagit\.txt$)", b"0" * 64, files["tagmanifest-sha256.txt"], flags=re.M
        )

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1
    assert "tagmanifest-sha256.txt was changed after it was signed" in result.stderr
    assert "bagit.txt" not in result.stderr


def test_a_damaged_public_key_is_not_said_to_have_signed_the_package(package_file, demo_claim):
    def change(files):
        header, body, *rest = files["public-key.pem"].split(b"\n")
        flipped = bytearray(body)
        flipped[30] = ord("A") if flipped[30] != ord("A") else ord("B")  # within the raw key's bytes
        files["public-key.pem"] = b"\n".join([header, bytes(flipped), *rest])

    expected = fingerprint(demo_claim.workspace)
    result = verify(rewritten(package_file, change), "--expect-key", expected)
    assert result.returncode == 1
    assert "signed by key" not in result.stderr
    assert f"not the expected {expected}" in result.stderr
    assert "is not a valid signature of tagmanifest-sha256.txt by it" in result.stderr


def test_an_unreadable_public_key_is_named(package_file):
    def change(files):
        files["public-key.pem"] = b"-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n"

    result = verify(rewritten(package_file, change))
    assert result.returncode == 1
    assert result.stderr.startswith("FAILED: public-key.pem is not a readable public key")


def test_warrant_serves_the_verifier_every_package_carries_byte_for_byte(client, package_file):
    response = client.get("/verify.py")
    with zipfile.ZipFile(package_file) as bag:
        packed = bag.read("verify.py")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="verify.py"'
    assert response.content == packed == VERIFIER.read_bytes()


def test_the_workspace_page_shows_the_verifiers_sha256_beside_the_signing_key(client, demo):
    client.force_login(Membership.objects.filter(workspace=demo).first().user)
    page = client.get(f"/w/{demo.slug}/").content.decode()
    served = hashlib.sha256(client.get("/verify.py").content).hexdigest()
    signing_key = page[page.index("<h2>Signing key</h2>") :]
    assert fingerprint(demo) in signing_key
    assert f'<code class="fingerprint" id="verifier-sha256">{served}</code>' in signing_key
    assert 'href="/verify.py"' in signing_key and "never the copy inside the\npackage" in signing_key


def test_the_package_download_names_the_verifiers_sha256_beside_the_signing_key(client, demo_claim):
    client.force_login(Membership.objects.filter(workspace=demo_claim.workspace).first().user)
    response = client.get(f"/w/{demo_claim.workspace.slug}/claims/{demo_claim.pk}/evidence-package.zip")
    assert response["X-Signing-Key"] == fingerprint(demo_claim.workspace)
    assert response["X-Verifier-SHA256"] == hashlib.sha256(VERIFIER.read_bytes()).hexdigest()


def test_the_command_prints_the_verifiers_sha256_beside_the_signing_key(demo_claim, tmp_path):
    out = io.StringIO()
    call_command(
        "export_evidence_package", "--claim", str(demo_claim.pk), str(tmp_path / "c.zip"), stdout=out
    )
    assert fingerprint(demo_claim.workspace) in out.getvalue()
    assert f"verify.py from Warrant (/verify.py), SHA-256 {verifier_sha256()}" in out.getvalue()


def test_the_readme_sends_the_reader_to_warrant_for_verify_py_not_the_copy_inside(package_file):
    with zipfile.ZipFile(package_file) as bag:
        readme = bag.read("README.txt").decode()
    assert "download it from Warrant (https://warrant.example/verify.py" in readme
    assert "The verify.py inside this package is only a convenience" in readme
    assert "this one and verify.py too)" not in readme  # a verifier cannot vouch for itself


def test_the_readme_sends_whoever_checks_the_chain_head_to_a_reviewer_or_admin(package_file):
    with zipfile.ZipFile(package_file) as bag:
        readme = bag.read("README.txt").decode()
    assert "ask a reviewer or an admin of the workspace" in readme
    assert "https://warrant.example/w/demo/audit/" in readme


def test_the_command_writes_the_package(demo_claim, tmp_path):
    out = tmp_path / "claim.zip"
    call_command("export_evidence_package", "--claim", str(demo_claim.pk), str(out), stdout=io.StringIO())
    assert verify(out, "--expect-key", fingerprint(demo_claim.workspace)).returncode == 0


def test_members_download_the_package_from_the_claim_page(client, demo_claim):
    member = Membership.objects.filter(workspace=demo_claim.workspace).first().user
    client.force_login(member)
    url = f"/w/{demo_claim.workspace.slug}/claims/{demo_claim.pk}/evidence-package.zip"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["X-Signing-Key"] == fingerprint(demo_claim.workspace)
    assert url in client.get(f"/w/{demo_claim.workspace.slug}/claims/{demo_claim.pk}/").content.decode()


# --- what Warrant refuses to sign ---------------------------------------------------


def export(claim: Claim, out: Path) -> None:
    call_command("export_evidence_package", "--claim", str(claim.pk), str(out), stdout=io.StringIO())


def test_the_export_refuses_a_damaged_original_and_writes_nothing(demo_claim, tmp_path, damage):
    source = _cited_source(demo_claim)
    damage(source.original.name)
    out = tmp_path / "claim.zip"
    with pytest.raises(CommandError) as refused:
        export(demo_claim, out)
    assert str(refused.value) == (
        f"data/sources/{source.pk}/original: The stored file does not match the SHA-256 recorded at "
        "capture; it may be damaged. An admin can run verify_fixity. No package was written."
    )
    assert list(tmp_path.iterdir()) == []


def test_the_export_refuses_a_missing_original(demo_claim, tmp_path, damage):
    source = _cited_source(demo_claim)
    damage(source.original.name)  # put back after the test
    default_storage.delete(source.original.name)
    with pytest.raises(PackageRefused, match=f"data/sources/{source.pk}/original is missing from storage"):
        package_of(demo_claim)


def test_the_export_refuses_an_edited_history_row_and_writes_nothing(demo_claim, tmp_path):
    Claim.history.filter(id=demo_claim.pk).update(statement="Edited in the database.")
    out = tmp_path / "claim.zip"
    with pytest.raises(
        CommandError, match=r"The workspace's history does not verify: entry #\d+ .* does not "
    ):
        export(demo_claim, out)
    assert list(tmp_path.iterdir()) == []


def test_the_export_refuses_a_row_changed_outside_its_history(demo_claim):
    _forge_claim(demo_claim)
    with pytest.raises(PackageRefused, match="changed outside the history"):
        package_of(Claim.objects.get(pk=demo_claim.pk))


def test_the_download_of_a_package_with_a_damaged_file_is_refused_naming_it(client, demo_claim, damage):
    source = _cited_source(demo_claim)
    damage(source.original.name)
    client.force_login(Membership.objects.filter(workspace=demo_claim.workspace).first().user)
    url = f"/w/{demo_claim.workspace.slug}/claims/{demo_claim.pk}/evidence-package.zip"
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 409 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The evidence package was not built." in page
    assert f"data/sources/{source.pk}/original: The stored file does not match the SHA-256" in page


def bag_info(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as bag:
        lines = bag.read("bag-info.txt").decode().splitlines()
    return dict(line.split(": ", 1) for line in lines)


def test_each_package_carries_an_id_of_its_own(demo_claim):
    first, second = bag_info(package_of(demo_claim)), bag_info(package_of(demo_claim))
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", first["Internal-Sender-Identifier"])
    assert first["Internal-Sender-Identifier"] != second["Internal-Sender-Identifier"]


def test_the_server_log_records_who_exported_which_package_when(client, demo_claim, caplog):
    member = Membership.objects.filter(workspace=demo_claim.workspace).first().user
    client.force_login(member)
    with caplog.at_level("INFO", logger="archive.findings.package"):
        response = client.get(f"/w/{demo_claim.workspace.slug}/claims/{demo_claim.pk}/evidence-package.zip")
    package_id = response["X-Package-Id"]
    assert bag_info(response.content)["Internal-Sender-Identifier"] == f"urn:uuid:{package_id}"
    assert re.fullmatch(
        rf"Evidence package {package_id} of claim {demo_claim.pk} in workspace {DEMO} exported by "
        rf"{member.username} at \d{{4}}-\d\d-\d\dT\S+\.",
        caplog.records[-1].getMessage(),
    )


def test_the_signed_bag_info_names_who_exported_the_package(client, demo_claim):
    member = Membership.objects.filter(workspace=demo_claim.workspace).first().user
    client.force_login(member)
    response = client.get(f"/w/{demo_claim.workspace.slug}/claims/{demo_claim.pk}/evidence-package.zip")
    assert bag_info(response.content)["Contact-Name"] == member.username
    assert bag_info(package_of(demo_claim))["Contact-Name"] == "the command line"


def test_the_command_prints_the_package_id_and_the_log_names_the_command_line(demo_claim, tmp_path, caplog):
    out = io.StringIO()
    with caplog.at_level("INFO", logger="archive.findings.package"):
        call_command(
            "export_evidence_package", "--claim", str(demo_claim.pk), str(tmp_path / "c.zip"), stdout=out
        )
    package_id = bag_info((tmp_path / "c.zip").read_bytes())["Internal-Sender-Identifier"].removeprefix(
        "urn:uuid:"
    )
    assert f"package {package_id}), signed by key" in out.getvalue()
    assert "exported by the command line at" in caplog.records[-1].getMessage()


# --- RFC 3161 time-stamps -----------------------------------------------------------


@pytest.fixture
def tsa(settings, tmp_path):
    """A local time-stamping authority, configured as the deployment's TSA."""
    with local_tsa(tmp_path / "tsa") as authority:
        settings.EVIDENCE_TSA_URL = authority.url
        settings.EVIDENCE_TSA_TIMEOUT_SECONDS = 10
        yield authority


@pytest.fixture
def stamped_package(tsa, demo_claim, tmp_path) -> Path:
    path = tmp_path / "stamped.zip"
    path.write_bytes(package_of(demo_claim))
    return path


@pytest.mark.parametrize(
    ("key_type", "ess_cert_id_alg"), [("rsa", "sha256"), ("ec", "sha1"), ("rsa", "sha512")]
)
def test_time_stamps_signed_with_rsa_or_ecdsa_naming_their_certificate_by_any_hash_check_out(
    settings, tmp_path, key_type, ess_cert_id_alg
):
    signature = b"0123abcd" * 16 + b"\n"
    with local_tsa(tmp_path, key_type=key_type, ess_cert_id_alg=ess_cert_id_alg) as authority:
        settings.EVIDENCE_TSA_URL = authority.url
        token = request_timestamp(signature)
    trusted = x509.load_pem_x509_certificate(authority.ca_pem.read_bytes())
    assert token is not None
    assert (
        check_stamp(token, signature, trusted=trusted).tsa.subject.rfc4514_string() == "CN=Warrant test TSA"
    )
    with pytest.raises(Refused, match="issued for another signature"):
        check_stamp(token, signature.upper(), trusted=trusted)


def stamped_time(output: str) -> datetime.datetime:
    match = re.search(r"time-stamped at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", output)
    assert match, output
    return datetime.datetime.strptime(match[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)


def test_a_time_stamped_package_verifies_offline_and_prints_the_stamped_time(tsa, demo_claim, tmp_path):
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    path = tmp_path / "stamped.zip"
    path.write_bytes(package_of(demo_claim))
    after = datetime.datetime.now(datetime.UTC)
    result = verify(path, "--tsa-cert", str(tsa.ca_pem), "--expect-key", fingerprint(demo_claim.workspace))
    assert result.returncode == 0, result.stderr
    assert before <= stamped_time(result.stdout) <= after
    assert "Warrant test TSA" in result.stdout and "issued under the trusted --tsa-cert" in result.stdout
    assert tsa.requests == 1


def test_openssl_verifies_the_time_stamp_against_the_signature_on_its_own(stamped_package, tsa, tmp_path):
    """What the recipient's README promises: the token stamps signature.ed25519."""
    with zipfile.ZipFile(stamped_package) as bag:
        bag.extract("signature.ed25519", tmp_path)
        bag.extract("timestamp.tsr", tmp_path)
    result = subprocess.run(
        [
            OPENSSL,
            "ts",
            "-verify",
            "-data",
            "signature.ed25519",
            "-in",
            "timestamp.tsr",
            "-CAfile",
            str(tsa.ca_pem),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "Verification: OK" in result.stdout, result.stderr


def test_without_a_trusted_tsa_certificate_the_verifier_says_the_tsa_is_not_vouched_for(stamped_package):
    result = verify(stamped_package)
    assert result.returncode == INTACT, result.stderr
    assert "not checked against a trusted TSA certificate" in result.stdout


def change_stamped_time(token: bytes) -> bytes:
    """One digit of the TSTInfo's genTime, moved back by one (a back-dated stamp)."""
    match = re.search(rb"\x18\x0f\d{14}Z", token)
    assert match
    at = match.start() + 2 + 13  # the last digit of the seconds
    digit = token[at] - ord("0")
    return token[:at] + str((digit + 9) % 10).encode() + token[at + 1 :]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (change_stamped_time, "time-stamp info is not what the TSA signed"),
        (
            lambda token: token[:-1] + bytes([token[-1] ^ 0x01]),
            "The TSA's signature in timestamp.tsr does not verify",
        ),
    ],
    ids=["the stamped time", "the TSA's signature"],
)
def test_one_changed_byte_in_the_time_stamp_is_caught_and_named(stamped_package, change, named):
    def tamper(files):
        files["timestamp.tsr"] = change(files["timestamp.tsr"])

    result = verify(rewritten(stamped_package, tamper))
    assert result.returncode == 1
    assert (
        result.stderr.startswith("FAILED: ")
        and named in result.stderr
        and "the token was changed" in result.stderr
    )


def test_a_changed_manifest_in_a_time_stamped_package_is_caught(stamped_package):
    def change(files):
        files["manifest-sha256.txt"] = files["manifest-sha256.txt"].replace(b"data/", b"data/x", 1)

    result = verify(rewritten(stamped_package, change))
    assert result.returncode == 1 and "manifest-sha256.txt does not match" in result.stderr


def test_a_manifest_changed_and_re_signed_after_the_time_stamp_is_caught(stamped_package):
    """A forger who changes a file, the manifests and re-signs with a key of their own
    still cannot move the independent time-stamp onto the new signature."""
    forger = Ed25519PrivateKey.generate()

    def change(files):
        rewrite_first_history_entry(files)
        tags = {name: files[name] for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")}
        files["tagmanifest-sha256.txt"] = "".join(
            f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(tags.items())
        ).encode()
        files["signature.ed25519"] = forger.sign(files["manifest-sha256.txt"]).hex().encode() + b"\n"
        files["public-key.pem"] = forger.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    result = verify(rewritten(stamped_package, change))
    assert result.returncode == 1
    assert "timestamp.tsr was issued for another signature.ed25519" in result.stderr


def test_a_time_stamp_from_another_tsa_than_the_trusted_one_is_refused(stamped_package, tmp_path):
    make_ca(tmp_path, "Some other root")
    result = verify(stamped_package, "--tsa-cert", str(tmp_path / "ca.pem"))
    assert result.returncode == 1
    assert "not the trusted TSA certificate CN=Some other root" in result.stderr


def test_a_package_without_a_time_stamp_is_refused_when_a_tsa_is_required(package_file, tmp_path):
    make_ca(tmp_path, "Some root")
    result = verify(package_file, "--tsa-cert", str(tmp_path / "ca.pem"))
    assert result.returncode == 1 and "timestamp.tsr is missing" in result.stderr


@pytest.mark.parametrize(
    ("mode", "named"),
    [
        ("error", "answered HTTP 500 instead of a time-stamp"),
        ("garbage", "did not answer with a valid time-stamp"),
    ],
)
def test_a_failing_tsa_stops_the_export_with_its_reason_and_writes_nothing(
    tsa, demo_claim, tmp_path, mode, named
):
    tsa.mode = mode
    out = tmp_path / "claim.zip"
    with pytest.raises(CommandError) as failed:
        call_command("export_evidence_package", "--claim", str(demo_claim.pk), str(out), stdout=io.StringIO())
    assert f"The time-stamping authority at {tsa.url} {named}" in str(failed.value)
    assert not out.exists() and tsa.requests == 1


def test_an_unreachable_tsa_stops_the_export(settings, demo_claim, tmp_path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        settings.EVIDENCE_TSA_URL = f"http://127.0.0.1:{unused.getsockname()[1]}/tsr"
    with pytest.raises(CommandError, match="did not answer"):
        call_command("export_evidence_package", "--claim", str(demo_claim.pk), str(tmp_path / "x.zip"))


def test_the_download_says_what_failed_when_the_tsa_answers_500(client, tsa, demo_claim):
    tsa.mode = "error"
    client.force_login(Membership.objects.filter(workspace=demo_claim.workspace).first().user)
    url = f"/w/{demo_claim.workspace.slug}/claims/{demo_claim.pk}/evidence-package.zip"
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 503 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The evidence package was not built." in page and "answered HTTP 500" in page


def test_the_command_says_the_package_was_time_stamped(tsa, demo_claim, tmp_path):
    out = io.StringIO()
    call_command(
        "export_evidence_package", "--claim", str(demo_claim.pk), str(tmp_path / "c.zip"), stdout=out
    )
    assert "and time-stamped." in out.getvalue()
    assert verify(tmp_path / "c.zip", "--expect-key", fingerprint(demo_claim.workspace)).returncode == 0


def test_a_package_holding_a_file_twice_is_refused(demo_claim, tmp_path):
    """A forged copy first, the signed one last: Python reads the last, unzip shows the first."""
    signed = package_of(Claim.objects.get(pk=demo_claim.pk))
    path = tmp_path / "package.zip"
    with zipfile.ZipFile(io.BytesIO(signed)) as original, zipfile.ZipFile(path, "w") as forged:
        text = next(name for name in original.namelist() if name.endswith("/text.txt"))
        forged.writestr(text, original.read(text).replace(b"a", b"e"))
        for item in original.infolist():
            forged.writestr(item, original.read(item.filename))
    result = verify(path, "--expect-key", fingerprint(demo_claim.workspace))
    assert result.returncode == 1
    assert f"{text} is in the package more than once" in result.stderr


# --- the record of each package handed out --------------------------------------------


def download(client, claim: Claim, username: str = "demo-analyst"):
    client.force_login(Membership.objects.get(workspace=claim.workspace, user__username=username).user)
    return client.get(f"/w/{claim.workspace.slug}/claims/{claim.pk}/evidence-package.zip")


def record_of(claim: Claim, **given) -> PackageExport:
    """A record written as a package's is, with made-up hashes: for what shows it."""
    return record_export(
        claim=claim,
        package_uuid=str(uuid.uuid4()),
        user=given.get("user"),
        chain_length=given.get("chain_length", 3),
        head_hash="a" * 64,
        tag_manifest_sha256="b" * 64,
        timestamped=False,
    )


def test_a_download_records_its_package_id_user_chain_head_and_tag_manifest(client, demo_claim):
    response = download(client, demo_claim)
    export = PackageExport.objects.get()
    with zipfile.ZipFile(io.BytesIO(response.content)) as bag:
        head = json.loads(bag.read("data/chain-head.json"))
        tag_manifest = bag.read("tagmanifest-sha256.txt")
    assert (export.claim, export.package_uuid, export.exported_by.username) == (
        demo_claim,
        response["X-Package-Id"],
        "demo-analyst",
    )
    assert (export.chain_length, export.head_hash) == (head["length"], head["head_hash"])
    assert export.tag_manifest_sha256 == hashlib.sha256(tag_manifest).hexdigest()
    assert export.timestamped is False


def test_the_command_records_its_package_with_no_user(demo_claim, tmp_path):
    export(demo_claim, tmp_path / "claim.zip")
    package_id = bag_info((tmp_path / "claim.zip").read_bytes())["Internal-Sender-Identifier"]
    record = PackageExport.objects.get()
    assert (f"urn:uuid:{record.package_uuid}", record.exported_by) == (package_id, None)


def test_a_time_stamped_package_is_recorded_as_time_stamped(tsa, demo_claim):
    package_of(demo_claim)
    assert PackageExport.objects.get().timestamped is True


def test_a_head_request_hands_no_package_out_and_records_none(client, demo_claim):
    client.force_login(User.objects.get(username="demo-analyst"))
    response = client.head(f"/w/{DEMO}/claims/{demo_claim.pk}/evidence-package.zip")
    assert response.status_code == 200 and response.content == b""
    assert not PackageExport.objects.exists()


def test_a_package_refused_for_a_damaged_file_records_nothing(client, demo_claim, damage):
    damage(_cited_source(demo_claim).original.name)
    assert download(client, demo_claim).status_code == 409
    assert not PackageExport.objects.exists()


def test_a_package_the_tsa_would_not_stamp_records_nothing(client, tsa, demo_claim):
    tsa.mode = "error"
    assert download(client, demo_claim).status_code == 503
    assert not PackageExport.objects.exists()


def test_an_export_is_in_the_history_and_the_ledger_right_after_the_head_its_package_holds(demo_claim):
    package_of(demo_claim)
    record = PackageExport.objects.get()
    entry = HistoryEntry.objects.get(model="packageexport", object_id=record.pk)
    assert record.history.get().history_id == entry.history_id
    assert (entry.action, entry.user, entry.claim_id) == ("exported", None, demo_claim.pk)
    assert entry.sequence == record.chain_length + 1
    assert verify_workspace(demo_claim.workspace_id).ok


def test_an_export_record_is_never_changed(demo_claim):
    record = record_of(demo_claim)
    record.chain_length = 1
    with pytest.raises(ValidationError, match="never changed once recorded"):
        record.save()


def test_a_claim_whose_package_was_exported_cannot_be_deleted(demo_claim):
    package_of(demo_claim)
    with pytest.raises(ProtectedError):
        delete_claim(claim=demo_claim, user=None, reason="no longer needed")
    assert Claim.objects.filter(pk=demo_claim.pk).exists()


def test_the_claim_page_lists_its_exports_newest_first_with_who_when_and_chain_length(client, demo_claim):
    by_command = record_of(demo_claim, chain_length=40)
    by_member = record_of(demo_claim, chain_length=41, user=User.objects.get(username="demo-reviewer"))
    client.force_login(User.objects.get(username="demo-analyst"))
    page = client.get(f"/w/{DEMO}/claims/{demo_claim.pk}/").content.decode()
    start = page.index('<h2 id="package-exports-heading">Evidence packages exported</h2>')
    listed = page[start : page.index("</section>", start)]
    assert listed.index(by_member.package_uuid) < listed.index(by_command.package_uuid)
    assert "<bdi>demo-reviewer</bdi>" in listed and "the command line" in listed
    assert '"Chain length">41</td>' in listed and '"Chain length">40</td>' in listed


def test_the_claim_page_shows_a_few_exports_and_links_to_all_of_them(client, demo_claim):
    records = [record_of(demo_claim) for _ in range(EXPORTS_SHOWN + 1)]
    client.force_login(User.objects.get(username="demo-analyst"))
    page = client.get(f"/w/{DEMO}/claims/{demo_claim.pk}/").content.decode()
    assert records[0].package_uuid not in page and records[-1].package_uuid in page
    assert (
        f'<a href="/w/{DEMO}/activity/?model=packageexport&amp;claim={demo_claim.pk}">'
        f"All {EXPORTS_SHOWN + 1} exports of this claim, in the activity</a>"
    ) in page


def test_members_see_an_export_in_the_activity_in_words(client, demo_claim):
    package_of(demo_claim)
    record = PackageExport.objects.get()
    client.force_login(User.objects.get(username="demo-analyst"))
    page = client.get(f"/w/{DEMO}/activity/", {"model": "packageexport"}).content.decode()
    assert '<span class="action action-exported">exported</span>' in page
    assert f"evidence package {record.package_uuid} of the claim “<bdi>{demo_claim}</bdi>”" in page


def test_a_backup_round_trip_keeps_the_export_records(demo_claim, tmp_path):
    package_of(demo_claim)
    recorded = PackageExport.objects.values().get()
    first, second = round_trip(demo_claim.workspace, tmp_path)
    assert second == first
    assert PackageExport.objects.values().get() == recorded


def test_a_workspace_copied_beside_itself_keeps_the_record_of_its_exports(demo_claim, tmp_path):
    package_of(demo_claim)
    export_workspace(workspace=demo_claim.workspace, directory=tmp_path / "archive")
    copy = import_as_new_workspace(directory=tmp_path / "archive", slug="copy").workspace
    original, copied = (PackageExport.objects.get(workspace=ws) for ws in (demo_claim.workspace, copy))
    assert copied.package_uuid == original.package_uuid and copied.claim.workspace == copy
    assert verify_workspace(copy.pk).ok


def test_members_open_an_exports_history_from_the_claim_page(client, demo_claim):
    record = record_of(demo_claim)
    client.force_login(User.objects.get(username="demo-analyst"))
    history = f"/w/{DEMO}/history/packageexport/{record.pk}/"
    assert f'<a href="{history}">' in client.get(f"/w/{DEMO}/claims/{demo_claim.pk}/").content.decode()
    page = client.get(history).content.decode()
    assert f"<h1>History of package export <q><bdi>evidence package {record.package_uuid} " in page
    assert '<strong class="action action-exported">Exported</strong>' in page


def test_a_record_of_a_package_id_that_is_not_one_is_refused(demo_claim):
    with pytest.raises(ValidationError, match="A package id is a UUID"):
        record_export(
            claim=demo_claim,
            package_uuid="urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
            user=None,
            chain_length=3,
            head_hash="a" * 64,
            tag_manifest_sha256="b" * 64,
            timestamped=False,
        )
    assert not PackageExport.objects.exists()


@pytest.mark.parametrize("accept", ["application/ld+json", "*/*", "application/*"])
def test_the_api_serves_the_claimreview_as_json_ld_when_asked_for_it(published_claim, accept):
    member = Membership.objects.filter(workspace=published_claim.workspace).first().user
    response = api_client_for(member).get(
        f"/api/claims/{published_claim.pk}/claimreview/", HTTP_ACCEPT=accept
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")


def test_the_api_serves_the_claimreview_as_json_when_asked_for_json(published_claim):
    member = Membership.objects.filter(workspace=published_claim.workspace).first().user
    response = api_client_for(member).get(
        f"/api/claims/{published_claim.pk}/claimreview/", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert missing_fields(response.json()) == []


def test_the_api_refuses_the_claimreview_in_a_type_it_cannot_give(demo_claim):
    member = Membership.objects.filter(workspace=demo_claim.workspace).first().user
    response = api_client_for(member).get(
        f"/api/claims/{demo_claim.pk}/claimreview/", HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 406


def test_a_package_citing_words_a_correction_removed_verifies(demo_claim, tmp_path):
    source, passage = cited_in_new_source(
        demo_claim, "Airstrikes reached 120 a week. The station stopped.", end=30
    )
    correct_source_text(
        source=source, user=demo_claim.created_by, new_text="The station stopped.", reason="unsourced figure"
    )
    assert Passage.objects.get(pk=passage.pk).anchor_status == AnchorStatus.ORPHANED
    path = tmp_path / "package.zip"
    path.write_bytes(package_of(demo_claim))
    result = verify(path, "--expect-key", fingerprint(demo_claim.workspace))
    assert result.returncode == 0, result.stderr


def test_the_verifier_names_the_orphaned_status_as_the_archive_does():
    assert verify_package.ORPHANED == AnchorStatus.ORPHANED
