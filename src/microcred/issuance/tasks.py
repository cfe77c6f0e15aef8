from __future__ import annotations

from django.tasks import task


@task()
def credential_issue(credential_id: int) -> str:
    """Sign and store one credential. Safe to run twice: an issued credential is left alone."""
    from microcred.issuance.services import credential_sign

    return credential_sign(credential_id=credential_id).status


@task()
def status_list_publish_task(status_list_id: int) -> int:
    """Re-sign one status list credential after a change. Safe to run twice."""
    from microcred.issuance.status_lists import status_list_publish

    return status_list_publish(status_list_id=status_list_id).signed_version
