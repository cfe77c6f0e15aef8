"""Which version of a micro-credential a name means, and what carries over to a new version.

A slug names a lineage (every version of one micro-credential). Pages and commands that take a
slug mean the live version: the published one, else (once retired) the last published one,
else the newest draft.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When
from django.dispatch import Signal

from microcred.catalog.models import MicroCredential

__all__ = ["current_version", "version_published"]

#: Sent inside the publishing transaction when a version replaces an earlier published one,
#: with ``micro_credential`` (the new version) and ``previous``. Apps that keep settings per
#: version (assessor pools, attempt limits, validity) copy them forward, so publishing a
#: correction does not silently empty a pool.
version_published = Signal()

_PREFERENCE = Case(
    When(status=MicroCredential.Status.PUBLISHED, then=Value(0)),
    When(status=MicroCredential.Status.RETIRED, then=Value(1)),
    When(status=MicroCredential.Status.SUPERSEDED, then=Value(2)),
    default=Value(3), output_field=IntegerField(),
)


def current_version(slug: str) -> MicroCredential | None:
    return (MicroCredential.objects.filter(slug=slug).select_related("organization")
            .annotate(preference=_PREFERENCE).order_by("preference", "-version").first())
