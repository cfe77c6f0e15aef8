from django.urls import path

from microcred.assessment import views

app_name = "assessment"
urlpatterns = [
    path("assess/", views.queue, name="queue"),
    path("assess/<uuid:public_id>/", views.score, name="score"),
    path("assess/<uuid:public_id>/claim/", views.claim, name="claim"),
    path("assess/<uuid:public_id>/release/", views.release, name="release"),
    path("assess/<uuid:public_id>/return/", views.return_incomplete, name="return"),
    path("assess/calibration/<slug:slug>/", views.calibration, name="calibration"),
    path("assess/admin/<slug:org_slug>/", views.admin_overview, name="admin"),
    # An attempt's evidence files (for whoever may open them) and its appeal.
    path("attempts/<uuid:public_id>/evidence/<int:prompt_id>/", views.evidence_file,
         name="evidence"),
    path("evidence/<str:token>/", views.evidence_signed, name="evidence_signed"),
    path("attempts/<uuid:public_id>/appeal/", views.appeal, name="appeal"),
]
