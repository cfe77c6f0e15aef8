from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating a deployment (no models): the processes (``serve``, ``worker``, ``sweep``),
    backup and restore, and a person's whole data (export and erasure, ``ops.privacy``)."""

    name = "microcred.ops"
    label = "ops"
