from django.apps import AppConfig


class LearnerConfig(AppConfig):
    """Pages composed for a learner from several apps (the attempt page with its feedback,
    appeal and credential), above the apps they draw on."""

    name = "microcred.learner"
    label = "learner"
    default_auto_field = "django.db.models.BigAutoField"
