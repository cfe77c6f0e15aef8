"""The issuance tasks, the one hub of lazy imports: the modules that enqueue these tasks import
this one at their top, so this one imports them inside each task (``# local: the tasks hub``).

A queued task is stored by its dotted path (``microcred.issuance.tasks.<name>``): renaming one
strands the tasks already queued.
"""

from __future__ import annotations

from django.tasks import task

from microcred.notifications.services import notification_send_email


@task()
def credential_issue(credential_id: int) -> str:
    """Sign and store one credential. Safe to run twice: an issued credential is left alone."""
    from microcred.issuance.services import credential_sign  # local: the tasks hub

    return credential_sign(credential_id=credential_id).status


@task()
def status_list_publish_task(status_list_id: int) -> int:
    """Re-sign one status list credential after a change. Safe to run twice."""
    from microcred.issuance.status_lists import status_list_publish  # local: the tasks hub

    return status_list_publish(status_list_id=status_list_id).signed_version


@task()
def bulk_issuance_task(job_id: int) -> int:
    """Run (or resume) a bulk issuance job; returns how many credentials it has issued."""
    from microcred.issuance.bulk.run import bulk_issuance_run  # local: the tasks hub

    return bulk_issuance_run(job_id=job_id).issued_count


@task()
def bulk_issuance_emails(notification_ids: list[int]) -> int:
    """Email one bulk issuance chunk's learners: one task per chunk rather than one per
    credential. Each email is sent once (``notification_send_email`` is idempotent)."""
    return sum(notification_send_email(notification_id=pk) for pk in notification_ids)
