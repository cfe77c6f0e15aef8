"""The URL root. Pages that moved up a layer keep the names they always had: the root mounts
them in their old namespaces (the home page and style guide in ``web``, the legal pages in
``api``, the data download and account deletion in ``accounts``)."""

from django.urls import include, path

from microcred.accounts import urls as accounts_urls
from microcred.api import urls as api_urls
from microcred.assessment import urls as assessment_urls
from microcred.earning import urls as earning_urls
from microcred.learner import urls as learner_urls

# The attempt's addresses form one namespace, "earning", as when they all lived in earning:
# the attempt page is now composed in learner, its evidence files and appeal are assessment's,
# and their names ("earning:attempt", "earning:appeal", ...) stay as they were published.
earning_namespace = ([*earning_urls.urlpatterns, *learner_urls.earning_urlpatterns,
                      *assessment_urls.earning_urlpatterns], "earning")
from microcred.ops import urls as ops_urls
from microcred.pages import urls as pages_urls
from microcred.web import urls as web_urls

urlpatterns = [
    path("", include(([*pages_urls.site_urlpatterns, *web_urls.urlpatterns], "web"))),
    path("accounts/", include(
        ([*accounts_urls.urlpatterns, *ops_urls.account_urlpatterns], "accounts"))),
    path("", include("microcred.catalog.urls")),
    path("", include(earning_namespace)),
    path("", include("microcred.assessment.urls")),
    path("", include("microcred.notifications.urls")),
    path("", include(([*api_urls.urlpatterns, *pages_urls.legal_urlpatterns], "api"))),
    *api_urls.oauth_urlpatterns,
    path("", include("microcred.issuance.urls")),
    path("", include("microcred.verification.urls")),
]

handler400 = "microcred.web.errors.bad_request"
handler403 = "microcred.web.errors.permission_denied"
handler404 = "microcred.web.errors.page_not_found"
handler500 = "microcred.web.errors.server_error"
