from django.urls import include, path
from oauth2_provider import views as oauth_views

from microcred.api import oauth_server, views

app_name = "api"
urlpatterns = [
    path("ims/ob/v3p0/discovery", views.discovery, name="discovery"),
    path("ims/ob/v3p0/credentials", views.credentials, name="credentials"),
    path("ims/ob/v3p0/profile", views.profile, name="profile"),
    path("credentials/issue", views.vc_issue_view, name="vc_issue"),
    path("credentials/verify", views.vc_verify_credential, name="vc_verify"),
    path("credentials/status", views.vc_status_view, name="vc_status"),
    path("presentations/verify", views.vc_verify_presentation, name="vp_verify"),
]

# django-oauth-toolkit under /oauth/: only the views the OB 3.0 API uses (no device flow, no
# introspection, no OpenID Connect, no application or token management pages). The namespace
# stays "oauth2_provider": the toolkit reverses its names. Policy: microcred.api.oauth_server.
_oauth = ([
    path(".well-known/oauth-authorization-server", oauth_views.OAuthServerMetadataView.as_view(),
         name="oauth-server-metadata"),
    path("authorize/", oauth_server.AuthorizationView.as_view(), name="authorize"),
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("register/", oauth_server.ClientRegistrationView.as_view(), name="dcr-register"),
    path("register/<str:client_id>/", oauth_server.ClientConfigurationView.as_view(),
         name="dcr-register-management"),
], "oauth2_provider")
oauth_urlpatterns = [path("oauth/", include(_oauth, namespace="oauth2_provider"))]
