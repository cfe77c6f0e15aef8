"""``microcred.vc`` is a plain library: it imports and works with Django absent."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import microcred.vc

SCRIPT = """
import importlib, sys

class NoDjango:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError("Django is not installed (blocked for this test)")
        return None

sys.meta_path.insert(0, NoDjango())
for name in {modules!r}:
    importlib.import_module(name)
from microcred.vc.keys import Ed25519Multikey
from microcred.vc.data_integrity import sign
from microcred.vc.verifier import verify
key = Ed25519Multikey.generate()
credential = {{
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:4f1c2b3a-0000-4000-8000-000000000001",
    "type": ["VerifiableCredential"],
    "issuer": key.did,
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {{"id": "did:example:someone"}},
}}
verify(sign(credential, key=key))
assert not any(m == "django" or m.startswith("django.") for m in sys.modules), "django imported"
print("ok")
"""


def test_the_credential_core_imports_and_runs_without_django():
    modules = [info.name for info in pkgutil.walk_packages(microcred.vc.__path__, "microcred.vc.")]
    assert "microcred.vc.verifier" in modules and "microcred.vc.cli" in modules
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(modules=modules)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
