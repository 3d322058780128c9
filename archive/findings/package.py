"""Evidence packages: everything behind a claim, in one file a recipient can
verify offline without Warrant (an editor, a court, another newsroom).

The package is a BagIt bag (RFC 8493) in a ZIP. BagIt rather than WACZ: the
sources behind a claim are files, translations and statements as often as web
pages, and BagIt is the archives' and libraries' format for exactly that (a
payload plus checksums), readable by their own tools; web captures keep their
WARC inside it. Its tag files include a README and verify.py (the standalone
verifier, archive/findings/verify_package.py, which Warrant also serves at
/verify.py: the copy inside is a convenience a forger can replace, so the
README sends the recipient to Warrant's). Beside the bag: an Ed25519
signature of the tag manifest (so of every file) by the workspace's key
(archive.findings.keys) and the public key; and, when the deployment names a
time-stamping authority, its RFC 3161 time-stamp of the signature
(archive.findings.timestamp).

    bagit.txt, bag-info.txt      bag-info.txt's Internal-Sender-Identifier is the package's id (urn:uuid:…),
                                 its Contact-Name who exported it (a username, or "the command line")
    manifest-sha256.txt          SHA-256 of every file under data/
    README.txt, verify.py
    tagmanifest-sha256.txt       SHA-256 of the five files above
    signature.ed25519            hex signature of tagmanifest-sha256.txt
    timestamp.tsr                the TSA's DER TimeStampResp over signature.ed25519, if configured
    public-key.pem
    data/claim.json              the claim and its evidence, with grades, each passage's text as cited,
                                 and the latest review decision on each (who, when, with what comment)
    data/passages.json           each passage as W3C selectors (code points), and its
                                 anchor in each version of its source
    data/sources.json            each source's record (its outlet's too) and versions, hashes included,
                                 each version saying how it came in (typed, pasted, file, captured,
                                 corrected); an original it derives from that is not archived, described
    data/sources/<id>/text.txt   the text passages point into (the newest version's)
    data/sources/<id>/original   the original file, byte for byte
    data/sources/<id>/capture.warc.gz   the web capture, if any
    data/sources/<id>/versions/<n>/text.txt, original, capture.warc.gz
                                 each version as captured or corrected: what a
                                 passage cited on an earlier version was cited in
    data/provenance.prov.json    the claim's evidence trail as W3C PROV
    data/history.jsonl           the ledger entries of all of the above (outlets too), with their history rows
    data/people.json             who each user id in the history is (its username)
    data/chain-head.json         the workspace chain's length and head hash at export

A package that would fail verify.py's own checks is never signed: before signing, the
workspace's history chain and its live rows are verified (archive.audit.ledger.verify_workspace)
and every stored file is checked against the SHA-256 its record holds; if any is not,
PackageRefused names it and nothing is built. Each package built is recorded, once signed
and before it is handed out, in the workspace's history (archive.findings.exports: who,
which claim, when, its id, the chain head it holds and its tag manifest's SHA-256), and
logged to the server's log.
"""

import datetime
import io
import json
import logging
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from archive import SOFTWARE
from archive.audit.ledger import ENTRY_FIELDS, canonical_json, live_ledger, verify_workspace
from archive.audit.review import Decision, claim_decisions
from archive.core.graphemes import shorten
from archive.core.text import sha256_hex
from archive.findings.exports import record_export
from archive.findings.keys import fingerprint, public_key_pem, signing_key
from archive.findings.timestamp import request_timestamp
from archive.models import (
    Capture,
    Claim,
    Evidence,
    HistoryChain,
    HistoryEntry,
    Passage,
    PassageAnchor,
    Source,
    SourceVersion,
)
from archive.models.audit import GENESIS_HASH
from archive.models.grading import grade_meaning
from archive.monitoring.changes import cited_texts
from archive.sources.fixity import DAMAGED
from archive.sources.provenance import PROV_JSON, claim_document, serialize
from archive.sources.versions import original_captured_at, version_entries

VERIFIER = Path(__file__).with_name("verify_package.py")
logger = logging.getLogger(__name__)


@cache
def verifier() -> bytes:
    """verify.py as every package carries it and Warrant serves it: read from one file, once."""
    return VERIFIER.read_bytes()


def verifier_sha256() -> str:
    """What a recipient compares their verify.py with, published beside the signing key."""
    return sha256_hex(verifier())


class PackageRefused(Exception):
    """What the package would hold fails the checks verify.py makes: none is built."""


@dataclass(frozen=True)
class EvidencePackage:
    data: bytes
    fingerprint: str
    filename: str
    timestamped: bool
    package_id: str
    chain_length: int  # the chain head its chain-head.json holds
    head_hash: str
    tag_manifest_sha256: str  # of its tagmanifest-sha256.txt, which the signature covers


def evidence_package(claim: Claim, *, base_uri: str, user: Any) -> EvidencePackage:
    """The package of `claim` (`built_package`), handed out to `user` (None: the command
    line): its export is recorded in the workspace's history (archive.findings.exports)
    and logged before it is returned."""
    package = built_package(claim, base_uri=base_uri, user=user)
    record_export(
        claim=claim,
        package_uuid=package.package_id,
        user=user,
        chain_length=package.chain_length,
        head_hash=package.head_hash,
        tag_manifest_sha256=package.tag_manifest_sha256,
        timestamped=package.timestamped,
    )
    logger.info(
        "Evidence package %s of claim %s in workspace %s exported by %s at %s.",
        package.package_id,
        claim.pk,
        claim.workspace.slug,
        _exporter(user),
        timezone.now().isoformat(),
    )
    return package


def built_package(claim: Claim, *, base_uri: str, user: Any) -> EvidencePackage:
    """The package of `claim`, signed by its workspace's key and time-stamped when a
    TSA is configured, naming `user` (None: the command line) as who exported it, but
    not recorded as handed out (`evidence_package` records it). PackageRefused when the
    workspace's history or a stored file it would hold is not what was recorded;
    TimestampUnavailable when the TSA cannot stamp it."""
    verification = verify_workspace(claim.workspace_id)
    if not verification.ok:
        raise PackageRefused(
            f"The workspace's history does not verify: {verification.problem}. "
            "An admin can run verify_history."
        )
    evidence = list(
        Evidence.objects.filter(claim=claim)
        .select_related("passage__source__outlet", "created_by")
        .order_by("pk")
    )
    passages = sorted({item.passage for item in evidence}, key=lambda passage: passage.pk)
    sources = _sources_with_ancestors({passage.source for passage in passages})
    outlets = sorted({source.outlet for source in sources if source.outlet}, key=lambda outlet: outlet.pk)
    captures = list(Capture.objects.filter(source__in=sources).order_by("pk"))
    versions = list(
        SourceVersion.objects.filter(source__in=sources)
        .select_related("captured_by")
        .order_by("source", "number")
    )
    anchors = list(
        PassageAnchor.objects.filter(passage__in=passages)
        .select_related("source_version", "carried_from__source_version")
        .order_by("passage", "source_version__number")
    )
    cited = cited_texts(evidence)
    versions_of, anchors_of = defaultdict(list), defaultdict(list)
    for version in versions:
        versions_of[version.source_id].append(version)
    for anchor in anchors:
        anchors_of[anchor.passage_id].append(anchor)
    decisions = claim_decisions(claim, evidence_ids=[item.pk for item in evidence])
    payload: dict[str, bytes] = {
        "data/claim.json": _json(_claim_record(claim, evidence, cited, decisions)),
        "data/passages.json": _json(
            [_passage_record(passage, anchors_of[passage.pk]) for passage in passages]
        ),
        "data/sources.json": _json([_source_record(source, versions_of[source.pk]) for source in sources]),
        "data/provenance.prov.json": serialize(
            claim_document(claim, base_uri=base_uri, cited=cited, decisions=decisions), PROV_JSON
        ).encode(),
        "data/history.jsonl": _history(
            claim,
            {
                "evidence": evidence,
                "passage": passages,
                "source": sources,
                # So verify.py can check the outlet sources.json names against its history.
                "outlet": outlets,
                "capture": captures,
                "sourceversion": versions,
                "passageanchor": anchors,
            },
        ),
    }
    payload["data/people.json"] = _json(_people(payload["data/history.jsonl"]))
    # Read after the history it covers: the head is at or past each entry packed.
    chain_head = _chain_head(claim)
    payload["data/chain-head.json"] = _json(chain_head)
    for source in sources:
        folder = f"data/sources/{source.pk}"
        payload[f"{folder}/text.txt"] = source.text.encode("utf-8")
        payload.update(_files(folder, original=(source.original, source.original_sha256)))
    for capture in captures:
        payload.update(_files(f"data/sources/{capture.source_id}", warc=(capture.warc, capture.warc_sha256)))
    for version in versions:
        folder = f"data/sources/{version.source_id}/versions/{version.number}"
        payload[f"{folder}/text.txt"] = version.text.encode("utf-8")
        payload.update(
            _files(
                folder,
                original=(version.original, version.original_sha256),
                warc=(version.warc, version.warc_sha256),
            )
        )
    package_id = str(uuid.uuid4())
    key = signing_key(claim.workspace)
    # Whether a TSA stamps it is known before it is signed: the README says so, and is signed.
    timestamped = bool(settings.EVIDENCE_TSA_URL)
    tags = {
        "bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "bag-info.txt": _bag_info(claim, payload, package_id, exporter=_exporter(user)),
        "manifest-sha256.txt": _manifest(payload),
        "README.txt": _readme(claim, base_uri=base_uri, timestamped=timestamped).encode(),
        "verify.py": verifier(),
    }
    tag_manifest = _manifest(tags)
    signature = key.sign(tag_manifest).hex().encode() + b"\n"
    timestamp = request_timestamp(signature)
    extra = {
        "tagmanifest-sha256.txt": tag_manifest,
        "signature.ed25519": signature,
        **({"timestamp.tsr": timestamp} if timestamp is not None else {}),
        "public-key.pem": public_key_pem(claim.workspace),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bag:
        for name, data in {**tags, **extra, **payload}.items():
            bag.writestr(name, data)
    return EvidencePackage(
        data=buffer.getvalue(),
        fingerprint=fingerprint(claim.workspace),
        filename=f"{claim.workspace.slug}-claim-{claim.pk}-evidence.zip",
        timestamped=timestamp is not None,
        package_id=package_id,
        chain_length=chain_head["length"],
        head_hash=chain_head["head_hash"],
        tag_manifest_sha256=sha256_hex(tag_manifest),
    )


_Stored = tuple[FieldFile, str]  # a file field and the SHA-256 recorded for it


def _files(folder: str, *, original: _Stored | None = None, warc: _Stored | None = None) -> dict[str, bytes]:
    """The stored files given (an empty file field is none), by their names in the package;
    PackageRefused for one that is missing or not the file whose SHA-256 was recorded."""
    files = {}
    for name, given in (("original", original), ("capture.warc.gz", warc)):
        if given is None or not given[0]:
            continue
        stored, expected = given
        path = f"{folder}/{name}"
        if not stored.storage.exists(stored.name or ""):
            raise PackageRefused(f"{path} is missing from storage. An admin can run verify_fixity.")
        with stored.open("rb") as opened:
            data = opened.read()
        if sha256_hex(data) != expected:
            raise PackageRefused(f"{path}: {DAMAGED}")
        files[path] = data
    return files


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode()


def _manifest(files: dict[str, bytes]) -> bytes:
    return "".join(f"{sha256_hex(data)}  {name}\n" for name, data in sorted(files.items())).encode()


def _sources_with_ancestors(sources: set[Source]) -> list[Source]:
    found: dict[int, Source] = {}
    for source in sources:
        for ancestor in source.derivation_chain():
            found[ancestor.pk] = ancestor
    return [found[pk] for pk in sorted(found)]


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _decision_record(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "decision": str(decision.action),
        "by": _username(decision.by),
        "at": decision.at.isoformat(),
        "comment": decision.comment,
    }


def _people(history: bytes) -> list[dict[str, Any]]:
    """Who each user id in the history lines is: the entries name users by id only."""
    ids = {json.loads(line)["entry"]["user_id"] for line in history.decode().splitlines()} - {None}
    users = get_user_model().objects.filter(pk__in=ids).order_by("pk")
    return [{"id": user.pk, "username": user.get_username()} for user in users]


def _claim_record(
    claim: Claim,
    evidence: list[Evidence],
    cited: dict[int, tuple[str, str]],
    decisions: dict[tuple[str, int], Decision],
) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "statement": claim.statement,
        "credibility": claim.credibility,
        "credibility_label": claim.get_credibility_display(),
        "credibility_reason": claim.credibility_reason,
        "status": claim.status,
        "review_status": claim.review_status,
        "review_decision": _decision_record(decisions.get(("claim", claim.pk))),
        "tags": claim.tags,
        "created_by": _username(claim.created_by),
        "created_at": claim.created_at.isoformat(),
        "updated_at": claim.updated_at.isoformat(),
        "version": claim.version,
        "evidence": [
            {
                "id": item.pk,
                "stance": item.stance,
                "note": item.note,
                "passage": item.passage_id,
                "source": item.passage.source_id,
                "grade": item.grade,
                "grade_meaning": grade_meaning(item.grade),
                "review_status": item.review_status,
                "review_decision": _decision_record(decisions.get(("evidence", item.pk))),
                "created_by": _username(item.created_by),
                "version": item.version,
                # What the analyst weighed, where the passage no longer reads so (passages.json: now).
                "cited_exact": cited[item.pk][0],
                "changed_since_cited": cited[item.pk][1] or None,
            }
            for item in evidence
        ],
    }


def _passage_record(passage: Passage, anchors: list[PassageAnchor]) -> dict[str, Any]:
    return {
        "id": passage.pk,
        "source": passage.source_id,
        "anchor_status": passage.anchor_status,
        "selector": _selectors(passage),
        # Where it was in each version of its source (none for a source of one version).
        "anchors": [
            {
                "version": anchor.source_version.number,
                "status": anchor.status,
                "carried_from_version": (
                    anchor.carried_from.source_version.number if anchor.carried_from else None
                ),
                "selector": _selectors(anchor),
            }
            for anchor in anchors
        ],
    }


def _selectors(span: Passage | PassageAnchor) -> list[dict[str, Any]]:
    return [
        {"type": "TextPositionSelector", "start": span.start, "end": span.end},
        {"type": "TextQuoteSelector", "exact": span.exact, "prefix": span.prefix, "suffix": span.suffix},
    ]


def _source_record(source: Source, versions: list[SourceVersion]) -> dict[str, Any]:
    outlet = source.outlet
    return {
        "id": source.pk,
        "title": source.title,
        "authors": source.authors,
        "translators": source.translators,
        "outlet": {"id": outlet.pk, "name": outlet.name, "reliability": outlet.reliability}
        if outlet
        else None,
        "original_url": source.original_url,
        "published_on": source.published_on.isoformat() if source.published_on else None,
        "language": source.language,
        "direction": source.direction,
        "media_type": source.media_type,
        "captured_at": source.captured_at.isoformat(),
        "captured_by": _username(source.captured_by),
        "text_sha256": source.text_sha256,
        "original_sha256": source.original_sha256 if source.original else None,
        "original_captured_at": original_captured_at(source).isoformat(),
        "derived_from": source.derived_from_id,
        "derivation": source.derivation,
        # The original it derives from when that is not archived: described, never included.
        "unarchived_original": _unarchived_record(source),
        "versions": [
            {
                "number": version.number,
                "origin": version.origin,
                # "origin" says "import" of a paste, a file and a web capture alike.
                "came_in": came_in.arrival.value,
                "url": version.url,
                "media_type": version.media_type,
                "captured_at": version.captured_at.isoformat(),
                "captured_by": _username(version.captured_by),
                "schedule": version.schedule_label,
                "text_sha256": version.text_sha256,
                "original_sha256": version.original_sha256 if version.original else None,
                "warc_sha256": version.warc_sha256 if version.warc else None,
            }
            for version, came_in in (
                (entry.version, entry.came_in) for entry in version_entries(source, versions)
            )
        ],
    }


def _unarchived_record(source: Source) -> dict[str, Any] | None:
    original = source.unarchived_original
    if original is None:
        return None
    return {
        "title": original.title,
        "url": original.url,
        "outlet": original.outlet,
        "language": original.language,
        "published_on": original.published_on.isoformat() if original.published_on else None,
        "archived": False,
    }


def _history(claim: Claim, objects: dict[str, list[Any]]) -> bytes:
    """The ledger entries of the claim and `objects` (by the ledger's model
    label), each with its history row, as the ledger hashes them (one JSON
    object a line, by sequence)."""
    covered = {"claim": [claim.pk]} | {model: [each.pk for each in found] for model, found in objects.items()}
    query = Q()
    for model, ids in covered.items():
        if ids:
            query |= Q(model=model, object_id__in=ids)
    entries = list(
        HistoryEntry.objects.filter(query, workspace_id=claim.workspace_id)
        .order_by("sequence")
        .values(*ENTRY_FIELDS, "prev_hash", "hash")
    )
    ledger = live_ledger()
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for model in covered:
        ids = [entry["history_id"] for entry in entries if entry["model"] == model]
        rows[model] = ledger.serialize(model, ids) if ids else {}
    lines = []
    for entry in entries:
        fields = {name: entry[name] for name in ENTRY_FIELDS}
        item = {
            # Round-tripped through the ledger's canonical JSON: what verify.py re-hashes.
            "entry": json.loads(canonical_json(fields)),
            "row": json.loads(canonical_json(rows[entry["model"]][entry["history_id"]])),
            "prev_hash": entry["prev_hash"],
            "hash": entry["hash"],
        }
        lines.append(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
    return "".join(lines).encode()


def _chain_head(claim: Claim) -> dict[str, Any]:
    chain = HistoryChain.objects.filter(workspace_id=claim.workspace_id).first()
    return {
        "workspace": claim.workspace.slug,
        "length": chain.length if chain else 0,
        "head_hash": chain.head_hash if chain else GENESIS_HASH,
        "exported_at": timezone.now().isoformat(),
    }


def _exporter(user: Any) -> str:
    return _username(user) or "the command line"


def _bag_info(claim: Claim, payload: dict[str, bytes], package_id: str, *, exporter: str) -> bytes:
    octets = sum(len(data) for data in payload.values())
    lines = [
        f"Source-Organization: {claim.workspace.name}",
        # Who made this package, under the signature: the server's log says the same, unsigned.
        f"Contact-Name: {exporter}",
        f"Bagging-Date: {datetime.date.today().isoformat()}",
        f"External-Identifier: warrant:{claim.workspace.slug}:claim:{claim.pk}",
        # This package among all of the claim's, as the server's log records its export.
        f"Internal-Sender-Identifier: urn:uuid:{package_id}",
        f"External-Description: Evidence for the claim: {shorten(' '.join(claim.statement.split()), 200)}",
        f"Payload-Oxum: {octets}.{len(payload)}",
        f"Bag-Software-Agent: {SOFTWARE}",
    ]
    return ("\n".join(lines) + "\n").encode()


def _readme(claim: Claim, *, base_uri: str, timestamped: bool) -> str:
    # No fingerprint or verifier hash here: a forger who re-signs the package can write any in it.
    slug = claim.workspace.slug
    verifier_url = urljoin(base_uri, reverse("archive:verifier"))
    chain_url = urljoin(base_uri, reverse("archive:audit_status", args=[slug]))
    return f"""Evidence package for claim {claim.pk} of the Warrant workspace "{claim.workspace.name}".

To check it you need Python 3.11+ with the `cryptography` package, and two
things from the publisher, obtained outside this package:

- verify.py, the verifier: download it from Warrant ({verifier_url}, no
  account needed), or check that the SHA-256 of the copy you run is the one
  the publisher gives beside the fingerprint (Warrant shows both on the
  workspace's page). The verify.py inside this package is only a convenience:
  whoever forges a package can replace it with one that prints OK, and no
  program can vouch for itself. Never rely on that copy.
- FINGERPRINT, the workspace's signing key fingerprint: Warrant shows it to
  the workspace's members on the workspace's page ({base_uri}, under
  "Signing key"), and the publisher can give it to you by any channel you trust.

Then run:

    python3 verify.py {slug}-claim-{claim.pk}-evidence.zip \\
        --expect-key FINGERPRINT

Nothing inside the package can tell you who signed it, nor that its copy of
verify.py is honest: whoever re-signs a package with a key of their own can
also replace the key, verify.py and this file, addresses included, so take
the addresses above as the publisher's only once the publisher confirms them.
Without --expect-key, verify.py checks that the package is intact and
consistent with the key it carries, prints that key's fingerprint for you to
compare, and exits 3 rather than 0.

It checks the signature over the manifests first, then every file against
them (this one and the copy of verify.py too, though only a verify.py you did
not take from the package can be trusted to report a changed one), every
history entry against its hash, every source file (each version's too)
against its recorded SHA-256, and every quoted passage against its text, in
each version where it was anchored. It exits 0 when all of that holds and the
key is the expected one, and names the first thing that does not (exit 1).

data/chain-head.json gives the workspace's history chain at export: its
length and head hash. Each entry in data/history.jsonl carries the hash of the
entry before it in the workspace's chain; to check that none of them was left
out or reordered, ask a reviewer or an admin of the workspace to confirm that
head. Only they can open the chain's page ("History chain", {chain_url}),
which shows its current head hash: the one in chain-head.json if nothing was
recorded since the export. Whoever runs the Warrant server checks that entry
LENGTH still has HASH, however much was recorded since, with
`manage.py verify_history --workspace {slug} --expect LENGTH:HASH`.
""" + (_TIMESTAMP_README if timestamped else "")


_TIMESTAMP_README = """
timestamp.tsr is an RFC 3161 time-stamp of signature.ed25519 by an
independent time-stamping authority (TSA): it shows that the signed manifest,
so every file it lists, existed at the time it states. verify.py checks the
TSA's signature on it and that it stamps this package's signature, and prints
the time and the TSA. To require a particular TSA, get its certificate (or its
CA's) from the TSA itself and pass it as --tsa-cert FILE. OpenSSL checks it
too: openssl ts -verify -data signature.ed25519 -in timestamp.tsr -CAfile FILE
"""
