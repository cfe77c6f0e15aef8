from django.apps import AppConfig

from microcred.issuance.signals import check_worded
from microcred.verification.receivers import word_check


class VerificationConfig(AppConfig):
    name = "microcred.verification"
    label = "verification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        check_worded.connect(word_check, dispatch_uid="verification.check_worded")
