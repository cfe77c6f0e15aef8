"""A micro-credential's Open Badges 3.0 Achievement as JSON: what its credentials certify,
readable before anyone earns one (``catalog.achievement``)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from microcred.catalog.achievement import achievement_for
from microcred.catalog.models import MicroCredential
from microcred.errors import NotFound

_FROZEN = (MicroCredential.Status.PUBLISHED, MicroCredential.Status.SUPERSEDED,
           MicroCredential.Status.RETIRED)


@require_GET
def achievement_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The published version's Achievement; ``?version=N`` an older (frozen) version's, the
    one its credentials name; ``?lang=xx`` a translation. Drafts are never served: their text
    may still change, and an Achievement id must always mean the same thing."""
    versions = MicroCredential.objects.select_related("organization").prefetch_related(
        "translations", "criteria__translations", "alignments")
    wanted = request.GET.get("version", "")
    if wanted:
        if not wanted.isdigit():
            raise NotFound(_("No such version."))
        versions = versions.filter(slug=slug, version=int(wanted), status__in=_FROZEN)
    else:
        versions = versions.filter(slug=slug, status=MicroCredential.Status.PUBLISHED)
    mc = versions.first()
    if mc is None:
        raise NotFound(_("No published micro-credential here."))
    achievement = achievement_for(mc, language=request.GET.get("lang") or None)
    ld = "application/ld+json" in request.headers.get("Accept", "")
    response = HttpResponse(
        json.dumps(achievement, ensure_ascii=False, indent=2),
        content_type="application/ld+json" if ld else "application/json")
    response["Vary"] = "Accept"
    response["Access-Control-Allow-Origin"] = "*"
    return response
