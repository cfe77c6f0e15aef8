from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from microcred.catalog.selectors import (
    catalog_list,
    micro_credential_get_published,
)
from microcred.earning.selectors import attempt_latest


def catalog(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/list.html", {"micro_credentials": catalog_list()})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    mc = micro_credential_get_published(slug=slug)
    return render(request, "catalog/detail.html", {
        "mc": mc, "attempt": attempt_latest(learner=request.user, micro_credential=mc),
    })
