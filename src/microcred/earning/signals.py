"""What earning tells the apps above it; they receive in their ``receivers.py``, connected in
their ``AppConfig.ready()`` (earning imports no higher app).

Both are sent inside the service's transaction, right after the attempt's transition, with
``attempt`` (locked) and ``actor``: a receiver's writes commit or roll back with the
transition, and an exception it raises undoes the whole service call.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["attempt_submitted", "attempt_withdrawn"]

#: The learner submitted (or resubmitted returned work). Assessment sets the decision deadline
#: on ``attempt`` (the same instance: the sender reads it afterwards) and opens the review.
attempt_submitted = Signal()

#: The learner withdrew the attempt. Assessment cancels its open reviews.
attempt_withdrawn = Signal()
