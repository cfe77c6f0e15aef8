"""The interoperability corpus through two independent verifiers, beside microcred (issue 24).

tests/vc/js/corpus.mjs runs every corpus credential through the Digital Credentials Consortium's
verifier-core (``@digitalcredentials/verifier-core``, what the Learner Credential Wallet and
VerifierPlus use) and Digital Bazaar's ``@digitalbazaar/vc`` with the Data Integrity cryptosuites
(eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019) and the Ed25519Signature2020
and Ed25519Signature2018 suites. Both run offline: contexts are microcred's bundled ones plus the
entry's own, did:key is resolved locally, and anything else (a did:web, an https key) is "could
not be checked".

Wherever microcred and the other verifier both give a definite answer on authenticity (passed or
failed), they must agree, unless the entry's ``disagreements`` in tests/vc/corpus/manifest.json
explains why not. The harness is installed with npm into a temporary folder (corpus.package.json
beside it, pinned), never shipped; without node and npm, or without the corpus, this is skipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.vc.npm_folder import described, installed
from tests.vc.test_corpus import CORPUS, ENTRIES, MANIFEST_PATH, by_entry, needs_corpus

NODE = shutil.which("node")
NPM = shutil.which("npm")
VERIFIERS = ("dcc", "digitalbazaar")

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(
        NODE is None or NPM is None,
        reason="the corpus comparison with the JavaScript verifiers needs node and npm on PATH "
        f"(node: {NODE or 'missing'}, npm: {NPM or 'missing'})",
    ),
    needs_corpus,
]

CONTEXTS = Path(str(resources.files("microcred.vc") / "contexts" / "manifest.json"))
NPM_TIMEOUT = 300
RUN_TIMEOUT = 600


@pytest.fixture(scope="session")
def corpus_js(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding corpus.mjs with its pinned npm dependencies installed."""
    return installed(tmp_path_factory.mktemp("corpus-js"), package="corpus.package.json",
                     script="corpus.mjs", timeout=NPM_TIMEOUT)


@pytest.fixture(scope="session")
def others(corpus_js: Path) -> dict[str, dict[str, Any]]:
    """{entry id: {"dcc": {authentic, reason}, "digitalbazaar": {authentic, reason}}}."""
    assert NODE is not None
    proc = subprocess.run(
        [NODE, "corpus.mjs", "--manifest", str(CONTEXTS), "--corpus", str(CORPUS),
         "--entries", str(MANIFEST_PATH)],
        cwd=corpus_js, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )
    assert proc.returncode == 0, described(proc)
    entries: dict[str, dict[str, Any]] = json.loads(proc.stdout)["entries"]
    return entries


@by_entry
def test_microcred_agrees_with_dcc_and_digital_bazaar(
    entry: dict[str, Any], others: dict[str, dict[str, Any]]
) -> None:
    results = others[entry["id"]]
    ours = entry["expected"]["authentic"]
    for verifier in VERIFIERS:
        theirs = results[verifier]["authentic"]
        assert theirs in {"passed", "failed", "unknown"}, results
        if "unknown" in (ours, theirs):
            continue
        if verifier in entry.get("disagreements", {}):
            assert theirs != ours, (
                f"{verifier} now agrees with microcred on {entry['id']}: drop its "
                "'disagreements' note from the manifest"
            )
            continue
        assert theirs == ours, (
            f"microcred says authentic={ours}, {verifier} says {theirs}: "
            f"{results[verifier]['reason']}"
        )


def test_digital_bazaar_answers_for_every_credential_microcred_authenticates(
    others: dict[str, dict[str, Any]]
) -> None:
    """The harness really verifies: every JSON-LD credential microcred finds authentic (all
    did:key issuers) gets a definite answer from Digital Bazaar's stack, not a loader error."""
    authentic = [e for e in ENTRIES if e["format"] == "json"
                 and e["expected"]["authentic"] == "passed"]
    assert authentic
    unanswered = {e["id"]: others[e["id"]]["digitalbazaar"]["reason"] for e in authentic
                  if others[e["id"]]["digitalbazaar"]["authentic"] == "unknown"}
    assert not unanswered, unanswered
