from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from microcred.accounts import two_factor_views, views
from microcred.accounts.forms import ClaimingPasswordResetForm, NewPasswordForm

app_name = "accounts"
urlpatterns = [
    path("sign-up/", views.sign_up, name="sign_up"),
    path("sign-up/<str:token>/", views.sign_up_confirm, name="sign_up_confirm"),
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("sign-in/code/", two_factor_views.sign_in_code, name="two_factor_sign_in"),
    path("me/two-factor/", two_factor_views.manage, name="two_factor"),
    path("me/two-factor/set-up/", two_factor_views.setup, name="two_factor_setup"),
    path("me/two-factor/recovery-codes/", two_factor_views.recovery_codes,
         name="two_factor_recovery_codes"),
    path("me/two-factor/turn-off/", two_factor_views.disable, name="two_factor_disable"),
    path("language/", views.set_language, name="set_language"),
    # Password reset: Django's views (a signed, single-use, expiring link by email); the same
    # answer whether or not the address has an account.
    path("password-reset/", auth_views.PasswordResetView.as_view(
        form_class=ClaimingPasswordResetForm,
        template_name="accounts/password_reset.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_sent")), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_sent.html"), name="password_reset_sent"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        form_class=NewPasswordForm, template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/", views.account, name="account"),
    # me/data.zip and me/delete/ are microcred.ops' (ops:download, ops:delete).
]
