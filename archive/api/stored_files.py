"""Downloads of stored files (originals and WARC records), in the REST API and on the pages.

Each file is re-hashed, in chunks, before a byte of it is sent: one that is not what its
SHA-256 recorded when it was archived is refused (DamagedFile, 409) rather than sent under
a digest that vouches for other bytes. The digest of what is sent goes with it, as RFC 9530
names it (`Repr-Digest: sha-256=:<base64>:`) and as RFC 3230 did (`Digest: sha-256=<base64>`).
"""

import base64

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from archive.sources.fixity import intact_sha256


def stored_file_download(name: str, *, sha256: str, filename: str, content_type: str) -> FileResponse:
    """Stored file `name`, which must have the recorded `sha256` (hex), as a download the
    browser will not render or sniff; Http404 when it is missing, DamagedFile when it differs."""
    if not name or not default_storage.exists(name):
        raise Http404("The stored file is missing (see verify_fixity).")
    digest = base64.b64encode(intact_sha256(name, sha256)).decode("ascii")
    response = FileResponse(
        default_storage.open(name, "rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    response["Digest"] = f"sha-256={digest}"
    return response
