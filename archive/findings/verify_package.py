"""Verify a Warrant evidence package, offline, without Warrant.

    python3 verify.py PACKAGE.zip [--expect-key FINGERPRINT] [--tsa-cert FILE]

Needs Python 3.11+ and the `cryptography` package, nothing else.

Run a copy of this file obtained from Warrant (it serves it at /verify.py) or
one whose SHA-256 matches the one published beside the signing key's
fingerprint, never the copy inside a package: whoever forges a package can
replace that copy with one that prints OK, and no program can vouch for itself.

Exit status:
  0  everything checks, and the package is signed by the key --expect-key names;
  3  everything checks, but no --expect-key was given: the files are intact and
     consistent with the key inside the package, yet who signed them is not
     established (anyone can re-sign a package with a key of their own);
  1  something does not check (named);
  2  bad usage.

What it checks, in order:

1. The package is a BagIt bag (RFC 8493) in a ZIP: bagit.txt, a SHA-256
   manifest of every payload file under data/, and a tag manifest covering
   bagit.txt, bag-info.txt, the manifest, README.txt and verify.py (packages
   made before README.txt was covered have only the first three); each file
   is there once, and its compressed bytes in the ZIP are undamaged.
2. signature.ed25519 is a valid Ed25519 signature by public-key.pem of the tag
   manifest (so of everything it covers; in older packages, of
   manifest-sha256.txt). It comes before the files (step 4) so that a changed
   manifest is named as what changed, not a file it no longer matches. That
   only shows the package is consistent with the key it carries: the key's
   fingerprint (SHA-256 of the raw public key) is printed, and who signed is
   established only by comparing it with the fingerprint the publisher gives
   you outside the package (Warrant shows it on the workspace's page): pass
   that as --expect-key so a package re-signed with another key is refused.
3. If the package holds timestamp.tsr, an RFC 3161 time-stamp response from
   a time-stamping authority (TSA) over signature.ed25519: the TSA's signature
   over the token verifies with the TSA certificate inside it (which must be
   for time-stamping), and the stamped hash is the SHA-256 of the package's
   signature.ed25519. The stamped time is printed. Pass the TSA's certificate
   (or its CA's, PEM or DER) as --tsa-cert to require that the token was
   issued under it; without it, the TSA is named but not vouched for.
4. Every payload file has the SHA-256 the manifest says, every tag file the
   SHA-256 the tag manifest says, and no file is missing or added.
5. Every history entry in data/history.jsonl has the hash that its fields, its
   history row and the previous entry's hash give (the ledger's own formula).
6. Every source's text and original file, and each of its versions' text,
   original and capture, have the SHA-256 its record states; each of those
   hashes is the one the source's or version's history row (step 5) records,
   so the ledger's chain vouches for the files; and every passage's quote is
   the text at its offsets (Unicode code points), in the newest text and in
   each version where it was anchored.
7. The claim, each piece of its evidence, each passage, and each source (its
   outlet and versions too) say what their newest history rows (step 5)
   record: a record edited in the database outside the history, then
   packaged and signed, is caught here. So does the latest reviewer's
   decision given for the claim and each piece of evidence: the last approval
   or rejection among its history entries (what, when, the comment), by the
   user data/people.json names for that entry's user id; and each piece of
   evidence's grade, its outlet's reliability and the claim's credibility.

This file is standalone on purpose (standard library and `cryptography`): a
recipient can read all of it.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import re
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
TAG_FILES = ("bagit.txt", "bag-info.txt", MANIFEST)
SIGNATURE = "signature.ed25519"
PUBLIC_KEY = "public-key.pem"
TIMESTAMP = "timestamp.tsr"
README = "README.txt"
# Files beside the bag that the tag manifest does not cover (they verify it).
UNCOVERED = {TAG_MANIFEST, SIGNATURE, PUBLIC_KEY, TIMESTAMP}
# Uncovered too in packages made before the tag manifest covered them and was signed.
UNCOVERED_BEFORE = {README, "verify.py"}
INTACT, ESTABLISHED = 3, 0  # exit statuses: see the top of this file
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
# Columns a history row leaves out while they hold this default, the ledger's own
# (archive.audit.ledger.LATER_COLUMNS): added after chains had begun, so older rows lack them.
LATER_COLUMNS: dict[str, dict[str, object]] = {
    "annotation": {"canonical": "", "via": ""},
    "evidence": {"canonical": "", "via": ""},
    "workspace": {"verdict_scale": {}},
    "membership": {"email_alerts": False},
    "alert": {"claim_id": None, "annotation_id": None, "source_version_id": None},
    "source": {
        "translators": [],
        "unarchived_title": "",
        "unarchived_url": "",
        "unarchived_outlet": "",
        "unarchived_language": "",
        "unarchived_published_on": None,
    },
}


class Refused(Exception):
    """The first thing in the package that does not check out."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(payload: object) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def counted(count: int, word: str, plural: str = "") -> str:
    """archive.core.text.counted, repeated because verify.py stands alone."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


def read_manifest(text: str, name: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        digest, _, path = line.partition("  ")
        if len(digest) != 64 or not path:
            raise Refused(f"{name} line {number} is not 'SHA-256  path'.")
        entries[path] = digest
    return entries


def read(bag: zipfile.ZipFile, name: str) -> bytes:
    """`name`'s bytes, or Refused naming it when the ZIP holds them damaged."""
    try:
        return bag.read(name)
    except KeyError:
        raise Refused(f"{name} is missing from the package.") from None
    # Whatever damaged bytes make zipfile or its decompressors raise: a bad CRC, a broken
    # deflate stream, a header that no longer matches, a flag or method changed.
    except Exception as error:
        raise Refused(
            f"{name} is damaged in the ZIP file ({error}): the package was changed or corrupted "
            "after it was made."
        ) from None


def check_layout(bag: zipfile.ZipFile) -> tuple[set[str], dict[str, str]]:
    """Step 1; the package's file names, and the tag manifest's entries."""
    listed = [name for name in bag.namelist() if not name.endswith("/")]
    names = set(listed)
    repeated = sorted(name for name, count in Counter(listed).items() if count > 1)
    if repeated:
        # Python reads a repeated name's last copy, unzip and most viewers its first: a
        # forged copy beside the signed one could pass here and be what a reader sees.
        raise Refused(f"{repeated[0]} is in the package more than once: it was tampered with.")
    for required in (*TAG_FILES, TAG_MANIFEST, SIGNATURE, PUBLIC_KEY):
        if required not in names:
            raise Refused(f"{required} is missing: this is not a complete evidence package.")
    return names, read_manifest(read(bag, TAG_MANIFEST).decode("utf-8"), TAG_MANIFEST)


def check_manifests(bag: zipfile.ZipFile, names: set[str], tags: dict[str, str]) -> dict[str, bytes]:
    """Step 4; the payload's files by name."""
    for name in sorted({*TAG_FILES, *tags}):
        if name not in names:
            raise Refused(f"{name} is listed in {TAG_MANIFEST} but missing from the package.")
        if tags.get(name) != sha256(read(bag, name)):
            raise Refused(f"{name} does not match its SHA-256 in {TAG_MANIFEST}: it was changed.")
    if not read(bag, "bagit.txt").decode("utf-8").startswith("BagIt-Version: 1.0"):
        raise Refused("bagit.txt does not declare BagIt-Version 1.0.")
    manifest = read_manifest(read(bag, MANIFEST).decode("utf-8"), MANIFEST)
    payload = {name for name in names if name.startswith("data/")}
    for name in sorted(set(manifest) - payload):
        raise Refused(f"{name} is listed in {MANIFEST} but missing from the package.")
    for name in sorted(payload - set(manifest)):
        raise Refused(f"{name} is in the package but not in {MANIFEST}: it was added.")
    uncovered = UNCOVERED if signed_file(tags) == TAG_MANIFEST else UNCOVERED | UNCOVERED_BEFORE
    stray = sorted(names - payload - set(tags) - uncovered)
    if stray:
        raise Refused(f"{stray[0]} is in the package but covered by no manifest.")
    files = {}
    for name in sorted(payload):
        data = read(bag, name)
        if sha256(data) != manifest[name]:
            raise Refused(f"{name} does not match its SHA-256 in {MANIFEST}: it was changed.")
        files[name] = data
    return files


def signed_file(tags: dict[str, str]) -> str:
    """What signature.ed25519 signs: the tag manifest once it covers README.txt, so
    the README and verify.py are signed too; before that, the manifest alone. A
    package cannot be passed off as the older kind: the key never signed its manifest."""
    return TAG_MANIFEST if README in tags else MANIFEST


def check_signature(bag: zipfile.ZipFile, signed: str, expect_key: str | None) -> str:
    """Step 2: `signed` is signed by the package's key; that key's fingerprint."""
    try:
        key = serialization.load_pem_public_key(read(bag, PUBLIC_KEY))
    except (ValueError, UnsupportedAlgorithm):
        raise Refused(f"{PUBLIC_KEY} is not a readable public key: it was changed or damaged.") from None
    if not isinstance(key, Ed25519PublicKey):
        raise Refused(f"{PUBLIC_KEY} is not an Ed25519 public key.")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    fingerprint = sha256(raw)
    other_key = expect_key is not None and fingerprint != expect_key.strip().lower()
    signature, content = read(bag, SIGNATURE), read(bag, signed)
    try:
        key.verify(bytes.fromhex(signature.decode("ascii").strip()), content)
    except (InvalidSignature, ValueError):
        if other_key:
            # The key it carries signed nothing here: it is not "the signer", only not the expected key.
            raise Refused(
                f"{PUBLIC_KEY} holds key {fingerprint}, not the expected {expect_key}, and {SIGNATURE} "
                f"is not a valid signature of {signed} by it: nothing shows that the expected key "
                "signed this package (its key, its signature or what that signs was changed)."
            ) from None
        if signed == TAG_MANIFEST:
            raise Refused(
                f"{SIGNATURE} is not a valid signature of {TAG_MANIFEST} by {PUBLIC_KEY}: "
                f"{TAG_MANIFEST} was changed after it was signed (or the signature was)."
            ) from None
        raise Refused(
            f"{SIGNATURE} is not a valid signature of {MANIFEST} by {PUBLIC_KEY}, which is what an "
            f"older package's signature covers ({TAG_MANIFEST} lists no {README}): {MANIFEST} or "
            f"{TAG_MANIFEST} was changed after it was signed (or the signature was)."
        ) from None
    if other_key:
        raise Refused(f"The package is signed by key {fingerprint}, not the expected {expect_key}.")
    return fingerprint


# --- Step 3: the RFC 3161 time-stamp ---------------------------------------------
# A time-stamp response is DER (ASN.1): TimeStampResp (RFC 3161) holding a CMS
# SignedData (RFC 5652) whose content is the TSTInfo, signed by the TSA. The
# standard library has no ASN.1 reader, so here is a small strict one.

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12"  # ESSCertID: SHA-1 of the TSA's certificate
OID_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"  # ESSCertIDv2: any hash, SHA-256 by default
RSA, ECDSA, ED25519 = "RSA", "ECDSA", "Ed25519"
SIGNATURE_ALGORITHMS = {
    "1.2.840.113549.1.1.1": RSA,  # rsaEncryption, and RSA with SHA-1, -256, -384, -512 (PKCS #1 v1.5)
    "1.2.840.113549.1.1.5": RSA,
    "1.2.840.113549.1.1.11": RSA,
    "1.2.840.113549.1.1.12": RSA,
    "1.2.840.113549.1.1.13": RSA,
    "1.2.840.10045.4.1": ECDSA,  # ECDSA with SHA-1, -256, -384, -512
    "1.2.840.10045.4.3.2": ECDSA,
    "1.2.840.10045.4.3.3": ECDSA,
    "1.2.840.10045.4.3.4": ECDSA,
    "1.3.101.112": ED25519,
}
DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "1.3.14.3.2.26": hashes.SHA1,
    "2.16.840.1.101.3.4.2.1": hashes.SHA256,
    "2.16.840.1.101.3.4.2.2": hashes.SHA384,
    "2.16.840.1.101.3.4.2.3": hashes.SHA512,
}
SEQUENCE, SET, INTEGER, OCTET_STRING, OID, GENERALIZED_TIME = 0x30, 0x31, 0x02, 0x04, 0x06, 0x18
EXPLICIT_0, IMPLICIT_0_PRIMITIVE = 0xA0, 0x80
NULL = b"\x05\x00"


class Malformed(ValueError):
    """The time-stamp is not the DER it should be."""


@dataclass(frozen=True)
class Der:
    """One DER element: its tag byte, its whole encoding and its contents."""

    tag: int
    raw: bytes
    body: bytes

    def items(self) -> list[Der]:
        return der_elements(self.body)

    def expect(self, tag: int, what: str) -> Der:
        if self.tag != tag:
            raise Malformed(f"{what} has tag 0x{self.tag:02x}, not 0x{tag:02x}")
        return self


def der_elements(data: bytes) -> list[Der]:
    """The DER elements one after another in `data`."""
    elements = []
    offset = 0
    while offset < len(data):
        if len(data) - offset < 2:
            raise Malformed("an element is cut short")
        tag, length = data[offset], data[offset + 1]
        if tag & 0x1F == 0x1F:
            raise Malformed("high tag numbers are not used in time-stamps")
        start = offset + 2
        if length & 0x80:
            count = length & 0x7F
            if not 1 <= count <= 4 or start + count > len(data):
                raise Malformed("a length is indefinite or cut short")
            length = int.from_bytes(data[start : start + count], "big")
            start += count
        end = start + length
        if end > len(data):
            raise Malformed("an element runs past its end")
        elements.append(Der(tag, data[offset:end], data[start:end]))
        offset = end
    return elements


def der(data: bytes, tag: int, what: str) -> Der:
    elements = der_elements(data)
    if len(elements) != 1:
        raise Malformed(f"{what} is not one DER element")
    return elements[0].expect(tag, what)


def der_oid(element: Der) -> str:
    element.expect(OID, "an object identifier")
    arcs, value = [], 0
    for byte in element.body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if not arcs:
        raise Malformed("an object identifier is empty")
    first = min(arcs[0] // 40, 2)
    return ".".join(str(arc) for arc in (first, arcs[0] - 40 * first, *arcs[1:]))


def der_int(element: Der) -> int:
    return int.from_bytes(element.expect(INTEGER, "an integer").body, "big", signed=True)


def der_time(element: Der) -> datetime.datetime:
    text = element.expect(GENERALIZED_TIME, "genTime").body.decode("ascii")
    match = re.fullmatch(r"(\d{14})(?:\.(\d{1,6}))?Z", text)
    if match is None:
        raise Malformed(f"genTime {text!r} is not a UTC time")
    when = datetime.datetime.strptime(match[1], "%Y%m%d%H%M%S").replace(tzinfo=datetime.UTC)
    return when.replace(microsecond=int((match[2] or "0").ljust(6, "0")))


def algorithm_oid(algorithm: Der) -> str:
    """An AlgorithmIdentifier's OID; the algorithms used here take no parameters (or NULL)."""
    identifier = algorithm.expect(SEQUENCE, "an algorithm").items()
    if not identifier or [item.raw for item in identifier[1:]] not in ([], [NULL]):
        raise Malformed("an algorithm identifier has unexpected parameters")
    return der_oid(identifier[0])


def digest_of(algorithm: Der, data: bytes) -> tuple[bytes, hashes.HashAlgorithm]:
    """`data` hashed with the AlgorithmIdentifier `algorithm`, and that hash."""
    name = algorithm_oid(algorithm)
    if name not in DIGESTS:
        raise Refused(f"{TIMESTAMP} uses the hash algorithm {name}, which this verifier does not know.")
    algorithm_ = DIGESTS[name]()
    hasher = hashes.Hash(algorithm_)
    hasher.update(data)
    return hasher.finalize(), algorithm_


@dataclass(frozen=True)
class Timestamp:
    time: datetime.datetime
    tsa: x509.Certificate
    imprint: bytes
    imprint_algorithm: Der
    nonce: int | None

    def describe(self, *, vouched: bool) -> str:
        return (
            f"time-stamped at {self.time:%Y-%m-%dT%H:%M:%SZ} by {self.tsa.subject.rfc4514_string()} "
            f"(certificate SHA-256 {self.tsa.fingerprint(hashes.SHA256()).hex()}), "
            + (
                "issued under the trusted --tsa-cert"
                if vouched
                else "not checked against a trusted TSA certificate (pass --tsa-cert)"
            )
        )


def read_timestamp(data: bytes, *, trusted: x509.Certificate | None = None) -> Timestamp:
    """The time-stamp in the DER TimeStampResp `data`, once its TSA's signature checks out."""
    response = der(data, SEQUENCE, "TimeStampResp").items()
    status_info = response[0].expect(SEQUENCE, "PKIStatusInfo").items()
    status = der_int(status_info[0])
    if status not in (0, 1) or len(response) < 2:
        said = [
            text.body.decode("utf-8", "replace")
            for element in status_info[1:2]
            if element.tag == SEQUENCE
            for text in element.items()
        ]
        raise Refused(
            f"{TIMESTAMP} is the TSA's refusal (status {status}: {'; '.join(said) or 'no reason given'})."
        )
    content_type, content = response[1].expect(SEQUENCE, "TimeStampToken").items()
    if der_oid(content_type) != OID_SIGNED_DATA:
        raise Malformed("the token is not CMS SignedData")
    signed_data = (
        content.expect(EXPLICIT_0, "the token's content").items()[0].expect(SEQUENCE, "SignedData").items()
    )
    if der_int(signed_data[0]) != 3:
        raise Malformed("SignedData is not version 3")
    encapsulated = signed_data[2].expect(SEQUENCE, "encapContentInfo").items()
    if der_oid(encapsulated[0]) != OID_TST_INFO:
        raise Malformed("the signed content is not a TSTInfo")
    tst_info = encapsulated[1].expect(EXPLICIT_0, "eContent").items()[0].expect(OCTET_STRING, "eContent").body
    certificates = [
        x509.load_der_x509_certificate(item.expect(SEQUENCE, "a certificate").raw)
        for element in signed_data[3:]
        if element.tag == EXPLICIT_0
        for item in element.items()
    ]
    signer_infos = signed_data[-1].expect(SET, "signerInfos").items()
    if len(signer_infos) != 1:
        raise Malformed(f"the token has {len(signer_infos)} signers, not one")
    if signed_data[1].expect(SET, "digestAlgorithms").items() != [signer_infos[0].items()[2]]:
        raise Malformed("digestAlgorithms is not the signer's digest algorithm")
    tsa = check_token_signature(signer_infos[0], tst_info, [*certificates, *([trusted] if trusted else [])])
    check_certificates(tsa, certificates)
    fields = der(tst_info, SEQUENCE, "TSTInfo").items()
    imprint_algorithm, imprint = fields[2].expect(SEQUENCE, "messageImprint").items()
    time = der_time(fields[4])
    if not tsa.not_valid_before_utc <= time <= tsa.not_valid_after_utc:
        raise Refused(
            f"{TIMESTAMP} is dated {time:%Y-%m-%dT%H:%M:%SZ}, outside its TSA certificate's validity."
        )
    if trusted is not None:
        check_issued_under(tsa, trusted, certificates, time)
    nonce = next((der_int(field) for field in fields[5:] if field.tag == INTEGER), None)
    return Timestamp(time, tsa, imprint.expect(OCTET_STRING, "hashedMessage").body, imprint_algorithm, nonce)


def check_certificates(tsa: x509.Certificate, certificates: list[x509.Certificate]) -> None:
    """The certificates in the token are the TSA's and its issuers', each signed by the next
    (a root by itself): the TSA's chain, nothing else."""
    chain = [tsa]
    while True:
        current = chain[-1]
        issuer = next((candidate for candidate in certificates if candidate.subject == current.issuer), None)
        if issuer is None or issuer in chain[:-1]:
            break
        if not issued_by(current, issuer):
            raise Refused(
                f"The certificate of {current.subject.rfc4514_string()} in {TIMESTAMP} is not signed by "
                "its issuer's: the token was changed."
            )
        if issuer == current:
            break
        chain.append(issuer)
    stray = [certificate for certificate in certificates if certificate not in chain]
    if stray:
        raise Refused(
            f"{TIMESTAMP} carries the certificate of {stray[0].subject.rfc4514_string()}, which is not "
            "in the TSA's chain: the token was changed."
        )


def issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def check_token_signature(
    signer: Der, tst_info: bytes, certificates: list[x509.Certificate]
) -> x509.Certificate:
    """The TSA's certificate, once its signature over the signed attributes (which hold the
    TSTInfo's digest and the hash of that certificate) verifies."""
    version, sid, digest_algorithm, signed_attributes, signature_algorithm, signature, *_ = signer.expect(
        SEQUENCE, "SignerInfo"
    ).items()
    if der_int(version) != (1 if sid.tag == SEQUENCE else 3):
        raise Malformed("the SignerInfo's version does not fit how it names the signer")
    tsa = signing_certificate(sid, certificates)
    try:
        usage = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not usage.critical or x509.ExtendedKeyUsageOID.TIME_STAMPING not in usage.value:
        raise Refused(f"{TIMESTAMP} is signed by a certificate that is not for time-stamping.")
    attributes = {
        der_oid(attribute.items()[0]): attribute.items()[1].expect(SET, "an attribute's values").items()[0]
        for attribute in signed_attributes.expect(EXPLICIT_0, "signedAttrs").items()
    }
    digest, algorithm = digest_of(digest_algorithm, tst_info)
    if (
        OID_CONTENT_TYPE not in attributes
        or der_oid(attributes[OID_CONTENT_TYPE]) != OID_TST_INFO
        or OID_MESSAGE_DIGEST not in attributes
        or attributes[OID_MESSAGE_DIGEST].expect(OCTET_STRING, "messageDigest").body != digest
    ):
        raise Refused(f"{TIMESTAMP}'s time-stamp info is not what the TSA signed: the token was changed.")
    check_certificate_hash(attributes, tsa)
    # The signature covers the signed attributes encoded as a SET, not as the [0] they are stored under.
    covered = bytes([SET]) + signed_attributes.raw[1:]
    signature_bytes = signature.expect(OCTET_STRING, "the signature").body
    key = tsa.public_key()
    kind = SIGNATURE_ALGORITHMS.get(algorithm_oid(signature_algorithm))
    try:
        if kind == RSA and isinstance(key, RSAPublicKey):
            key.verify(signature_bytes, covered, padding.PKCS1v15(), algorithm)
        elif kind == ECDSA and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature_bytes, covered, ec.ECDSA(algorithm))
        elif kind == ED25519 and isinstance(key, Ed25519PublicKey):
            key.verify(signature_bytes, covered)
        else:
            raise Refused(f"{TIMESTAMP} is signed with an algorithm this verifier does not know.")
    except InvalidSignature:
        raise Refused(f"The TSA's signature in {TIMESTAMP} does not verify: the token was changed.") from None
    return tsa


def signing_certificate(sid: Der, certificates: list[x509.Certificate]) -> x509.Certificate:
    """The certificate the SignerInfo names, by issuer and serial number or by key identifier."""
    for certificate in certificates:
        if sid.tag == SEQUENCE:
            issuer, serial = sid.items()
            tbs = der(certificate.tbs_certificate_bytes, SEQUENCE, "a certificate").items()
            certificate_issuer = tbs[3] if tbs[0].tag == EXPLICIT_0 else tbs[2]
            if der_int(serial) == certificate.serial_number and issuer.raw == certificate_issuer.raw:
                return certificate
        elif sid.tag == IMPLICIT_0_PRIMITIVE:
            try:
                key_id = certificate.extensions.get_extension_for_class(
                    x509.SubjectKeyIdentifier
                ).value.digest
            except x509.ExtensionNotFound:
                continue
            if key_id == sid.body:
                return certificate
    raise Refused(
        f"{TIMESTAMP} does not carry the TSA's certificate that signed it: pass it with --tsa-cert."
    )


def check_certificate_hash(attributes: dict[str, Der], tsa: x509.Certificate) -> None:
    """The signed attributes name the TSA's certificate by its hash (RFC 3161's ESS
    SigningCertificate), so another certificate with the same name cannot stand in."""
    encoded = tsa.public_bytes(serialization.Encoding.DER)
    if OID_SIGNING_CERTIFICATE_V2 in attributes:
        first = attributes[OID_SIGNING_CERTIFICATE_V2].items()[0].items()[0].items()
        if first[0].tag == SEQUENCE:  # a hash other than the default SHA-256
            expected = digest_of(first[0], encoded)[0]
            stated = first[1]
        else:
            expected, stated = hashlib.sha256(encoded).digest(), first[0]
    elif OID_SIGNING_CERTIFICATE in attributes:
        stated = attributes[OID_SIGNING_CERTIFICATE].items()[0].items()[0].items()[0]
        expected = hashlib.sha1(encoded, usedforsecurity=False).digest()
    else:
        raise Refused(f"{TIMESTAMP} does not name the TSA's certificate in what the TSA signed.")
    if stated.expect(OCTET_STRING, "certHash").body != expected:
        raise Refused(f"{TIMESTAMP} is signed for another TSA certificate than the one it carries.")


def check_issued_under(
    tsa: x509.Certificate,
    trusted: x509.Certificate,
    certificates: list[x509.Certificate],
    time: datetime.datetime,
) -> None:
    """The TSA's certificate is the trusted one or chains up to it (through the token's
    certificates), each link valid when the time-stamp was made."""
    current = tsa
    for _ in range(len(certificates) + 1):
        if current == trusted:
            return
        issuer = next(
            (
                candidate
                for candidate in (trusted, *certificates)
                if candidate != current
                and candidate.subject == current.issuer
                and issued_by(current, candidate)
            ),
            None,
        )
        if issuer is None or not issuer.not_valid_before_utc <= time <= issuer.not_valid_after_utc:
            break
        current = issuer
    raise Refused(
        f"{TIMESTAMP} was issued by {tsa.subject.rfc4514_string()}, which is not the trusted TSA "
        f"certificate {trusted.subject.rfc4514_string()} nor issued under it."
    )


def check_timestamp(bag: zipfile.ZipFile, trusted: x509.Certificate | None) -> str | None:
    """Step 3; what the time-stamp says, or None when the package has none."""
    if TIMESTAMP not in bag.namelist():
        if trusted is not None:
            raise Refused(
                f"{TIMESTAMP} is missing: the package was not time-stamped, though --tsa-cert asks for it."
            )
        return None
    return check_stamp(read(bag, TIMESTAMP), read(bag, SIGNATURE), trusted=trusted).describe(
        vouched=trusted is not None
    )


def check_stamp(data: bytes, stamped: bytes, *, trusted: x509.Certificate | None = None) -> Timestamp:
    """The time-stamp response `data`, once it checks out as a time-stamp of `stamped`."""
    try:
        timestamp = read_timestamp(data, trusted=trusted)
        imprint = digest_of(timestamp.imprint_algorithm, stamped)[0]
    except (
        ValueError,
        IndexError,
        UnsupportedAlgorithm,
        x509.InvalidVersion,
        x509.DuplicateExtension,
    ) as error:
        raise Refused(f"{TIMESTAMP} is not a well-formed RFC 3161 time-stamp ({error}).") from None
    if imprint != timestamp.imprint:
        raise Refused(
            f"{TIMESTAMP} was issued for another {SIGNATURE}: the manifest or its signature "
            "changed after it was time-stamped."
        )
    return timestamp


def load_certificate(path: str) -> x509.Certificate:
    try:
        with open(path, "rb") as file:
            data = file.read()
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except (OSError, ValueError) as error:
        raise Refused(f"--tsa-cert {path} is not a readable certificate ({error}).") from None


def check_history(files: dict[str, bytes]) -> list[dict]:
    """Step 5; the entries, each with its history row, in the chain's order."""
    items = [json.loads(line) for line in files["data/history.jsonl"].decode("utf-8").splitlines()]
    for item in items:
        entry = item["entry"]
        payload = {**{name: entry[name] for name in ENTRY_FIELDS}, "row": item["row"]}
        digest = sha256(f"{item['prev_hash']}\n{canonical_json(payload)}".encode())
        if digest != item["hash"]:
            raise Refused(
                f"history entry #{entry['sequence']} ({entry['model']} {entry['object_id']}) "
                "does not match its hash: the entry or its history row was changed."
            )
    return items


ORPHANED = "orphaned"  # a passage's anchor status when it is no longer found in the text


def check_sources(files: dict[str, bytes], history: list[dict]) -> tuple[int, int]:
    """Step 6; how many passages, and how many source versions."""
    # What the ledger records: each source's newest row, and each version's row.
    recorded: dict[tuple[int, int | None], dict] = {}
    for item in history:
        row = item["row"]
        if item["entry"]["model"] == "source":
            recorded[row["id"], None] = row
        elif item["entry"]["model"] == "sourceversion":
            recorded[row["source_id"], row["number"]] = row
    texts: dict[tuple[int, int | None], str] = {}  # (source, version number or None for the newest)
    for source in json.loads(files["data/sources.json"]):
        folder = f"data/sources/{source['id']}"
        what = f"source {source['id']}"
        check_recorded(source, recorded.get((source["id"], None)), what)
        texts[source["id"], None] = check_files(files, folder, source, what)
        # Packages written before versions were included have none.
        for version in source.get("versions", []):
            what = f"version {version['number']} of source {source['id']}"
            check_recorded(version, recorded.get((source["id"], version["number"])), what)
            texts[source["id"], version["number"]] = check_files(
                files, f"{folder}/versions/{version['number']}", version, what
            )
    passages = json.loads(files["data/passages.json"])
    for passage in passages:
        # An orphaned passage keeps the quote and offsets it had where it was last found:
        # its words are not in that version's text, and say so.
        if passage.get("anchor_status") != ORPHANED:
            check_quote(texts, passage, passage["selector"], None)
        for anchor in passage.get("anchors", []):
            if anchor.get("status") != ORPHANED:
                check_quote(texts, passage, anchor["selector"], anchor["version"])
    return len(passages), sum(version is not None for _, version in texts)


# A reviewer's decisions among a history entry's actions, and who each user id is.
DECISIONS = ("approved", "rejected")
PEOPLE = "data/people.json"

# The fields of data/claim.json and data/passages.json that each history row records (record's
# name: the row's column), and where passages.json gives them (its selector).
CLAIM_FIELDS = {
    "statement": "statement",
    "credibility": "credibility",
    "credibility_reason": "credibility_reason",
    "status": "status",
    "review_status": "review_status",
    "tags": "tags",
    "version": "version",
}
EVIDENCE_FIELDS = {
    "stance": "stance",
    "note": "note",
    "passage": "passage_id",
    "review_status": "review_status",
    "version": "version",
}


# The fields of data/sources.json that a source's history row records, and those of its
# outlet's and of each of its versions' (their SHA-256s: step 6). Users are not in the package,
# so who captured a source is not checked; a time is compared as the instant it names.
SOURCE_FIELDS = {
    "title": "title",
    "authors": "authors",
    "translators": "translators",
    "original_url": "original_url",
    "published_on": "published_on",
    "language": "language",
    "direction": "direction",
    "media_type": "media_type",
    "captured_at": "captured_at",
    "derived_from": "derived_from_id",
    "derivation": "derivation",
}
# Of its `unarchived_original` (an original it derives from that is not archived), if any.
UNARCHIVED_FIELDS = {
    "title": "unarchived_title",
    "url": "unarchived_url",
    "outlet": "unarchived_outlet",
    "language": "unarchived_language",
    "published_on": "unarchived_published_on",
}
OUTLET_FIELDS = {"name": "name", "reliability": "reliability"}
VERSION_FIELDS = {
    "origin": "origin",
    "url": "url",
    "media_type": "media_type",
    "captured_at": "captured_at",
    "schedule": "schedule_label",
}
TIMES = {"captured_at"}


def check_claim(files: dict[str, bytes], history: list[dict]) -> None:
    """Step 7."""
    newest: dict[tuple[str, int], dict] = {}  # the history is in the chain's order: the last row wins
    versions: dict[tuple[int, int], dict] = {}  # by source and number, as sources.json names them
    decided: dict[tuple[str, int], dict] = {}  # the last approval or rejection, as newest
    for item in history:
        entry = item["entry"]
        model = entry["model"]
        row = {**LATER_COLUMNS.get(model, {}), **item["row"]}
        newest[model, entry["object_id"]] = row
        if model == "sourceversion":
            versions[row["source_id"], row["number"]] = row
        if entry["action"] in DECISIONS:
            decided[model, entry["object_id"]] = entry
    people = {person["id"]: person["username"] for person in json.loads(files.get(PEOPLE, b"[]"))}
    claim = json.loads(files["data/claim.json"])
    check_as_recorded(claim, newest.get(("claim", claim["id"])), CLAIM_FIELDS, f"claim {claim['id']}")
    check_decision(claim, decided.get(("claim", claim["id"])), people, f"claim {claim['id']}")
    for evidence in claim["evidence"]:
        what = f"evidence {evidence['id']}"
        check_as_recorded(evidence, newest.get(("evidence", evidence["id"])), EVIDENCE_FIELDS, what)
        check_decision(evidence, decided.get(("evidence", evidence["id"])), people, what)
    for passage in json.loads(files["data/passages.json"]):
        position, quote = passage["selector"][0], passage["selector"][1]
        given = {
            **{key: position[key] for key in ("start", "end")},
            **{key: quote[key] for key in ("exact", "prefix", "suffix")},
        }
        fields = {key: key for key in given}
        check_as_recorded(given, newest.get(("passage", passage["id"])), fields, f"passage {passage['id']}")
    sources = json.loads(files["data/sources.json"])
    for source in sources:
        check_source(source, newest, versions)
    check_grades(claim, json.loads(files["data/passages.json"]), sources)


def check_grades(claim: dict, passages: list[dict], sources: list[dict]) -> None:
    """That each piece of evidence's Admiralty grade is its source's outlet's reliability
    (F, cannot be judged, without one) and the claim's credibility (6 without one), as
    checked above."""
    source_of = {passage["id"]: passage["source"] for passage in passages}
    outlets = {source["id"]: source.get("outlet") for source in sources}
    for evidence in claim["evidence"]:
        if "grade" not in evidence or evidence["passage"] not in source_of:
            continue
        outlet = outlets.get(source_of[evidence["passage"]]) or {}
        grade = f"{outlet.get('reliability') or 'F'}{claim.get('credibility') or 6}"
        if evidence["grade"] != grade:
            raise Refused(
                f"the package's grade of evidence {evidence['id']} is not its outlet's reliability "
                f"and the claim's credibility ({grade})."
            )


def check_decision(record: dict, entry: dict | None, people: dict[int, str], what: str) -> None:
    """That the `review_decision` of `record` (packages made before it was given lack it) is
    `entry`, its last approval or rejection in the history, or None if it has none."""
    if "review_decision" not in record:
        return
    given = record["review_decision"]
    if entry is None and given is None:
        return
    recorded = (
        None
        if entry is None
        else {
            "decision": entry["action"],
            "by": people.get(entry["user_id"]),
            "at": instant(entry["recorded_at"]),
            "comment": entry["reason"],
        }
    )
    if given is not None:
        given = {**given, "at": instant(given.get("at"))}
    if given != recorded:
        raise Refused(
            f"the package's review decision on {what} is not the last one its history entries "
            "record: it was changed outside the history."
        )


def check_source(
    source: dict, newest: dict[tuple[str, int], dict], versions: dict[tuple[int, int], dict]
) -> None:
    """Step 7 for one record of data/sources.json: the source, its outlet, its versions."""
    what = f"source {source['id']}"
    row = newest.get(("source", source["id"]))
    check_fields_as_recorded(source, row, SOURCE_FIELDS, what)
    # Packages made before it was given lack it; none is all its fields empty.
    if "unarchived_original" in source:
        described = source["unarchived_original"] or {"published_on": None}
        given = {key: described.get(key, "") for key in UNARCHIVED_FIELDS}
        check_as_recorded(given, row, UNARCHIVED_FIELDS, f"the original of {what} that is not archived")
    outlet = source.get("outlet")
    # Packages made before sources.json gave the outlet's id cannot say which outlet it is.
    if outlet is None or "id" in outlet:
        given = {"outlet": None if outlet is None else outlet["id"]}
        check_as_recorded(given, row, {"outlet": "outlet_id"}, what)
        if outlet is not None:
            outlet_row = newest.get(("outlet", outlet["id"]))
            check_as_recorded(outlet, outlet_row, OUTLET_FIELDS, f"outlet {outlet['id']} of {what}")
    for version in source.get("versions", []):
        version_row = versions.get((source["id"], version["number"]))
        check_fields_as_recorded(
            version, version_row, VERSION_FIELDS, f"version {version['number']} of {what}"
        )


def check_fields_as_recorded(record: dict, row: dict | None, fields: dict[str, str], what: str) -> None:
    """check_as_recorded for the `fields` that `record` gives (packages made before a field was
    added lack it), a time compared as the instant it names: the package writes Python's
    isoformat, without a fraction at a whole second; the ledger writes six digits always."""
    given = {key: record[key] for key in fields if key in record}
    recorded = dict(row) if row is not None else None
    for key in TIMES & given.keys():
        given[key] = instant(given[key])
        if recorded is not None:
            recorded[fields[key]] = instant(recorded.get(fields[key]))
    check_as_recorded(given, recorded, {key: fields[key] for key in given}, what)


def instant(value: object) -> object:
    """The instant an ISO 8601 text names; anything else as it is (and unequal to an instant)."""
    try:
        return datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


def check_as_recorded(record: dict, row: dict | None, fields: dict[str, str], what: str) -> None:
    """That `record` gives each of `fields` as its newest history row records it."""
    if row is None:
        raise Refused(f"{what} has no history entry in data/history.jsonl.")
    for key, column in fields.items():
        if record[key] != row.get(column):
            raise Refused(
                f"the package's {key} of {what} is not what its last history entry records: "
                "it was changed outside the history."
            )


def check_recorded(record: dict, row: dict | None, what: str) -> None:
    """That each SHA-256 `record` gives (for a file the package holds) is the one
    its history row records."""
    if row is None:
        raise Refused(f"{what} has no history entry in data/history.jsonl.")
    for key in ("text_sha256", "original_sha256", "warc_sha256"):
        if record.get(key) is not None and record[key] != row.get(key):
            raise Refused(f"data/sources.json gives {what} a {key} that its history entry does not record.")


def check_files(files: dict[str, bytes], folder: str, record: dict, what: str) -> str:
    """The text in `folder`, once it and each file beside it whose SHA-256 `record`
    gives (None: no such file) are there and match it (`what` names the record)."""
    for name, key in (
        ("text.txt", "text_sha256"),
        ("original", "original_sha256"),
        ("capture.warc.gz", "warc_sha256"),
    ):
        if key not in record:
            continue
        stored = files.get(f"{folder}/{name}")
        if stored is None and record[key] is None:
            continue
        if stored is None or sha256(stored) != record[key]:
            raise Refused(f"{folder}/{name} is not the file whose SHA-256 {what} records.")
    return files[f"{folder}/text.txt"].decode("utf-8")


def check_quote(texts: dict, passage: dict, selector: list[dict], version: int | None) -> None:
    """That the quote of `selector` is the text at its offsets in the source's
    version (None: the newest, as text.txt has it)."""
    where = "" if version is None else f" in version {version}"
    text = texts.get((passage["source"], version))
    if text is None:
        raise Refused(f"passage {passage['id']} is on source {passage['source']}{where}, not in the package.")
    position, quote = selector[0], selector[1]
    if text[position["start"] : position["end"]] != quote["exact"]:
        raise Refused(f"passage {passage['id']}'s quote is not the text at its offsets{where}.")


def verify(path: str, *, expect_key: str | None = None, tsa_cert: str | None = None) -> str:
    """Everything above; a summary, or Refused naming the first failure."""
    trusted = load_certificate(tsa_cert) if tsa_cert is not None else None
    try:
        bag = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise Refused(f"{path} is not a readable ZIP file ({error}).") from None
    with bag:
        names, tags = check_layout(bag)
        signed = signed_file(tags)
        fingerprint = check_signature(bag, signed, expect_key)
        timestamp = check_timestamp(bag, trusted)
        files = check_manifests(bag, names, tags)
        readme = README in names
    history = check_history(files)
    passages, versions = check_sources(files, history)
    check_claim(files, history)
    checked = (
        f"{counted(len(history), 'history entry', 'history entries')}, "
        f"{counted(versions, 'source version')} and {counted(passages, 'passage')} check out."
    )
    stamped = f"\nThe signature was {timestamp}." if timestamp else "\nThe package carries no time-stamp."
    older = (
        f"\n{README} is not covered by the signature (the package predates that): do not rely on it."
        if readme and signed == MANIFEST
        else ""
    )
    if expect_key is not None:
        return (
            f"OK: {len(files)} files match the signed manifest; signed by the expected key "
            f"{fingerprint}; {checked}{stamped}{older}"
        )
    return (
        f"INTACT, SIGNER NOT ESTABLISHED: {len(files)} files match the manifest, whose signature "
        f"verifies with the key inside the package (fingerprint {fingerprint}); {checked}{stamped}{older}\n"
        "\n"
        "WARNING: this shows only that the package is consistent with the key it carries, not who\n"
        "signed it: anyone can re-sign a package with a key of their own, and replace the key and the\n"
        "README and verify.py with it. To establish the signer, get the workspace's signing key\n"
        "fingerprint from the publisher, outside this package (Warrant shows it to the workspace's\n"
        'members on the workspace\'s page, under "Signing key", beside the SHA-256 of verify.py), and\n'
        "run, with verify.py from Warrant (/verify.py) or a copy whose SHA-256 matches, never the copy\n"
        "inside the package:\n"
        f"    python3 verify.py {path} --expect-key FINGERPRINT\n"
        f"It exits {ESTABLISHED} only when the package is signed by that key."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Verify a Warrant evidence package offline. Run a verify.py obtained from Warrant "
            "(/verify.py) or one whose SHA-256 matches the one published beside the signing key, "
            "never the copy inside a package: a forger can replace that copy."
        ),
        epilog=(
            f"Exit status: {ESTABLISHED} when everything checks and the package is signed by the key "
            f"--expect-key names; {INTACT} when everything checks but no --expect-key was given, so the "
            "files are intact and consistent with the key inside the package but who signed them is not "
            "established; 1 when something does not check; 2 for bad usage."
        ),
    )
    parser.add_argument("package", help="the package's ZIP file")
    parser.add_argument(
        "--expect-key",
        help="the signing key's fingerprint, obtained from the publisher outside the package "
        "(Warrant shows it on the workspace's page): without it, who signed is not checked",
    )
    parser.add_argument(
        "--tsa-cert", help="the time-stamping authority's certificate or its CA's (PEM or DER) to trust"
    )
    args = parser.parse_args(argv)
    try:
        print(verify(args.package, expect_key=args.expect_key, tsa_cert=args.tsa_cert))
    except (Refused, KeyError, ValueError) as error:
        problem = error if isinstance(error, Refused) else f"malformed package ({error!r})"
        print(f"FAILED: {problem}", file=sys.stderr)
        return 1
    return INTACT if args.expect_key is None else ESTABLISHED


if __name__ == "__main__":
    sys.exit(main())
