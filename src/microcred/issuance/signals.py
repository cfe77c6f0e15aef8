"""What issuance tells, or asks, the apps above it (their ``receivers.py`` answer)."""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["check_worded"]

#: Sent with a verifier ``check`` (``microcred.vc.verifier.Check``) to have its sentence in the
#: reader's language, as plain text; ``verification``, which words the verifier's sentences,
#: answers. Without an answer the core's English sentence is used. A learner proving their DID
#: is told in it why the presentation does not prove it (``did_auth``).
check_worded = Signal()
