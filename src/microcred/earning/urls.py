from django.urls import path

from microcred.earning import views

app_name = "earning"
urlpatterns = [
    path("catalog/<slug:slug>/start/", views.start, name="start"),
    path("attempts/<uuid:public_id>/", views.attempt_page, name="attempt"),
    path("attempts/<uuid:public_id>/autosave/", views.autosave, name="autosave"),
    path("attempts/<uuid:public_id>/evidence/<int:prompt_id>/", views.evidence_file,
         name="evidence"),
    path("evidence/<str:token>/", views.evidence_signed, name="evidence_signed"),
    path("attempts/<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("attempts/<uuid:public_id>/appeal/", views.appeal, name="appeal"),
    path("me/learning/", views.my_learning, name="my_learning"),
]
