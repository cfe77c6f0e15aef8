from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import audit_record
from microcred.errors import ValidationFailed


def user_create(*, email: str, password: str, display_name: str, language: str = "") -> User:
    """Create an account. The email is compared case-insensitively.

    ``language`` is the interface language the person signed up in, kept as their preference.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    if not email or "@" not in email:
        raise ValidationFailed(_("Enter a valid email address."), problems={"email": "invalid"})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed(
            _("An account with this email address already exists."),
            code="email_taken",
            problems={"email": "taken"},
        )
    candidate = User(email=email, display_name=display_name.strip())
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="weak_password",
                               problems={"password": "weak"}) from exc
    with transaction.atomic():
        user = User.objects.create_user(email, password, display_name=display_name.strip(),
                                        language=language if _is_supported(language) else "")
        audit_record(actor=user, action="user.created", target=user)
    return user


def _is_supported(language: str) -> bool:
    return language in {code for code, _name in settings.LANGUAGES}


def user_set_language(*, actor: User, language: str) -> User:
    """Remember the interface language a person chose (empty: follow the browser)."""
    if language and not _is_supported(language):
        raise ValidationFailed(_("That language is not available."), code="unknown_language",
                               problems={"language": "unknown"})
    with transaction.atomic():
        actor.language = language
        actor.save(update_fields=["language"])
        audit_record(actor=actor, action="user.language_set", target=actor,
                     data={"language": language})
    return actor
