from django.urls import path

from microcred.notifications import views

app_name = "notifications"
urlpatterns = [
    path("me/notifications/", views.notification_list, name="list"),
    path("me/notifications/read/", views.mark_read, name="mark_read"),
]
