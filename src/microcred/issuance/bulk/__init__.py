"""Bulk issuance: one micro-credential awarded to every row of a CSV file (docs/bulk-issuance.md).

Two phases: the whole file is read and validated first (``parse``), and nothing is issued from
a file with a problem; then a job (``service``) issues every row in chunks (``run``), signing in
worker processes (``signer``). The pages (``views``) start a job from an upload and show its
progress; the command line (``command``: ``microcred credentials issue-bulk``) runs one in the
foreground with a progress bar, or resumes it.

The public API is re-exported here.
"""

from microcred.issuance.bulk.parse import COLUMNS, MAX_ROWS, CsvProblem, bulk_csv_validate
from microcred.issuance.bulk.run import CHUNK_SIZE, BulkProgress, bulk_issuance_run
from microcred.issuance.bulk.service import (
    bulk_issuance_create,
    bulk_issuance_get,
    bulk_issuance_resumable,
    bulk_issuance_start,
    bulk_issuance_sweep,
)

__all__ = [
    "CHUNK_SIZE",
    "COLUMNS",
    "MAX_ROWS",
    "BulkProgress",
    "CsvProblem",
    "bulk_csv_validate",
    "bulk_issuance_create",
    "bulk_issuance_get",
    "bulk_issuance_resumable",
    "bulk_issuance_run",
    "bulk_issuance_start",
    "bulk_issuance_sweep",
]
