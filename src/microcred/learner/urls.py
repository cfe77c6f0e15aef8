from django.urls import path

from microcred.learner import attempt_views

#: The attempt page keeps the address and the name (``earning:attempt``) it had in earning:
#: ``microcred.urls`` mounts these in the earning namespace.
earning_urlpatterns = [
    path("attempts/<uuid:public_id>/", attempt_views.attempt_page, name="attempt"),
]
