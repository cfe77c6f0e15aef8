from django.apps import AppConfig


class LearnerConfig(AppConfig):
    name = "microcred.learner"
    label = "learner"
    default_auto_field = "django.db.models.BigAutoField"
