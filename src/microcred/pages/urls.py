"""The site's own pages. They keep the URL names they had before they moved here: the root
URLconf mounts ``site_urlpatterns`` in the ``web`` namespace (web:home, web:styleguide) and
``legal_urlpatterns`` in the ``api`` namespace (api:terms, api:privacy, the pages the OB 3.0
Service Description Document links to)."""

from django.urls import path

from microcred.pages import views

site_urlpatterns = [
    path("", views.home, name="home"),
    path("styleguide/", views.styleguide, name="styleguide"),
]

legal_urlpatterns = [
    path("legal/terms/", views.terms, name="terms"),
    path("legal/privacy/", views.privacy, name="privacy"),
]
