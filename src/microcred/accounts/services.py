from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import audit_record
from microcred.errors import ValidationFailed
from microcred.sealing import Purpose, SealError, seal, unseal


def _sign_up_checked(*, email: str, password: str, display_name: str) -> str:
    """The address, normalized, once it and the password pass the rules that do not depend on
    whether an account has it (so answering them reveals nothing about accounts)."""
    email = User.objects.normalize_email(email.strip()).lower()
    if not email or "@" not in email:
        raise ValidationFailed(_("Enter a valid email address."), problems={"email": "invalid"})
    candidate = User(email=email, display_name=display_name.strip())
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="weak_password",
                               problems={"password": "weak"}) from exc
    return email


def user_create(*, email: str, password: str, display_name: str, language: str = "") -> User:
    """Create an account. The email is compared case-insensitively.

    ``language`` is the interface language the person signed up in, kept as their preference.
    """
    email = _sign_up_checked(email=email, password=password, display_name=display_name)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed(
            _("An account with this email address already exists."),
            code="email_taken",
            problems={"email": "taken"},
        )
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


def oauth_tokens_revoke(*, user: User) -> int:
    """End every OAuth grant the person has given: access and refresh tokens, and authorization
    codes not yet exchanged (django-oauth-toolkit's models). Called when what proves who they
    are changes (a new password, two-factor sign-in turned on or off): a token minted by
    whoever knew the old secret must not outlive it. Returns how many tokens were removed;
    clients registered by the person are kept (they hold no access on their own)."""
    from oauth2_provider.models import (
        get_access_token_model,
        get_grant_model,
        get_refresh_token_model,
    )

    with transaction.atomic():
        refresh, _ = get_refresh_token_model().objects.filter(user=user).delete()
        access, _ = get_access_token_model().objects.filter(user=user).delete()
        get_grant_model().objects.filter(user=user).delete()
    return int(refresh) + int(access)


def user_password_set(*, user: User, password: str, reason: str) -> None:
    """Set a new password (already validated by the form) from a reset link (``reason``
    "reset") or the change form ("change"); the person's OAuth tokens go with the old one."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        revoked = oauth_tokens_revoke(user=user)
        audit_record(actor=user, action="user.password_set", target=user,
                     data={"reason": reason, "oauth_tokens_revoked": revoked})


# -- signing up without telling who has an account ----------------------------------------------

SIGN_UP_LINK_MAX_AGE = 24 * 3600  # seconds a sign-up link works
_SIGN_UP_CONTEXT = "microcred sign-up v1"


def _public_host() -> str:
    from urllib.parse import urlsplit

    return urlsplit(str(settings.PUBLIC_URL)).netloc


def _public_link(name: str, **kwargs: str) -> str:
    from django.urls import reverse

    return str(settings.PUBLIC_URL) + reverse(name, kwargs=kwargs or None)


def sign_up_request(*, email: str, password: str, display_name: str, language: str = "",
                    next_url: str = "") -> None:
    """The first step of signing up, answered the same way whether or not the address has an
    account (OWASP ASVS 4.0 §2.2.1, like the reset form): the password rules are checked first
    (they do not depend on the account existing), then one email goes to the address. A new
    address gets a link that creates the account (``sign_up_confirm``); the holder of an
    existing one is told someone tried, with the sign-in and reset links. Nothing is stored
    until the link is used: the link carries the request sealed (AES-256-GCM under a key from
    SECRET_KEY, the password only as its Argon2 hash), so it can be neither read nor forged."""
    import json
    import time

    from django.contrib.auth.hashers import make_password
    from django.core.mail import send_mail

    email = _sign_up_checked(email=email, password=password, display_name=display_name)
    if User.objects.filter(email__iexact=email).exists():
        send_mail(
            _("Someone tried to sign up with your email address"),
            _("Someone tried to create an account on %(site)s with this email address, which "
              "already has one. If it was you, sign in:\n\n%(sign_in)s\n\nForgot your "
              "password? Choose a new one here:\n\n%(reset)s\n\nIf it was not you, you can "
              "ignore this email: nothing has changed.")
            % {"site": _public_host(), "sign_in": _public_link("accounts:sign_in"),
               "reset": _public_link("accounts:password_reset")},
            None, [email])
        return
    sealed = seal(json.dumps({
        "email": email, "name": display_name.strip(), "language": language,
        "password": make_password(password), "next": next_url, "at": int(time.time()),
    }), purpose=Purpose.SIGN_UP_LINK, associated_data=_SIGN_UP_CONTEXT)
    send_mail(
        _("Finish creating your account"),
        _("Open this link to finish creating your account on %(site)s:\n\n%(link)s\n\nThe "
          "link works for 24 hours. If you did not sign up, ignore this email: no account is "
          "created.")
        % {"site": _public_host(),
           "link": _public_link("accounts:sign_up_confirm", token=sealed)},
        None, [email])


def sign_up_pending(*, token: str) -> dict[str, str]:
    """What a sign-up link asks for (email, name, language, hashed password, next), or
    ``ValidationFailed`` when the link is damaged or too old."""
    import json
    import time

    try:
        data = json.loads(unseal(token, purpose=Purpose.SIGN_UP_LINK,
                                 associated_data=_SIGN_UP_CONTEXT))
    except (SealError, ValueError):
        raise ValidationFailed(_("This sign-up link does not work. Sign up again to get a new "
                                 "one."), code="bad_link", problems={"link": "invalid"}) from None
    if time.time() - float(data.get("at", 0)) > SIGN_UP_LINK_MAX_AGE:
        raise ValidationFailed(_("This sign-up link has expired. Sign up again to get a new "
                                 "one."), code="link_expired", problems={"link": "expired"})
    return {key: str(data.get(key, "")) for key in ("email", "name", "language", "password",
                                                     "next")}


def sign_up_confirm(*, token: str) -> User:
    """The second step: the link's owner read the email, so the account is created (once)."""
    from django.db import IntegrityError

    pending = sign_up_pending(token=token)
    taken = ValidationFailed(_("An account with this email address already exists: sign in."),
                             code="email_taken", problems={"email": "taken"})
    if User.objects.filter(email__iexact=pending["email"]).exists():
        raise taken
    language = pending["language"]
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                pending["email"], None, display_name=pending["name"],
                language=language if _is_supported(language) else "")
            user.password = pending["password"]  # the Argon2 hash made at the first step
            user.save(update_fields=["password"])
            audit_record(actor=user, action="user.created", target=user)
    except IntegrityError:  # the same link used twice at once
        raise taken from None
    return user
