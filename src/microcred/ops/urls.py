from django.urls import path

from microcred.ops import views

# Mounted by the root URLconf in the ``accounts`` namespace, under ``accounts/``: the names
# (accounts:download, accounts:delete) and addresses are the ones the account page always had.
account_urlpatterns = [
    path("me/data.zip", views.account_download, name="download"),
    path("me/delete/", views.account_delete_confirm, name="delete"),
]
