"""The URL root: each app's pages under its own namespace."""

from django.urls import include, path

from microcred.api import urls as api_urls

urlpatterns = [
    path("", include("microcred.pages.urls")),
    path("", include("microcred.web.urls")),
    path("", include("microcred.ops.urls")),
    path("accounts/", include("microcred.accounts.urls")),
    path("", include("microcred.catalog.urls")),
    path("", include("microcred.learner.urls")),
    path("", include("microcred.earning.urls")),
    path("", include("microcred.assessment.urls")),
    path("", include("microcred.notifications.urls")),
    path("", include("microcred.api.urls")),
    *api_urls.oauth_urlpatterns,
    path("", include("microcred.issuance.urls")),
    path("", include("microcred.verification.urls")),
]

handler400 = "microcred.web.errors.bad_request"
handler403 = "microcred.web.errors.permission_denied"
handler404 = "microcred.web.errors.page_not_found"
handler500 = "microcred.web.errors.server_error"
