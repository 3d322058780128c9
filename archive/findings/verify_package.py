"""Verify a Warrant evidence package, offline, without Warrant.

    python3 verify.py PACKAGE.zip [--expect-key FINGERPRINT]

Needs Python 3.11+ and the `cryptography` package, nothing else. Exits 0 when
everything checks, 1 naming the first thing that does not, 2 for bad usage.

What it checks, in order:

1. The package is a BagIt bag (RFC 8493) in a ZIP: bagit.txt, a SHA-256
   manifest of every payload file under data/, and a tag manifest.
2. Every payload file has the SHA-256 the manifest says, and no file is
   missing or added; the tag manifest covers bagit.txt, bag-info.txt and the
   manifest.
3. signature.ed25519 is a valid Ed25519 signature of manifest-sha256.txt by
   public-key.pem. The key's fingerprint (SHA-256 of the raw public key) is
   printed: compare it with the one on the workspace's page in Warrant, or pass
   it as --expect-key so a package re-signed with another key is refused.
4. Every history entry in data/history.jsonl has the hash that its fields, its
   history row and the previous entry's hash give (the ledger's own formula).
5. Every source's text and original file have the SHA-256 its record states,
   and every passage's quote is the text at its offsets (Unicode code points).

This file is standalone on purpose (standard library and `cryptography`): a
recipient can read all of it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
TAG_FILES = ("bagit.txt", "bag-info.txt", MANIFEST)
SIGNATURE = "signature.ed25519"
PUBLIC_KEY = "public-key.pem"
# Files beside the bag that the tag manifest does not cover (they verify it).
UNCOVERED = {TAG_MANIFEST, SIGNATURE, PUBLIC_KEY, "verify.py", "README.txt"}
# The ledger's entry fields, in the ledger's own order (archive.audit.ledger.ENTRY_FIELDS).
ENTRY_FIELDS = (
    "workspace_id",
    "sequence",
    "model",
    "object_id",
    "history_id",
    "action",
    "user_id",
    "recorded_at",
    "reason",
    "object_repr",
    "source_id",
    "claim_id",
)


class Refused(Exception):
    """The first thing in the package that does not check out."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(payload: object) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def read_manifest(text: str, name: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        digest, _, path = line.partition("  ")
        if len(digest) != 64 or not path:
            raise Refused(f"{name} line {number} is not 'SHA-256  path'.")
        entries[path] = digest
    return entries


def check_bag(bag: zipfile.ZipFile) -> dict[str, bytes]:
    """Steps 1 and 2; the payload's files by name."""
    names = {name for name in bag.namelist() if not name.endswith("/")}
    for required in (*TAG_FILES, TAG_MANIFEST, SIGNATURE, PUBLIC_KEY):
        if required not in names:
            raise Refused(f"{required} is missing: this is not a complete evidence package.")
    if not bag.read("bagit.txt").decode("utf-8").startswith("BagIt-Version: 1.0"):
        raise Refused("bagit.txt does not declare BagIt-Version 1.0.")
    tags = read_manifest(bag.read(TAG_MANIFEST).decode("utf-8"), TAG_MANIFEST)
    for name in TAG_FILES:
        if tags.get(name) != sha256(bag.read(name)):
            raise Refused(f"{name} does not match its SHA-256 in {TAG_MANIFEST}: it was changed.")
    manifest = read_manifest(bag.read(MANIFEST).decode("utf-8"), MANIFEST)
    payload = {name for name in names if name.startswith("data/")}
    for name in sorted(set(manifest) - payload):
        raise Refused(f"{name} is listed in {MANIFEST} but missing from the package.")
    for name in sorted(payload - set(manifest)):
        raise Refused(f"{name} is in the package but not in {MANIFEST}: it was added.")
    stray = sorted(names - payload - set(TAG_FILES) - UNCOVERED)
    if stray:
        raise Refused(f"{stray[0]} is in the package but covered by no manifest.")
    files = {}
    for name in sorted(payload):
        data = bag.read(name)
        if sha256(data) != manifest[name]:
            raise Refused(f"{name} does not match its SHA-256 in {MANIFEST}: it was changed.")
        files[name] = data
    return files


def check_signature(bag: zipfile.ZipFile, expect_key: str | None) -> str:
    """Step 3; the key's fingerprint."""
    key = serialization.load_pem_public_key(bag.read(PUBLIC_KEY))
    if not isinstance(key, Ed25519PublicKey):
        raise Refused(f"{PUBLIC_KEY} is not an Ed25519 public key.")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    fingerprint = sha256(raw)
    if expect_key is not None and fingerprint != expect_key.strip().lower():
        raise Refused(f"The package is signed by key {fingerprint}, not the expected {expect_key}.")
    try:
        key.verify(bytes.fromhex(bag.read(SIGNATURE).decode("ascii").strip()), bag.read(MANIFEST))
    except (InvalidSignature, ValueError):
        raise Refused(f"{SIGNATURE} is not a valid signature of {MANIFEST} by {PUBLIC_KEY}.") from None
    return fingerprint


def check_history(files: dict[str, bytes]) -> int:
    """Step 4; how many entries."""
    lines = files["data/history.jsonl"].decode("utf-8").splitlines()
    for line in lines:
        item = json.loads(line)
        entry = item["entry"]
        payload = {**{name: entry[name] for name in ENTRY_FIELDS}, "row": item["row"]}
        digest = sha256(f"{item['prev_hash']}\n{canonical_json(payload)}".encode())
        if digest != item["hash"]:
            raise Refused(
                f"history entry #{entry['sequence']} ({entry['model']} {entry['object_id']}) "
                "does not match its hash: the entry or its history row was changed."
            )
    return len(lines)


def check_sources(files: dict[str, bytes]) -> int:
    """Step 5; how many passages."""
    texts: dict[int, str] = {}
    for source in json.loads(files["data/sources.json"]):
        folder = f"data/sources/{source['id']}"
        stored = files[f"{folder}/text.txt"]
        if sha256(stored) != source["text_sha256"]:
            raise Refused(f"{folder}/text.txt is not the text whose SHA-256 source {source['id']} records.")
        original = files.get(f"{folder}/original")
        if original is not None and sha256(original) != source["original_sha256"]:
            raise Refused(f"{folder}/original is not the file whose SHA-256 source {source['id']} records.")
        texts[source["id"]] = stored.decode("utf-8")
    passages = json.loads(files["data/passages.json"])
    for passage in passages:
        source_text = texts.get(passage["source"])
        if source_text is None:
            raise Refused(f"passage {passage['id']} is on source {passage['source']}, not in the package.")
        position = passage["selector"][0]
        quote = passage["selector"][1]
        if source_text[position["start"] : position["end"]] != quote["exact"]:
            raise Refused(f"passage {passage['id']}'s quote is not the text at its offsets.")
    return len(passages)


def verify(path: str, *, expect_key: str | None = None) -> str:
    """Everything above; a one-line summary, or Refused naming the first failure."""
    try:
        bag = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise Refused(f"{path} is not a readable ZIP file ({error}).") from None
    with bag:
        files = check_bag(bag)
        fingerprint = check_signature(bag, expect_key)
    entries = check_history(files)
    passages = check_sources(files)
    return (
        f"OK: {len(files)} files match the signed manifest; signed by key {fingerprint}; "
        f"{entries} history entries and {passages} passages check out."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Warrant evidence package offline.")
    parser.add_argument("package", help="the package's ZIP file")
    parser.add_argument("--expect-key", help="the signing key's fingerprint, as the workspace page shows it")
    args = parser.parse_args(argv)
    try:
        print(verify(args.package, expect_key=args.expect_key))
    except (Refused, KeyError, ValueError) as error:
        problem = error if isinstance(error, Refused) else f"malformed package ({error!r})"
        print(f"FAILED: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
