from django.apps import AppConfig

from microcred.earning.signals import attempt_submitted, attempt_withdrawn


class AssessmentConfig(AppConfig):
    name = "microcred.assessment"
    label = "assessment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # local: these import models, which load only once the app registry is ready
        from microcred.assessment.receivers import cancel_reviews, carry_pool_forward, open_review
        from microcred.catalog.versions import version_published

        version_published.connect(carry_pool_forward,
                                  dispatch_uid="assessment.carry_pool_forward")
        attempt_submitted.connect(open_review, dispatch_uid="assessment.open_review")
        attempt_withdrawn.connect(cancel_reviews, dispatch_uid="assessment.cancel_reviews")
