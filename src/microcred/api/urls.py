from django.urls import include, path

from microcred.api import views

app_name = "api"
urlpatterns = [
    path("ims/ob/v3p0/discovery", views.discovery, name="discovery"),
    path("ims/ob/v3p0/credentials", views.credentials, name="credentials"),
    path("ims/ob/v3p0/profile", views.profile, name="profile"),
    path("credentials/issue", views.vc_issue_view, name="vc_issue"),
    path("credentials/verify", views.vc_verify_credential, name="vc_verify"),
    path("presentations/verify", views.vc_verify_presentation, name="vp_verify"),
    path("me/credentials/import/", views.import_credential, name="import"),
    path("legal/terms/", views.terms, name="terms"),
    path("legal/privacy/", views.privacy, name="privacy"),
]

# django-oauth-toolkit (authorize, token, revoke, RFC 7591 register) under /oauth/.
oauth_urlpatterns = [path("oauth/", include("oauth2_provider.urls", namespace="oauth2_provider"))]
