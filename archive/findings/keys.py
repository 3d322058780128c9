"""Each workspace's Ed25519 signing key, for the evidence packages it exports.

The key is derived from the deployment's SECRET_KEY and the workspace (HKDF),
so nothing secret is stored in the database and every app server signs with
the same key. Rotating SECRET_KEY rotates every workspace's key: packages
signed before still verify with the public key they carry, but their
fingerprint no longer matches the one the workspace page shows.
"""

import hashlib

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from archive.models import Workspace


def signing_key(workspace: Workspace) -> Ed25519PrivateKey:
    seed = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"warrant evidence package signing key",
        info=f"workspace {workspace.pk}".encode(),
    ).derive(settings.SECRET_KEY.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_pem(workspace: Workspace) -> bytes:
    return (
        signing_key(workspace)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def fingerprint(workspace: Workspace) -> str:
    """SHA-256 of the raw public key, as verify.py prints it."""
    raw = (
        signing_key(workspace)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return hashlib.sha256(raw).hexdigest()
