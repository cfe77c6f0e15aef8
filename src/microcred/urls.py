from django.urls import include, path

from microcred.api import urls as api_urls
from microcred.assessment import urls as assessment_urls
from microcred.earning import urls as earning_urls
from microcred.learner import urls as learner_urls

# The attempt's addresses form one namespace, "earning", as when they all lived in earning:
# the attempt page is now composed in learner, its evidence files and appeal are assessment's,
# and their names ("earning:attempt", "earning:appeal", ...) stay as they were published.
earning_namespace = ([*earning_urls.urlpatterns, *learner_urls.earning_urlpatterns,
                      *assessment_urls.earning_urlpatterns], "earning")

urlpatterns = [
    path("", include("microcred.web.urls")),
    path("accounts/", include("microcred.accounts.urls")),
    path("", include("microcred.catalog.urls")),
    path("", include(earning_namespace)),
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
