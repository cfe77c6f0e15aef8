"""Where the third-party credentials live: one folder beside the project (CI has ``../shared``),
or wherever ``$MICROCRED_INTEROP_CORPUS`` points. The repository carries only the manifests and
the tests; docs/interop.md says where every file comes from (repository, path, commit).

- ``<corpus>/<source>/...``: the corpus of tests/vc/corpus/manifest.json (test_corpus.py);
- ``<corpus>/interop-vectors/<source>/``: the suites' own vectors, each folder with a
  MANIFEST.json naming repository, path, commit and verdict (test_suites.py)."""

from __future__ import annotations

import os
from pathlib import Path

CORPUS_ENV = "MICROCRED_INTEROP_CORPUS"
DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "interop-corpus"
)
CORPUS = (
    Path(os.environ[CORPUS_ENV]).expanduser() if os.environ.get(CORPUS_ENV) else DEFAULT_CORPUS
)
VECTORS = CORPUS / "interop-vectors"
