from django.apps import AppConfig


class IssuanceConfig(AppConfig):
    name = "microcred.issuance"
    label = "issuance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # local: receivers import models, which load only once the app registry is ready
        from microcred.assessment.signals import attempt_passed
        from microcred.catalog.achievement import creator_profile_asked
        from microcred.catalog.versions import version_published
        from microcred.issuance.receivers import (
            carry_validity_forward,
            creator_profile,
            issue_for_passed_attempt,
        )

        creator_profile_asked.connect(creator_profile, dispatch_uid="issuance.creator_profile")

        version_published.connect(carry_validity_forward,
                                  dispatch_uid="issuance.carry_validity_forward")
        attempt_passed.connect(issue_for_passed_attempt,
                               dispatch_uid="issuance.issue_for_passed_attempt")
