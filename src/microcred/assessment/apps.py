from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "microcred.assessment"
    label = "assessment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microcred.assessment.receivers import carry_pool_forward
        from microcred.catalog.versions import version_published

        version_published.connect(carry_pool_forward,
                                  dispatch_uid="assessment.carry_pool_forward")
