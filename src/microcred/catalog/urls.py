from django.urls import path

import microcred.catalog.stack_views as stack_views
from microcred.catalog import authoring_views, export_views, views

app_name = "catalog"
urlpatterns = [
    path("catalog/", views.catalog, name="list"),
    path("catalog/<slug:slug>/achievement.json", export_views.achievement_json, name="achievement"),
    path("catalog/<slug:slug>/v<int:version>/badge", views.badge, name="badge"),
    path("author/", authoring_views.author_home, name="author_home"),
    path("author/new/", authoring_views.author_create, name="author_create"),
    path("author/<uuid:public_id>/", authoring_views.author_detail, name="author_detail"),
    path("author/<uuid:public_id>/edit/", authoring_views.author_edit, name="author_edit"),
    path("author/<uuid:public_id>/preview/", authoring_views.author_preview,
         name="author_preview"),
    path("author/<uuid:public_id>/badge/", authoring_views.author_badge, name="author_badge"),
    path("author/<uuid:public_id>/badge/set/", authoring_views.author_badge_set,
         name="author_badge_set"),
    path("author/<uuid:public_id>/submit/", authoring_views.author_submit,
         name="author_submit"),
    path("author/<uuid:public_id>/return/", authoring_views.author_return,
         name="author_return"),
    path("author/<uuid:public_id>/publish/", authoring_views.author_publish,
         name="author_publish"),
    path("author/<uuid:public_id>/retire/", authoring_views.author_retire,
         name="author_retire"),
    path("author/<uuid:public_id>/new-version/", authoring_views.author_new_version,
         name="author_new_version"),
    path("author/<uuid:public_id>/translate/<str:language>/", authoring_views.author_translate,
         name="author_translate"),
    path("stacks/", stack_views.stack_list, name="stack_list"),
    path("stacks/<slug:slug>/", stack_views.stack_detail, name="stack_detail"),
    path("stacks/<slug:slug>/badge.png", stack_views.stack_badge, name="stack_badge"),
    path("author/stacks/", stack_views.stack_author_home, name="stack_author_home"),
    path("author/stacks/new/", stack_views.stack_author_create, name="stack_author_create"),
    path("author/stacks/<uuid:public_id>/publish/", stack_views.stack_author_publish,
         name="stack_author_publish"),
    path("author/stacks/<uuid:public_id>/retire/", stack_views.stack_author_retire,
         name="stack_author_retire"),
]
