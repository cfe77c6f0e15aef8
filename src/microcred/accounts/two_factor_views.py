"""Two-factor sign-in pages: the code step of signing in, turning it on, recovery codes, turning
it off. The rules are in ``microcred.accounts.two_factor``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from microcred.accounts import lockout, two_factor
from microcred.accounts.forms import PasswordConfirmForm, TwoFactorCodeForm, TwoFactorSetupForm
from microcred.errors import InvalidState, ValidationFailed

_SETUP_SECRET_KEY = "microcred_two_factor_setup_secret"  # noqa: S105 - a session key name


def _safe_next(request: HttpRequest, next_url: str) -> str:
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return next_url
    return ""


@never_cache
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, after the password."""
    pending = two_factor.pending_user(request)
    if pending is None:
        two_factor.pending_clear(request)
        messages.info(request, _("Your sign-in took too long. Please sign in again."))
        return redirect("accounts:sign_in")
    user, state = pending
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            lockout.check(state["email"])
            method = two_factor.verify(user=user, code=form.cleaned_data["code"])
        except lockout.Locked as locked:
            two_factor.pending_clear(request)
            form.add_error(None, locked.message)
        except ValidationFailed as exc:
            try:
                lockout.record_failure(state["email"])
            except lockout.Locked as locked:
                two_factor.pending_clear(request)
                form.add_error(None, locked.message)
            else:
                form.add_error("code", exc.message)
        else:
            two_factor.pending_clear(request)
            lockout.clear(state["email"])
            login(request, user, backend=state["backend"])
            if method == "recovery_code":
                left = two_factor.recovery_codes_left(user)
                messages.warning(request, ngettext(
                    "You used a recovery code. %(left)d is left: make new ones if you are "
                    "running out.",
                    "You used a recovery code. %(left)d are left: make new ones if you are "
                    "running out.", left) % {"left": left})
            return redirect(_safe_next(request, state.get("next", "")) or "pages:home")
    return render(request, "accounts/two_factor_sign_in.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    enabled = two_factor.is_enabled(request.user)
    return render(request, "accounts/two_factor.html", {
        "enabled": enabled,
        "required": two_factor.required_for(request.user),
        "codes_left": two_factor.recovery_codes_left(request.user) if enabled else 0,
        "password_form": PasswordConfirmForm(),
    })


@login_required
@never_cache
def setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret (QR code and text); store it once a code from it is typed back."""
    if two_factor.is_enabled(request.user):
        return redirect("accounts:two_factor")
    secret = request.session.get(_SETUP_SECRET_KEY)
    if not isinstance(secret, str) or request.method == "GET":
        secret = request.session[_SETUP_SECRET_KEY] = two_factor.new_secret()
    form = TwoFactorSetupForm(request.POST if request.method == "POST" else None)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.device_enable(actor=request.user, secret=secret,
                                             code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            form.add_error("code", exc.message)
        except InvalidState:
            return redirect("accounts:two_factor")
        else:
            request.session.pop(_SETUP_SECRET_KEY, None)
            return render(request, "accounts/recovery_codes.html",
                          {"codes": codes, "just_enabled": True, "next": next_url})
    uri = two_factor.provisioning_uri(user=request.user, secret=secret)
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "qr": two_factor.qr_data_uri(uri),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "next": next_url,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST)
    if form.is_valid():
        try:
            codes = two_factor.recovery_codes_regenerate(
                actor=request.user, password=form.cleaned_data["password"])
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        except InvalidState as exc:
            messages.error(request, exc.message)
        else:
            return render(request, "accounts/recovery_codes.html",
                          {"codes": codes, "just_enabled": False})
    return redirect("accounts:two_factor")


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST)
    if form.is_valid():
        try:
            two_factor.device_disable(actor=request.user,
                                      password=form.cleaned_data["password"])
        except (ValidationFailed, InvalidState) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:two_factor")
