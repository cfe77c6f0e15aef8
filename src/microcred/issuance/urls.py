from django.urls import path

from microcred.issuance import views
from microcred.issuance.bulk import views as bulk_views

app_name = "issuance"
urlpatterns = [
    path("me/transcripts/<slug:org_slug>.json", views.transcript, name="transcript"),
    path("me/profile/", views.learner_profile_edit, name="profile_edit"),
    path("me/profile/did-proof", views.did_proof_submit, name="did_prove"),
    path("people/<slug:handle>/", views.learner_profile_page, name="profile"),
    path("credentials/<uuid:public_id>/", views.credential_page, name="credential"),
    path("credentials/<uuid:public_id>.json", views.credential_json, name="credential_json"),
    path("credentials/<uuid:public_id>.png", views.credential_png, name="credential_png"),
    path("credentials/<uuid:public_id>.svg", views.credential_svg, name="credential_svg"),
    path("credentials/<uuid:public_id>.pdf", views.credential_pdf, name="credential_pdf"),
    path("credentials/<uuid:public_id>/sharing", views.credential_sharing, name="sharing"),
    path("credentials/<uuid:public_id>/evidence/<int:position>", views.credential_evidence,
         name="evidence"),
    path("credentials/<uuid:public_id>/<str:action>", views.admin_credential_action,
         name="admin_action"),
    path("badges/<slug:slug>.png", views.badge_image, name="badge_image"),
    path("badges/<slug:slug>/v<int:version>.png", views.badge_image,
         name="badge_image_version"),
    path("badges/<slug:slug>/v<int:version>.svg", views.badge_image, {"kind": "svg"},
         name="badge_svg_version"),
    path("status/<uuid:public_id>", views.status_list, name="status_list"),
    path("manage/credentials/", views.admin_credentials, name="admin_credentials"),
    path("manage/credentials/bulk/", bulk_views.bulk_new, name="bulk_new"),
    path("manage/credentials/bulk/<uuid:public_id>/", bulk_views.bulk_job, name="bulk_job"),
    path("manage/credentials/bulk/<uuid:public_id>/progress", bulk_views.bulk_job_progress,
         name="bulk_job_progress"),
    path("manage/orgs/<slug:slug>/rotate-key", views.admin_key_rotate, name="rotate_key"),
    path(".well-known/did.json", views.did_document, name="did_document"),
]
