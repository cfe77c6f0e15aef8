from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.accounts import lockout, two_factor
from microcred.accounts.forms import ChangePasswordForm, LanguageForm, SignInForm, SignUpForm
from microcred.accounts.services import sign_up_confirm as sign_up_confirm_account
from microcred.accounts.services import sign_up_pending, sign_up_request, user_set_language
from microcred.errors import ValidationFailed


def sign_up(request: HttpRequest) -> HttpResponse:
    """Sign-up answers "check your email" whether or not the address has an account
    (``sign_up_request``): only the address's owner learns which, by the email they get."""
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        try:
            sign_up_request(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
                language=get_language() or "",
                next_url=next_url,
            )
        except ValidationFailed as exc:
            field = next(iter(exc.problems), None)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            return render(request, "accounts/sign_up_sent.html",
                          {"email": form.cleaned_data["email"]})
    return render(request, "accounts/sign_up.html", {"form": form})


def sign_up_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the sign-up email: a button creates the account (a GET only shows it, so
    mail scanners that open links create nothing), then signs the person in."""
    try:
        pending = sign_up_pending(token=token)
        if request.method == "POST":
            user = sign_up_confirm_account(token=token)
        else:
            return render(request, "accounts/sign_up_confirm.html", {"email": pending["email"]})
    except ValidationFailed as exc:
        return render(request, "accounts/sign_up_confirm.html", {"problem": exc.message},
                      status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    next_url = pending["next"]
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("pages:home")


class SignInView(LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:
        """The password was right: sign in, or first ask for the second factor."""
        user = form.get_user()
        email = form.cleaned_data["username"]
        if two_factor.is_enabled(user):
            two_factor.pending_begin(self.request, user=user, email=email,
                                     backend=user.backend, next_url=self.get_success_url())
            return redirect("accounts:two_factor_sign_in")
        lockout.clear(email)
        return super().form_valid(form)


class SignOutView(LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password while signed in (the current one asked again). Django keeps this session
    signed in and ends the others; ``ChangePasswordForm`` revokes the OAuth tokens."""

    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed. Applications you had "
                                         "allowed to use your account must be allowed again."))
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: a plain form post, so it works without JavaScript.

    The choice goes into the language cookie (read by ``LocaleMiddleware``) and, for a signed-in
    person, into their account so it follows them to other devices and into their credentials.
    """
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            user_set_language(actor=request.user, language=language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                            max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax",
                            secure=request.is_secure())
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The person's account page: download all their data, or delete the account (both served
    by ``microcred.ops.views``, since they reach every app that holds something of the person)."""
    return render(request, "accounts/account.html", {})

