from django.apps import AppConfig


class IssuanceConfig(AppConfig):
    name = "microcred.issuance"
    label = "issuance"
    default_auto_field = "django.db.models.BigAutoField"
