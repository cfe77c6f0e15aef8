from django.apps import AppConfig


class EarningConfig(AppConfig):
    name = "microcred.earning"
    label = "earning"
    default_auto_field = "django.db.models.BigAutoField"
