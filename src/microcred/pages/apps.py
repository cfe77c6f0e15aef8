from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The site's own pages: home, the style guide, the terms of use and the privacy notice;
    and the header's navigation, which names the person's roles across the apps (no models)."""

    name = "microcred.pages"
    label = "pages"
