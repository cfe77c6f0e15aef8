from django.urls import path

from microcred.earning import views

app_name = "earning"
urlpatterns = [
    path("catalog/<slug:slug>/start/", views.start, name="start"),
    path("attempts/<uuid:public_id>/autosave/", views.autosave, name="autosave"),
    path("attempts/<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("me/learning/", views.my_learning, name="my_learning"),
]
