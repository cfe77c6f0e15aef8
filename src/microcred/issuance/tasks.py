from __future__ import annotations

from django.tasks import task


@task()
def credential_issue(credential_id: int) -> str:
    """Sign and store one credential. Safe to run twice: an issued credential is left alone."""
    from microcred.issuance.services import credential_sign

    return credential_sign(credential_id=credential_id).status
