from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating a deployment: backup and restore (no models)."""

    name = "microcred.ops"
    label = "ops"
