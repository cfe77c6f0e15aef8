from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; roles live in ``orgs.Membership``."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150)
    # The interface language this person chose (a code from settings.LANGUAGES); empty means
    # "follow the browser". Credentials are issued in it when the micro-credential has it.
    language = models.CharField(_("language"), max_length=16, blank=True, default="")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name or self.email


class TwoFactorDevice(models.Model):
    """A person's TOTP authenticator (RFC 6238), once they have confirmed a code from it.

    The shared secret is sealed (AES-256-GCM under the TOTP purpose's key derived from
    SECRET_KEY, ``microcred.sealing``, bound to the user's id), so a database dump alone cannot
    mint codes. ``last_used_step`` is the RFC 6238 time step of the last code accepted: a code
    is accepted once (RFC 6238 §5.2).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    sealed_secret = models.TextField()
    confirmed_at = models.DateTimeField(default=timezone.now)
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"TOTP for {self.user_id}"


class RecoveryCode(models.Model):
    """One single-use code for when the authenticator is lost; only its SHA-256 is kept.

    The codes are 80 random bits each, so a plain hash is enough: unlike a password there is
    nothing to guess from a dictionary, and a slow hash would cost seconds on every check.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.user_id}"
