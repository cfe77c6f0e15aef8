from django.apps import AppConfig


class EarningConfig(AppConfig):
    name = "microcred.earning"
    label = "earning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # local: these import models, which load only once the app registry is ready
        from microcred.catalog.versions import version_published
        from microcred.earning.receivers import carry_policy_forward

        version_published.connect(carry_policy_forward,
                                  dispatch_uid="earning.carry_policy_forward")
