from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from microcred.catalog.selectors import catalog_list


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"micro_credentials": catalog_list()[:6]})
