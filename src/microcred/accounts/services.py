from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import audit_record
from microcred.errors import ValidationFailed


def user_create(*, email: str, password: str, display_name: str) -> User:
    """Create an account. The email is compared case-insensitively."""
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
        user = User.objects.create_user(email, password, display_name=display_name.strip())
        audit_record(actor=user, action="user.created", target=user)
    return user
