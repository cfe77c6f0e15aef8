from django.urls import path

from microcred.web import views

# The home page and the style guide (web:home, web:styleguide) are microcred.pages': the root
# URLconf mounts them in this namespace, so their names stay the ones templates have always used.
app_name = "web"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
