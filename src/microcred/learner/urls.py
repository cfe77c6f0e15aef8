from django.urls import path

from microcred.learner import attempt_views, views

app_name = "learner"
urlpatterns = [
    path("catalog/<slug:slug>/", views.micro_credential, name="micro_credential"),
    path("pathways/<slug:slug>/", views.pathway, name="pathway"),
    path("attempts/<uuid:public_id>/", attempt_views.attempt_page, name="attempt"),
    path("me/credentials/", views.my_credentials, name="my_credentials"),
    path("me/credentials/import/", views.import_credential, name="import"),
]
