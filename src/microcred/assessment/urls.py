from django.urls import path

from microcred.assessment import views

app_name = "assessment"
urlpatterns = [
    path("assess/", views.queue, name="queue"),
    path("assess/<uuid:public_id>/", views.score, name="score"),
]
