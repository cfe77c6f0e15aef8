from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from microcred.catalog.models import (
    MicroCredential,
    MicroCredentialTranslation,
    Stack,
    StackMember,
)
from microcred.catalog.search import FtsResults, catalog_fingerprint, search_micro_credentials
from microcred.errors import NotFound
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import has_role

# Everything shown of a micro-credential, in every language, in four queries.
WITH_TEXT = ("translations", "prompts__translations", "criteria__translations")
# The whole public page: the text above plus parts and everything listed on it.
WITH_PAGE = (*WITH_TEXT, "parts__translations", "method_components", "citations", "resources",
             "alignments")

FEE_FREE, FEE_SPONSOR, FEE_PAID = "free", "sponsor", "paid"


def catalog_list() -> QuerySet[MicroCredential]:
    return MicroCredential.objects.filter(status=MicroCredential.Status.PUBLISHED).select_related(
        "organization"
    ).prefetch_related("translations")


def micro_credential_get_published(*, slug: str) -> MicroCredential:
    try:
        return catalog_list().prefetch_related(*WITH_TEXT).get(slug=slug)
    except MicroCredential.DoesNotExist:
        raise NotFound(_("No published micro-credential here.")) from None


@dataclass(frozen=True)
class CatalogFilters:
    """What a reader asked the catalog for; empty strings mean "any"."""

    q: str = ""
    topic: str = ""
    issuer: str = ""  # organization slug
    stack: str = ""  # stack slug
    audience: str = ""
    language: str = ""
    fee: str = ""  # FEE_FREE, FEE_SPONSOR or FEE_PAID

    @property
    def any(self) -> bool:
        return any(vars(self).values())


def catalog_search(*, filters: CatalogFilters) -> QuerySet[MicroCredential] | FtsResults:
    """The published micro-credentials matching ``filters``: by relevance when there is a
    query, else by title. One row per lineage (only one version is ever published)."""
    qs = catalog_list()
    filtered = any(value for name, value in vars(filters).items() if name != "q")
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    if filters.issuer:
        qs = qs.filter(organization__slug=filters.issuer)
    if filters.stack:
        # Any version of a member counts: stacks hold lineages. A stack has a handful of
        # members: read them first, so the database looks them up by index instead of
        # probing a subquery for every row in title order.
        lineages = list(StackMember.objects.filter(
            stack__slug=filters.stack, stack__status=Stack.Status.PUBLISHED,
        ).values_list("lineage", flat=True))
        qs = qs.filter(pk__in=list(MicroCredential.objects.filter(
            lineage__in=lineages, status=MicroCredential.Status.PUBLISHED,
        ).order_by().values_list("pk", flat=True)))
    if filters.audience:
        qs = qs.filter(audience=filters.audience)
    if filters.language:
        # Written in it (an index on status and language), or translated into it (the
        # translation rows, read first: few).
        translated = list(MicroCredentialTranslation.objects.filter(
            language=filters.language).values_list("micro_credential_id", flat=True))
        qs = qs.filter(Q(language=filters.language) | Q(pk__in=translated))
    if filters.fee == FEE_FREE:
        qs = qs.filter(fee=0)
    elif filters.fee == FEE_SPONSOR:
        qs = qs.filter(fee__gt=0, sponsor_can_cover=True)
    elif filters.fee == FEE_PAID:
        qs = qs.filter(fee__gt=0, sponsor_can_cover=False)
    if filters.q.strip():
        return search_micro_credentials(qs, filters.q, filtered=filtered)
    return qs.order_by("title", "id")


@dataclass(frozen=True)
class CatalogFacets:
    topics: list[str]
    issuers: list[tuple[str, str]]  # (slug, name)
    stacks: list[tuple[str, str]]  # (slug, title)


def catalog_facets() -> CatalogFacets:
    """The values the filters offer. Topics and issuers are cached until a micro-credential
    changes (one index lookup to know); stacks are a small table, read each time."""
    key = f"catalog:facets:{catalog_fingerprint()}"
    cached: tuple[list[str], list[tuple[str, str]]] | None = cache.get(key)
    if cached is None:
        published = MicroCredential.objects.filter(status=MicroCredential.Status.PUBLISHED)
        topics = list(published.exclude(topic="").order_by("topic").values_list(
            "topic", flat=True).distinct())
        issuers = list(Organization.objects.filter(
            pk__in=published.values("organization_id")).order_by("name").values_list(
            "slug", "name"))
        cached = (topics, issuers)
        cache.set(key, cached, timeout=24 * 3600)
    stacks = list(Stack.objects.filter(status=Stack.Status.PUBLISHED).order_by(
        "title").values_list("slug", "title"))
    return CatalogFacets(topics=cached[0], issuers=cached[1], stacks=stacks)


def catalog_entry(*, slug: str) -> MicroCredential:
    """The version of ``slug`` the public page shows: the published one, else (retired) the
    last one offered. Everything the page shows is prefetched."""
    Status = MicroCredential.Status
    mc = (MicroCredential.objects.filter(slug=slug, status__in=[Status.PUBLISHED,
                                                                Status.RETIRED])
          .select_related("organization").prefetch_related(*WITH_PAGE)
          .order_by(Case(When(status=Status.PUBLISHED, then=Value(0)), default=Value(1),
                         output_field=IntegerField()), "-version")
          .first())
    if mc is None:
        raise NotFound(_("No published micro-credential here."))
    return mc


def micro_credential_versions(*, mc: MicroCredential) -> list[MicroCredential]:
    """Every version of ``mc`` ever published, oldest first: issued credentials name them
    (``/catalog/<slug>/#achievement-v<n>``), so each keeps an anchor on the page."""
    Status = MicroCredential.Status
    return list(MicroCredential.objects.filter(
        lineage=mc.lineage, status__in=[Status.PUBLISHED, Status.SUPERSEDED, Status.RETIRED],
    ).order_by("version").only("pk", "version", "status", "published_at", "retired_at",
                                "lineage"))


def micro_credentials_authored_by(*, user: Any) -> QuerySet[MicroCredential]:
    """Everything, draft or published, in the organizations where ``user`` authors."""
    return MicroCredential.objects.filter(
        organization__memberships__user=user,
        organization__memberships__role__in=[Role.AUTHOR, Role.ADMIN],
    ).distinct().select_related("organization").prefetch_related("translations").order_by(
        "-created_at")


def stack_for_viewer(*, slug: str, viewer: Any) -> Stack:
    """The stack at ``slug`` as ``viewer`` may see it: published or retired, or a draft for
    its organization's authors (their preview). ``NotFound`` otherwise."""
    try:
        stack = Stack.objects.select_related("organization").get(slug=slug)
    except Stack.DoesNotExist:
        raise NotFound(_("No stack here.")) from None
    if stack.status == Stack.Status.DRAFT and not has_role(viewer, stack.organization,
                                                            Role.AUTHOR, Role.ADMIN):
        raise NotFound(_("No stack here."))
    return stack


@dataclass(frozen=True)
class CurrentMember:
    """A stack member and the version of it a learner earns now: the published one, else the
    version the stack was made with."""

    member: StackMember
    mc: MicroCredential


def stack_members_current(*, stack: Stack) -> list[CurrentMember]:
    """``stack``'s members by position, each with its current version."""
    members = list(stack.members.select_related("micro_credential").order_by("position"))
    published = {mc.lineage: mc for mc in MicroCredential.objects.filter(
        lineage__in=[m.lineage for m in members], status=MicroCredential.Status.PUBLISHED)}
    return [CurrentMember(member=m, mc=published.get(m.lineage, m.micro_credential))
            for m in members]
