from django.urls import path

from microcred.pages import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("styleguide/", views.styleguide, name="styleguide"),
    # The OB 3.0 Service Description Document (api:discovery) links to these two.
    path("legal/terms/", views.terms, name="terms"),
    path("legal/privacy/", views.privacy, name="privacy"),
]
