"""The person's own data, from their account page: download all of it, or delete the account
(``microcred.ops.privacy``): ``ops:download`` and ``ops:delete``, under ``accounts/me/`` next
to the account page that links to them."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from microcred.accounts.forms import DeleteAccountForm
from microcred.errors import MicrocredError, ValidationFailed
from microcred.ops.privacy import account_delete, account_export


@login_required
def account_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(account_export(user=request.user), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="microcred-my-data.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete_confirm(request: HttpRequest) -> HttpResponse:
    """Deleting asks for the password again: a left-open session is not enough."""
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(user=request.user, confirm_password=form.cleaned_data["password"])
        except ValidationFailed as exc:
            form.add_error("password" if "password" in exc.problems else None, exc.message)
        except MicrocredError as exc:
            form.add_error(None, exc.message)
        else:
            logout(request)
            return render(request, "ops/account_deleted.html", {})
    return render(request, "ops/account_delete.html", {"form": form})
