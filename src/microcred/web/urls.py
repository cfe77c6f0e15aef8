from django.urls import path

from microcred.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("styleguide/", views.styleguide, name="styleguide"),
    path("healthz", views.healthz, name="healthz"),
]
