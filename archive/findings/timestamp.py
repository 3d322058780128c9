"""RFC 3161 time-stamps for evidence packages, from the time-stamping authority
(TSA) the deployment names in EVIDENCE_TSA_URL.

What is stamped is the package's signature.ed25519: the signature covers the
manifests, so the time-stamp shows that the files and the workspace's signature
over them both existed at the stamped time (as CMS/CAdES stamp a signature
value), and a recipient can check it with OpenSSL alone
(`openssl ts -verify -data signature.ed25519 -in timestamp.tsr -CAfile TSA-CA.pem`).

The TSA's answer is checked with verify.py's own code (archive/findings/
verify_package.py) before it goes into a package, so a package is never built
around a time-stamp its bundled verifier would refuse. rfc3161-client builds the
request; its parser is not used for the answer, because it refuses certificate
sets that are not in DER order, which OpenSSL-based TSAs send with their chain.
"""

import urllib3
from django.conf import settings
from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

from archive.findings.verify_package import Refused, check_stamp


class TimestampUnavailable(Exception):
    """The configured TSA could not be reached or did not answer with a valid time-stamp."""


def request_timestamp(data: bytes) -> bytes | None:
    """The DER TimeStampResp of the configured TSA over `data`; None when no TSA is configured."""
    url = settings.EVIDENCE_TSA_URL
    if not url:
        return None
    request = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)  # the TSA's certificate in the token, for the recipient
        .build()
    )
    authority = f"The time-stamping authority at {url}"
    try:
        response = urllib3.request(
            "POST",
            url,
            body=request.as_bytes(),
            headers={"Content-Type": "application/timestamp-query"},
            timeout=urllib3.Timeout(total=settings.EVIDENCE_TSA_TIMEOUT_SECONDS),
            retries=False,
            redirect=False,
        )
    except urllib3.exceptions.HTTPError as error:
        raise TimestampUnavailable(f"{authority} did not answer ({type(error).__name__}).") from None
    if response.status != 200:
        raise TimestampUnavailable(f"{authority} answered HTTP {response.status} instead of a time-stamp.")
    try:
        timestamp = check_stamp(response.data, data)
    except Refused as error:
        raise TimestampUnavailable(f"{authority} did not answer with a valid time-stamp: {error}") from None
    if timestamp.nonce != request.nonce:
        raise TimestampUnavailable(
            f"{authority} answered a time-stamp for another request (its nonce differs)."
        )
    return response.data
