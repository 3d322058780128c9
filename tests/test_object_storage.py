"""Originals and WARC records on an S3-compatible store, through Django's storage API
(django-storages' S3 backend), against moto's S3 server on loopback."""

import pytest
import requests
from moto.server import ThreadedMotoServer

from archive.core.text import sha256_hex
from archive.models import FixityStatus
from archive.sources.fixity import file_sha256, verify_source
from archive.sources.storage import original_name, store_original
from tests.factories import SourceFactory

BUCKET = "warrant-originals"


@pytest.fixture
def s3_storage(settings, monkeypatch):
    """STORAGES["default"] on an S3 server at 127.0.0.1 (a random free port), as README shows."""
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    import boto3

    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": True,
            },
        },
    }
    yield boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)  # the server's state is per process
    server.stop()


def test_an_original_is_stored_in_the_bucket_under_its_hash_and_read_back(s3_storage, corpus_text):
    data = corpus_text.encode("utf-8")
    name, digest = store_original(data)
    assert (name, digest) == (original_name(sha256_hex(data)), sha256_hex(data))
    stored = s3_storage.get_object(Bucket=BUCKET, Key=name)["Body"].read()
    assert stored == data
    assert file_sha256(name) == digest
    versions = s3_storage.list_object_versions(Bucket=BUCKET, Prefix=name).get("Versions", [])
    assert store_original(data) == (name, digest)  # the same bytes are stored once
    assert s3_storage.list_object_versions(Bucket=BUCKET, Prefix=name).get("Versions", []) == versions


def test_fixity_of_a_source_whose_original_is_in_the_bucket(s3_storage, workspace):
    source = SourceFactory(workspace=workspace, with_original=True)
    assert s3_storage.head_object(Bucket=BUCKET, Key=source.original.name)["ContentLength"] > 0
    assert verify_source(source).check.status == FixityStatus.OK
    s3_storage.put_object(Bucket=BUCKET, Key=source.original.name, Body=b"altered")
    check = verify_source(source).check
    assert check.status == FixityStatus.MISMATCH
