"""The public catalog: browse, filter and search what is published, and each version's badge.
Each micro-credential's page, with the learner's place in earning it, is a learner page
(``microcred.learner.views.micro_credential``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from microcred.catalog.badges import badge_image_bytes
from microcred.catalog.models import MicroCredential
from microcred.catalog.search import suggestion
from microcred.catalog.selectors import (
    FEE_FREE,
    FEE_PAID,
    FEE_SPONSOR,
    CatalogFacets,
    CatalogFilters,
    catalog_facets,
    catalog_search,
)
from microcred.errors import NotFound

PER_PAGE = 20
# The order of the parameters in every catalog URL we write (canonical and page links).
PARAMS = ("q", "topic", "issuer", "stack", "audience", "language", "fee")


class CatalogFilterForm(forms.Form):
    """The filters, read from GET. A value that is not offered is ignored, never an error."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    issuer = forms.ChoiceField(label=_("Issuer"), required=False)
    stack = forms.ChoiceField(label=_("Stack"), required=False)
    audience = forms.ChoiceField(label=_("Audience"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    fee = forms.ChoiceField(label=_("Fee"), required=False, choices=[
        ("", _("Any")), (FEE_FREE, _("Free")), (FEE_SPONSOR, _("Fee a sponsor can cover")),
        (FEE_PAID, _("Fee paid by the learner"))])

    def __init__(self, data: QueryDict, facets: CatalogFacets) -> None:
        super().__init__(data)
        anything = [("", _("Any"))]
        fields: Any = self.fields
        fields["topic"].choices = anything + [(t, t) for t in facets.topics]
        fields["issuer"].choices = anything + facets.issuers
        fields["stack"].choices = anything + facets.stacks
        fields["audience"].choices = anything + list(MicroCredential.Audience.choices)
        fields["language"].choices = anything + list(settings.LANGUAGES)

    def choices(self) -> list[dict[str, Any]]:
        """Each filter with its options and which one is chosen, ready to render (a select
        per filter; computed here once rather than per option in the template)."""
        filters = self.filters()
        fields: Any = self.fields
        return [{"name": name, "id": f"catalog-{name}", "label": fields[name].label,
                 "options": [(str(value), label, str(value) == getattr(filters, name))
                             for value, label in fields[name].choices]}
                for name in PARAMS if name != "q"]

    def filters(self) -> CatalogFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return CatalogFilters(**{name: (data.get(name) or "").strip() for name in PARAMS})


def _url(filters: CatalogFilters, page: int = 1, **changes: str) -> str:
    """The catalog URL of these filters and page: parameters in one order, empty ones left
    out, page 1 without ``page``, so each list of results has exactly one address."""
    values = {**vars(filters), **changes}
    query = QueryDict(mutable=True)
    for name in PARAMS:
        if values.get(name):
            query[name] = values[name]
    if page > 1:
        query["page"] = str(page)
    encoded = query.urlencode()
    path = reverse("catalog:list")
    return f"{path}?{encoded}" if encoded else path


def _page_links(page: Page[Any], filters: CatalogFilters) -> list[dict[str, Any]]:
    """Numbered links around the current page, with the first and last always there."""
    last = page.paginator.num_pages
    shown = sorted({1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)})
    links: list[dict[str, Any]] = []
    previous = 0
    for n in shown:
        if n - previous > 1:
            links.append({"gap": True})
        links.append({"number": n, "url": _url(filters, n),
                      "current": n == page.number})
        previous = n
    return links


def catalog(request: HttpRequest) -> HttpResponse:
    facets = catalog_facets()
    form = CatalogFilterForm(request.GET, facets)
    filters = form.filters()
    page = Paginator(catalog_search(filters=filters), PER_PAGE).get_page(
        request.GET.get("page"))
    suggested = suggestion(filters.q) if filters.q and not page.paginator.count else None
    context = {
        "filter_fields": form.choices(), "filters": filters, "page": page,
        "micro_credentials": page.object_list,
        "page_links": _page_links(page, filters) if page.paginator.num_pages > 1 else [],
        "previous_url": _url(filters, page.number - 1) if page.has_previous() else None,
        "next_url": _url(filters, page.number + 1) if page.has_next() else None,
        "canonical_url": request.build_absolute_uri(_url(filters, page.number)),
        "suggested": suggested,
        "suggested_url": _url(filters, q=suggested) if suggested else None,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        response = render(request, "catalog/_results.html", {**context, "oob": True})
        # The address bar shows the same canonical URL a full page load would have.
        response["HX-Push-Url"] = _url(filters, page.number)
    else:
        response = render(request, "catalog/list.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


#: Versions are small numbers; a larger one in an address names nothing (and would overflow
#: the database's integer).
_MAX_VERSION = 2**31 - 1


def badge(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    """The badge an author uploaded for a published (or retired) version, exactly as stored
    (cleaned on upload by ``catalog.badges``). Drafts show theirs to their authors only, at
    ``author_badge``. Served as an image and nothing more: a sandboxing CSP, no sniffing."""
    mc = None
    if version <= _MAX_VERSION:
        mc = MicroCredential.objects.filter(slug=slug, version=version).first()
    if mc is None or not mc.is_frozen or not mc.badge_image:
        raise NotFound(str(_("No badge here.")))
    response = badge_response(mc, cache="public, max-age=86400")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def badge_response(mc: MicroCredential, *, cache: str) -> HttpResponse:
    """``mc``'s badge as an image and nothing more: even a cleaned SVG gets a sandboxing CSP
    (no script, no loads, no framing) and no content sniffing."""
    body, media_type = badge_image_bytes(mc)
    response = HttpResponse(body, content_type=media_type)
    response["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                           "sandbox")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response
