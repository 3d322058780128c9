"""Originals, stored unchanged and content-addressed by SHA-256.

The name of a stored original is derived from its hash, so the same bytes are
stored once, and a stored file is never overwritten or modified.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from archive.core.text import sha256_hex


def original_name(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_original(data: bytes) -> tuple[str, str]:
    """Store `data` if it is not stored yet; return (storage name, sha256)."""
    digest = sha256_hex(data)
    name = original_name(digest)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # another writer stored the same bytes meanwhile
            default_storage.delete(saved)
    return name, digest
