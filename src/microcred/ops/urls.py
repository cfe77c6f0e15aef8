from django.urls import path

from microcred.ops import views

app_name = "ops"
urlpatterns = [
    # A person's own data: everything about them in one download, and their account erased.
    path("accounts/me/data.zip", views.account_download, name="download"),
    path("accounts/me/delete/", views.account_delete_confirm, name="delete"),
]
