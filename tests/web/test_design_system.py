"""The shared page frame and the style guide."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import World, user

pytestmark = pytest.mark.django_db


def test_the_style_guide_is_for_staff_only() -> None:
    url = reverse("pages:styleguide")
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("accounts:sign_in") in anonymous["Location"]
    client = Client()
    client.force_login(user())
    assert client.get(url).status_code == 403
    staff = user()
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    html = client.get(url + "?toast=1").content.decode()
    for component in ("<form", "badge status-passed",
                      "<progress", "empty-state", "credential-card", "toast success",
                      "table-scroll", "<details"):
        assert component in html, component
    # The form shows its inline errors when submitted empty.
    html = client.post(url, {}).content.decode()
    assert 'id="error-summary"' in html and 'aria-invalid="true"' in html


def test_every_page_has_the_frame_landmarks_and_the_roles(world: World) -> None:
    client = Client()
    client.force_login(world.assessor)
    html = client.get(reverse("catalog:list")).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main" tabindex="-1">' in html
    assert '<nav aria-label="Main">' in html and '<details class="menu">' in html
    assert '<span class="badge badge-role">Assessor</span>' in html
    assert 'aria-current="page"' in html
    assert 'role="status" aria-live="polite"' in html  # where messages are announced
    assert 'action="/accounts/language/"' in html  # the switcher, a plain form


def test_no_asset_comes_from_elsewhere() -> None:
    """Stylesheets, scripts and images are ours: nothing render-blocking from a CDN."""
    import re

    html = Client().get(reverse("pages:home")).content.decode()
    assets = re.findall(r'<(?:link|script|img)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
