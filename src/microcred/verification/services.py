from __future__ import annotations

from typing import Any

from microcred.issuance.identity import platform_documents

MAX_CREDENTIAL_BYTES = 2 * 1024 * 1024


def credential_verify(*, data: bytes | str) -> Any:
    """Verify any credential (ours or anyone's) and return the verifier's report.

    The platform answers for its own did:web without the network; other issuers' did:web
    documents are not fetched here (``allow_network=False``), so their issuer check is reported
    as it is, never hidden.
    """
    from microcred.vc.verifier import VerifyOptions, verify_report

    options = VerifyOptions(resolver=platform_documents, status_lists={}, now=None,
                            allow_network=False)
    return verify_report(data, options=options)
