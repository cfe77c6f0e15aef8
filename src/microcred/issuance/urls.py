from django.urls import path

from microcred.issuance import views

app_name = "issuance"
urlpatterns = [
    path("me/credentials/", views.my_credentials, name="mine"),
    path("credentials/<uuid:public_id>/", views.credential_page, name="credential"),
    path("credentials/<uuid:public_id>.json", views.credential_json, name="credential_json"),
    path(".well-known/did.json", views.did_document, name="did_document"),
]
