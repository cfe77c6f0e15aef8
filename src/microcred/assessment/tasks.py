from __future__ import annotations

from django.tasks import task


@task()
def assignments_sweep_task() -> str:
    """The sweep as a task, for deployments that schedule tasks rather than cron."""
    from microcred.assessment.services import assignments_sweep

    report = assignments_sweep()
    return f"reminded {report.reminded}, expired {report.expired}, reassigned {report.reassigned}"
