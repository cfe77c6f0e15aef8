"""Rate limits on the endpoints people and scripts can hammer: sign-in, sign-up, password reset,
public verification and the Open Badges 3.0 API.

Counted per client address with django-ratelimit in the ``throttle`` cache
(``RATELIMIT_USE_CACHE``), which every worker process shares: Redis when ``REDIS_URL`` is set,
otherwise Django's database cache (a table ``microcred migrate`` creates). The limits
are ``settings.RATE_LIMITS``. One middleware applies them by URL name, so a view cannot forget
its limit and none of them needs a decorator. Over the limit the answer is 429 Too Many Requests
(RFC 6585 §4) with ``Retry-After`` (RFC 9110 §10.2.3), in the platform's error shape: the HTML
page or ``{"error": ...}`` JSON, and ``Imsx_StatusInfo`` on the OB 3.0 API paths.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from microcred.web.errors import error_response, json_error
from microcred.web.imsx import error_response as imsx_error

__all__ = ["RateLimitMiddleware", "RULES", "client_ip"]

POST = ("POST",)


@dataclass(frozen=True)
class Rule:
    """``name`` is the key in ``settings.RATE_LIMITS``; ``views`` the URL names it covers."""

    name: str
    views: frozenset[str]
    methods: tuple[str, ...] | None = POST  # None: every method
    api: bool = False  # answers in JSON whatever the Accept header says


RULES: tuple[Rule, ...] = (
    Rule("sign_in", frozenset({"accounts:sign_in", "accounts:two_factor_sign_in"})),
    Rule("sign_up", frozenset({"accounts:sign_up"})),
    Rule("password_reset", frozenset({"accounts:password_reset"})),
    Rule("verify", frozenset({"verification:verify"})),
    Rule("verify", frozenset({"api:vc_verify", "api:vp_verify"}), api=True),
    Rule("api", frozenset({"api:discovery", "api:credentials", "api:profile", "api:vc_issue",
                           "oauth2_provider:token", "oauth2_provider:dcr-register",
                           "oauth2_provider:revoke-token",
                           "oauth2_provider:introspect"}), methods=None, api=True),
)
_BY_VIEW = {view: rule for rule in RULES for view in rule.views}
_OB_API = frozenset({"api:discovery", "api:credentials", "api:profile"})


def client_ip(request: HttpRequest) -> str:
    """The client address from ``settings.CLIENT_IP_HEADER`` (a proxy's X-Forwarded-For).

    The last entry is the address the trusted proxy itself saw; earlier entries are whatever the
    client claimed and could be forged to dodge the limit.
    """
    header = settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    if not header.startswith("HTTP_") and header not in request.META:
        header = "HTTP_" + header
    value = request.META.get(header, "")
    return value.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")


def _too_many(request: HttpRequest, rule: Rule, view_name: str, retry_after: int) -> HttpResponse:
    minutes = max(1, math.ceil(retry_after / 60))
    message = ngettext(
        "Too many requests. Try again in %(minutes)d minute.",
        "Too many requests. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    response: HttpResponse
    if view_name in _OB_API:
        response = imsx_error(message, status=429, minor="server_busy")
    elif rule.api:
        response = json_error("rate_limited", message, 429)
    else:
        response = error_response(request, code="rate_limited", message=message, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        rule = _BY_VIEW.get(match.view_name) if match is not None else None
        if rule is None or match is None:
            return None
        rate = settings.RATE_LIMITS.get(rule.name)
        if not rate:
            return None
        usage = get_usage(request, group=f"microcred.{rule.name}", key="ip", rate=rate,
                          method=list(rule.methods) if rule.methods else ALL, increment=True)
        if usage is None or not usage["should_limit"]:
            return None
        return _too_many(request, rule, match.view_name, max(1, int(usage["time_left"])))

