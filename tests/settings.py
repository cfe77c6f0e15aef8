"""Test settings: the real settings module, driven through its environment variables.

``MICROCRED_TEST_DATABASE=postgres`` runs against ``MICROCRED_TEST_POSTGRES_URL`` (``make test``
does that for the database tests); otherwise SQLite in a temporary directory.
"""

import os
import tempfile

_data_dir = tempfile.mkdtemp(prefix="microcred-test-")
os.environ["MICROCRED_DATA_DIR"] = _data_dir
os.environ.setdefault("MICROCRED_SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.pop("MICROCRED_PUBLIC_URL", None)
os.environ.pop("REDIS_URL", None)
# Tests never reach the internet: outside did:web documents and status lists are "unknown".
os.environ["MICROCRED_VERIFIER_NETWORK"] = "0"
if os.environ.get("MICROCRED_TEST_DATABASE") == "postgres":
    url = os.environ.get("MICROCRED_TEST_POSTGRES_URL")
    if not url:
        raise RuntimeError("MICROCRED_TEST_DATABASE=postgres needs MICROCRED_TEST_POSTGRES_URL")
    os.environ["DATABASE_URL"] = url
else:
    os.environ.pop("DATABASE_URL", None)

from microcred.settings import *  # noqa: E402,F403

# Tasks run as they are enqueued, inside the enqueuing transaction, like a worker that is
# always instantly there; tests of the real database worker override this.
# Tasks run as the worker would see them: after the enqueuing transaction commits, from JSON
# arguments (tests/tasks_backend.py).
TASKS = {"default": {"BACKEND": "tests.tasks_backend.AfterCommitBackend"}}
# Production hashes with Argon2 (microcred.settings; tests/accounts/test_services.py checks it
# with those settings). Here a fast hasher: Argon2's deliberate cost, paid for every user each
# test's World() creates, was most of the suite's time.
PRODUCTION_PASSWORD_HASHERS = PASSWORD_HASHERS  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Rate limits stay on (the middleware runs) but high enough for a whole test run from one address;
# tests/web/test_rate_limits.py lowers them where it tests them.
RATE_LIMITS = {name: "100000/m" for name in RATE_LIMITS}  # noqa: F405
