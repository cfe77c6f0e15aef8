"""What assessment tells the apps above it; they receive in their ``receivers.py``, connected
in their ``AppConfig.ready()`` (assessment imports no higher app)."""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["attempt_passed"]

#: Sent inside the deciding transaction, right after the attempt became ``passed``, with
#: ``attempt`` and ``actor`` (who decided, or ``SYSTEM``). Issuance records the credential and
#: enqueues its signing in that same transaction, so the Pass and the credential's task row
#: commit together or not at all.
attempt_passed = Signal()
