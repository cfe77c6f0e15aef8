"""The credential core's verifier as this platform runs it.

The platform answers for its own did:web document (``identity.platform_documents``) and its own
status lists (``status_lists.platform_status_list``) from the database, so its credentials
verify without the network and its pages show revoked, suspended and expired as they are.
Other issuers' did:web documents and status lists are fetched only when the deployment allows
it (``VERIFIER_ALLOW_NETWORK``, through the core's guarded fetcher, never to private addresses
unless ``VERIFIER_ALLOW_PRIVATE_ADDRESSES``); otherwise their checks are reported as unknown,
never as passed.

Issuance verifies with these options where its own pages need a report (the public credential
page, a learner proving their DID); ``verification``, the home of what a verified credential
means about its issuer, verifies with the same options.
"""

from __future__ import annotations

from django.conf import settings

from microcred.issuance.identity import platform_documents
from microcred.issuance.status_lists import platform_status_list
from microcred.vc.verifier import VerifyOptions

__all__ = ["verify_options"]


def verify_options() -> VerifyOptions:
    return VerifyOptions(
        resolver=platform_documents, status_list_source=platform_status_list,
        allow_network=settings.VERIFIER_ALLOW_NETWORK,
        allow_private_addresses=settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES,
    )
