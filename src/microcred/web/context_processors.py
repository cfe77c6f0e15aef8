from __future__ import annotations

from typing import Any

from django.http import HttpRequest

SITE_NAME = "microcred"  # a product name: the same in every language


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site_name": SITE_NAME}
