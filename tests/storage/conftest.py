"""A real S3-compatible server for the storage tests: moto's server, in this process.

``MICROCRED_STORAGE=s3`` makes the default storage django-storages' ``S3Storage``
(``microcred.settings``); these fixtures point exactly those options at moto's S3 server on a
free local port, so evidence, badge images and backups go over HTTP to a bucket the way they
go to AWS or MinIO. One server per test process (each pytest-xdist worker starts its own, on
its own port); one new, empty bucket per test.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

ACCESS_KEY = "microcred-test"
SECRET_KEY = "microcred-test-secret"  # noqa: S105 (moto accepts any credentials)
REGION = "us-east-1"
_buckets = itertools.count(1)


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self) -> Any:
        """A boto3 client, for the tests to look inside the bucket (the product never uses
        boto directly: it goes through Django's storage API)."""
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)


@dataclass(frozen=True)
class S3Bucket:
    server: S3Server
    name: str

    def storages(self) -> dict[str, Any]:
        """``STORAGES`` as ``microcred.settings`` builds it for ``MICROCRED_STORAGE=s3`` with
        this bucket, read from the real settings module rather than copied."""
        return _s3_storages(self.server, self.name)

    def objects(self) -> dict[str, bytes]:
        """Every object in the bucket, by key."""
        client = self.server.client()
        found: dict[str, bytes] = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.name):
            for item in page.get("Contents", []):
                found[item["Key"]] = client.get_object(Bucket=self.name,
                                                       Key=item["Key"])["Body"].read()
        return found


def _s3_storages(server: S3Server, bucket: str) -> dict[str, Any]:
    import importlib

    import microcred.settings as product_settings

    names = {
        "MICROCRED_STORAGE": "s3",
        "MICROCRED_S3_BUCKET": bucket,
        "MICROCRED_S3_ENDPOINT_URL": server.endpoint_url,
        "MICROCRED_S3_REGION": REGION,
        "MICROCRED_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "MICROCRED_S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(names)
    try:
        storages = importlib.reload(product_settings).STORAGES
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        importlib.reload(product_settings)
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    # The test settings' static files stay as they are: only the default storage moves.
    return {**settings.STORAGES, "default": storages["default"]}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on a free port of 127.0.0.1, for this test process."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        pytest.skip("moto's server is not installed (pip install 'moto[s3]' flask flask-cors, "
                    f"part of the test extras): {exc}")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    try:
        server.start()
        host, port = server.get_host_and_port()
    except (OSError, AssertionError) as exc:
        pytest.skip(f"moto's S3 server could not start on 127.0.0.1: {exc}")
    try:
        yield S3Server(endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()


def _new_bucket(server: S3Server) -> S3Bucket:
    name = f"microcred-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{next(_buckets)}"
    server.client().create_bucket(Bucket=name)
    return S3Bucket(server=server, name=name)


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> Iterator[S3Bucket]:
    """A new, empty bucket that is the default storage for the test."""
    bucket = _new_bucket(s3_server)
    with override_settings(STORAGES=bucket.storages()):
        yield bucket


@pytest.fixture
def another_s3_bucket(s3_server: S3Server) -> S3Bucket:
    """A second new, empty bucket, not in use until a test points ``STORAGES`` at it
    (``override_settings(STORAGES=bucket.storages())``): a new deployment's storage."""
    return _new_bucket(s3_server)
