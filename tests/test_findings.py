"""What analysts publish: ClaimReview for a verdict, and evidence packages that a
recipient verifies offline with the bundled verify.py, without Django."""

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from django.core.management import call_command

from archive.findings.claimreview import claim_review, missing_fields
from archive.findings.keys import fingerprint
from archive.findings.package import evidence_package
from archive.models import Claim, ClaimStatus, Membership, Workspace
from tests.support import api_client_for

DEMO = "demo"


@pytest.fixture
def demo(db) -> Workspace:
    call_command("load_demo", stdout=io.StringIO())
    return Workspace.objects.get()


@pytest.fixture
def demo_claim(demo) -> Claim:
    """The demo's debunked claim: a republication's 50,000 against the original's 15,000."""
    return Claim.objects.get(workspace=demo, status=ClaimStatus.DEBUNKED)


def review_of(claim: Claim) -> dict:
    return claim_review(
        claim,
        claim_url=f"https://warrant.example/claims/{claim.pk}/",
        source_url=lambda source: f"https://warrant.example/sources/{source.pk}/",
        organisation=claim.workspace.name,
    )


# --- ClaimReview --------------------------------------------------------------


def test_the_demo_claim_has_a_claimreview_with_every_field_google_requires(demo_claim):
    review = review_of(demo_claim)
    assert missing_fields(review) == []
    assert review["claimReviewed"] == demo_claim.statement
    assert (review["reviewRating"]["ratingValue"], review["reviewRating"]["alternateName"]) == (1, "False")


def test_a_claimreview_names_where_the_claim_appeared(demo_claim):
    appearances = review_of(demo_claim)["itemReviewed"]["appearance"]
    assert {item["url"] for item in appearances} == {
        f"https://warrant.example/sources/{evidence.passage.source_id}/"
        for evidence in demo_claim.evidence.all()
    }


def test_a_workspaces_own_scale_rates_the_verdict(demo_claim):
    demo_claim.workspace.verdict_scale = {ClaimStatus.DEBUNKED: [2, "Mostly false"]}
    assert review_of(demo_claim)["reviewRating"]["alternateName"] == "Mostly false"


@pytest.mark.parametrize(
    "scale", [{"maybe": [1, "x"]}, {"debunked": [9, "x"]}, {"debunked": [1, ""]}, ["debunked"]]
)
def test_a_malformed_verdict_scale_is_refused(demo, scale):
    demo.verdict_scale = scale
    with pytest.raises(ValidationError):
        demo.full_clean()


def test_the_api_serves_the_claimreview_to_members(demo_claim):
    member = Membership.objects.filter(workspace=demo_claim.workspace).first().user
    response = api_client_for(member).get(f"/api/claims/{demo_claim.pk}/claimreview/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
    assert missing_fields(response.json()) == []


def test_an_open_claim_has_no_claimreview_yet(demo):
    claim = Claim.objects.filter(workspace=demo, status=ClaimStatus.OPEN).first()
    member = Membership.objects.filter(workspace=demo).first().user
    response = api_client_for(member).get(f"/api/claims/{claim.pk}/claimreview/")
    assert response.status_code == 409 and "verdict" in response.json()["error"]


# --- evidence packages ------------------------------------------------------------


@pytest.fixture
def package_file(demo_claim, tmp_path) -> Path:
    path = tmp_path / "package.zip"
    path.write_bytes(evidence_package(demo_claim, base_uri="https://warrant.example/w/demo/").data)
    return path


def verify(path: Path, *args: str) -> subprocess.CompletedProcess:
    """The package's own verify.py, run as a recipient would: a separate Python process
    without Django or the project on its path."""
    with zipfile.ZipFile(path) as bag:
        script = path.parent / "verify.py"
        script.write_bytes(bag.read("verify.py"))
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


def test_a_changed_history_entry_resigned_with_another_key_is_caught(package_file):
    from cryptography.hazmat.primitives import serialization

    forger = Ed25519PrivateKey.generate()

    def change(files):
        rewrite_first_history_entry(files)
        files["tagmanifest-sha256.txt"] = "".join(
            f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n"
            for name in ("bag-info.txt", "bagit.txt", "manifest-sha256.txt")
        ).encode()
        files["signature.ed25519"] = forger.sign(files["manifest-sha256.txt"]).hex().encode()
        files["public-key.pem"] = forger.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    result = verify(rewritten(package_file, change))
    # A consistent forgery still fails: the entry no longer has its ledger hash.
    assert result.returncode == 1 and "does not match its hash" in result.stderr


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


def test_the_command_writes_the_package(demo_claim, tmp_path):
    out = tmp_path / "claim.zip"
    call_command("export_evidence_package", "--claim", str(demo_claim.pk), str(out), stdout=io.StringIO())
    assert verify(out).returncode == 0


def test_members_download_the_package_from_the_claim_page(client, demo_claim):
    member = Membership.objects.filter(workspace=demo_claim.workspace).first().user
    client.force_login(member)
    url = f"/w/{demo_claim.workspace.slug}/claims/{demo_claim.pk}/evidence-package.zip"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["X-Signing-Key"] == fingerprint(demo_claim.workspace)
    assert url in client.get(f"/w/{demo_claim.workspace.slug}/claims/{demo_claim.pk}/").content.decode()
