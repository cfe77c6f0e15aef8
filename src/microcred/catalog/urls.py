from django.urls import path

from microcred.catalog import authoring_views, views

app_name = "catalog"
urlpatterns = [
    path("catalog/", views.catalog, name="list"),
    path("catalog/<slug:slug>/", views.detail, name="detail"),
    path("author/", authoring_views.author_home, name="author_home"),
    path("author/new/", authoring_views.author_create, name="author_create"),
    path("author/<uuid:public_id>/", authoring_views.author_detail, name="author_detail"),
    path("author/<uuid:public_id>/publish/", authoring_views.author_publish,
         name="author_publish"),
    path("author/<uuid:public_id>/translate/<str:language>/", authoring_views.author_translate,
         name="author_translate"),
]
