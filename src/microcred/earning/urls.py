from django.urls import path

from microcred.earning import views

# The attempt page (``earning:attempt``, in microcred.learner), its evidence files and its
# appeal (``earning:evidence``, ``earning:evidence_signed``, ``earning:appeal``, in
# microcred.assessment) keep their ``earning:`` names: microcred.urls mounts them in this
# namespace beside these.
app_name = "earning"
urlpatterns = [
    path("catalog/<slug:slug>/start/", views.start, name="start"),
    path("attempts/<uuid:public_id>/autosave/", views.autosave, name="autosave"),
    path("attempts/<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("me/learning/", views.my_learning, name="my_learning"),
]
