"""Optional two-factor sign-in: TOTP (RFC 6238) with single-use recovery codes.

- Setting up: a fresh secret is kept in the session (never in the database) until the person
  types a code from their authenticator; then the device is stored with the secret sealed, and
  ten recovery codes are shown once and stored as hashes.
- Signing in: after the password, a person with a device is not signed in yet; the pending
  sign-in waits in the session (for ``PENDING_SECONDS``) for a code or a recovery code. Wrong
  codes count towards the account lockout (``microcred.accounts.lockout``).
- Requiring it: ``settings.REQUIRE_2FA_FOR`` names roles ("admin", "assessor", "author"; staff
  counts as "admin"); people holding one are sent to set it up before any other page.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyotp
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import RecoveryCode, TwoFactorDevice, User
from microcred.accounts.services import oauth_tokens_revoke
from microcred.accounts.signals import roles_asked
from microcred.audit.services import audit_record
from microcred.errors import InvalidState, ValidationFailed
from microcred.sealing import Purpose, seal, unseal
from microcred.web.context_processors import SITE_NAME

__all__ = [
    "RECOVERY_CODE_COUNT", "PENDING_SECONDS", "is_enabled", "new_secret", "provisioning_uri",
    "qr_data_uri", "device_enable", "device_disable", "recovery_codes_regenerate", "verify",
    "pending_begin", "pending_user", "pending_clear", "required_for", "TwoFactorRequiredMiddleware",
]

RECOVERY_CODE_COUNT = 10
PENDING_SECONDS = 300
_PENDING_KEY = "microcred_two_factor_pending"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed from paper


def _sealing_context(user: User) -> str:
    return f"microcred totp v1 user {user.pk}"


def _seal(secret: str, user: User) -> str:
    return seal(secret, purpose=Purpose.TOTP_SECRET, associated_data=_sealing_context(user))


def _unseal(sealed: str, user: User) -> str:
    return unseal(sealed, purpose=Purpose.TOTP_SECRET, associated_data=_sealing_context(user))


def is_enabled(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) and not isinstance(user, User):
        return False
    return TwoFactorDevice.objects.filter(user_id=user.pk).exists()


def new_secret() -> str:
    """160 random bits, base32 (RFC 4226 §4 recommends at least 128; 160 matches HMAC-SHA1)."""
    return pyotp.random_base32(length=32)


def provisioning_uri(*, user: User, secret: str) -> str:
    """The ``otpauth://totp/...`` URI authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=_issuer_name())


def _issuer_name() -> str:
    """The name the authenticator app lists the account under: the product and the host."""
    return f"{SITE_NAME} {urlsplit(settings.PUBLIC_URL).hostname}"


def qr_data_uri(uri: str) -> str:
    import segno

    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _hash_code(code: str) -> str:
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normal.encode("ascii", "ignore")).hexdigest()


def _new_recovery_codes() -> list[str]:
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _j in range(16))  # 16 x log2(31) > 79 bits
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    return codes


def _store_recovery_codes(user: User) -> list[str]:
    codes = _new_recovery_codes()
    user.recovery_codes.all().delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash_code(c))
                                     for c in codes)
    return codes


def _totp_step(secret: str, code: str, *, after_step: int) -> int | None:
    """The time step ``code`` is valid for (now, or one step either side for clock drift,
    RFC 6238 §5.2), if later than ``after_step``; otherwise ``None``."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(time.time()) // totp.interval
    for step in (current - 1, current, current + 1):
        if step > after_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def device_enable(*, actor: User, secret: str, code: str) -> list[str]:
    """Store the authenticator once ``code`` proves the person has it; returns the recovery
    codes, to be shown once."""
    step = _totp_step(secret, code, after_step=0)
    if step is None:
        raise ValidationFailed(_("That code is not right. Check the time on your device and "
                                 "enter the code it shows now."), code="wrong_code",
                               problems={"code": "wrong"})
    with transaction.atomic():
        if TwoFactorDevice.objects.select_for_update().filter(user=actor).exists():
            raise InvalidState(_("Two-factor sign-in is already on."), code="two_factor_on")
        TwoFactorDevice.objects.create(user=actor, sealed_secret=_seal(secret, actor),
                                       last_used_step=step)
        codes = _store_recovery_codes(actor)
        # Tokens minted before the second factor was asked for do not keep working after it.
        revoked = oauth_tokens_revoke(user=actor)
        audit_record(actor=actor, action="user.two_factor_enabled", target=actor,
                     data={"oauth_tokens_revoked": revoked})
    return codes


def device_disable(*, actor: User, password: str) -> None:
    """Turn two-factor sign-in off; asks for the password again, and is refused where the
    deployment requires it for the person's role."""
    if not actor.check_password(password):
        raise ValidationFailed(_("That password is not right."), code="wrong_password",
                               problems={"password": "wrong"})
    if required_for(actor):
        raise InvalidState(_("Your role requires two-factor sign-in: it cannot be turned off."),
                           code="two_factor_required")
    with transaction.atomic():
        TwoFactorDevice.objects.filter(user=actor).delete()
        actor.recovery_codes.all().delete()
        revoked = oauth_tokens_revoke(user=actor)
        audit_record(actor=actor, action="user.two_factor_disabled", target=actor,
                     data={"oauth_tokens_revoked": revoked})


def recovery_codes_regenerate(*, actor: User, password: str) -> list[str]:
    if not actor.check_password(password):
        raise ValidationFailed(_("That password is not right."), code="wrong_password",
                               problems={"password": "wrong"})
    if not is_enabled(actor):
        raise InvalidState(_("Two-factor sign-in is not on."), code="two_factor_off")
    with transaction.atomic():
        codes = _store_recovery_codes(actor)
        audit_record(actor=actor, action="user.recovery_codes_regenerated", target=actor)
    return codes


def recovery_codes_left(user: User) -> int:
    return user.recovery_codes.filter(used_at__isnull=True).count()


def verify(*, user: User, code: str) -> str:
    """Check a sign-in code: a TOTP code not used before, or an unused recovery code (which is
    then spent). Returns ``"totp"`` or ``"recovery_code"``; raises ``ValidationFailed``."""
    with transaction.atomic():
        device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            raise InvalidState(_("Two-factor sign-in is not on."), code="two_factor_off")
        step = _totp_step(_unseal(device.sealed_secret, user), code,
                          after_step=device.last_used_step)
        if step is not None:
            device.last_used_step = step
            device.save(update_fields=["last_used_step"])
            return "totp"
        spent = RecoveryCode.objects.filter(
            user=user, code_hash=_hash_code(code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if spent:
            audit_record(actor=user, action="user.recovery_code_used", target=user,
                         data={"left": recovery_codes_left(user)})
            return "recovery_code"
    raise ValidationFailed(_("That code is not right, or it has been used already."),
                           code="wrong_code", problems={"code": "wrong"})


# -- the pending sign-in ------------------------------------------------------------------------


def pending_begin(request: HttpRequest, *, user: User, backend: str, email: str,
                  next_url: str) -> None:
    request.session.cycle_key()  # a new session id for the half-signed-in state
    request.session[_PENDING_KEY] = {"user": user.pk, "backend": backend, "email": email,
                                     "next": next_url, "started": time.time()}


def pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(_PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("started", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return (user, pending) if user is not None else None


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(_PENDING_KEY, None)


# -- requiring it for some roles ----------------------------------------------------------------


def required_for(user: Any) -> bool:
    """Whether the deployment requires two-factor sign-in for this person's roles."""
    required = settings.REQUIRE_2FA_FOR
    if not required or not getattr(user, "is_authenticated", False):
        return False
    if "admin" in required and (user.is_staff or user.is_superuser):
        return True
    # Roles in organizations are for the apps above to say (orgs answers).
    return any(held for _receiver, held in roles_asked.send(sender=User, user=user,
                                                             roles=required))


# Pages a person who must set up two-factor sign-in can still reach.
_ALWAYS_ALLOWED = frozenset({
    "accounts:two_factor", "accounts:two_factor_setup", "accounts:sign_out",
    "accounts:set_language", "web:healthz",
})


class TwoFactorRequiredMiddleware:
    """Sends people whose role requires two-factor sign-in to set it up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        if not settings.REQUIRE_2FA_FOR or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if name in _ALWAYS_ALLOWED or name.startswith(("api:", "oauth2_provider:")):
            return None
        if is_enabled(request.user) or not required_for(request.user):
            return None
        messages.info(request, _("Your role requires two-factor sign-in. Set it up to go on."))
        target = reverse("accounts:two_factor_setup")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
