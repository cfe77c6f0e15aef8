from django.urls import path

from microcred.verification import views

app_name = "verification"
urlpatterns = [path("verify/", views.verify, name="verify")]
