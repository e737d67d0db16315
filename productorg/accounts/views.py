from __future__ import annotations

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from productorg.accounts import lockout, selectors, services
from productorg.accounts.forms import ApiTokenForm, LoginForm

# The session key that carries a new token's secret to exactly one render of the profile.
NEW_TOKEN_SESSION_KEY = "api_token_new_secret"  # noqa: S105 (a key name)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form):
        # A new password ends every API token made before it (User.set_password); say so.
        ended = selectors.api_tokens_working_of(user=self.request.user).count()
        response = super().form_valid(form)
        if ended:
            messages.info(
                self.request,
                f"Your {ended} API token{'s were' if ended != 1 else ' was'} revoked with the old "
                "password; make new ones on your profile.",
            )
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def locked_out(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """What django-axes answers once a username has failed too often: from one address (the
    long lock-out), or from everywhere (the account's short cool-off, accounts/lockout.py)."""
    cooloff_ends = lockout.account_cooloff_ends(username=lockout.login_username(request))
    if cooloff_ends is not None:
        seconds = (cooloff_ends - timezone.now()).total_seconds()
        minutes, across_addresses = max(1, math.ceil(seconds / 60)), True
    else:
        minutes, across_addresses = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), False
    form = LoginForm(request, data=None)
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "locked_out": True,
            "across_addresses": across_addresses,
            "lockout_minutes": minutes,
        },
        status=429,
    )


# never_cache: the page may carry a new token's secret, which no cache may keep.
@never_cache
def profile(request: HttpRequest) -> HttpResponse:
    """The user's own page: who they are, password, and their personal API tokens."""
    return _profile_page(request, ApiTokenForm())


def _profile_page(request: HttpRequest, form: ApiTokenForm, status: int = 200) -> HttpResponse:
    # Popped, not read: the secret is shown on this one render and never again.
    new_secret = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_of(user=request.user),
            "new_secret": new_secret,
            "api_base": request.build_absolute_uri(reverse("api:api-root")),
        },
        status=status,
    )


@never_cache
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, form, status=400)
    created = services.api_token_create(user=request.user, **form.cleaned_data)
    if created.secret is not None:
        request.session[NEW_TOKEN_SESSION_KEY] = created.secret
    elif NEW_TOKEN_SESSION_KEY not in request.session:
        # A repeat of a submit whose token was shown already: say so, rather than mint another.
        messages.info(
            request,
            f"The token “{created.token.name}” was made by your first click; its secret was "
            "shown then, once. If you did not copy it, revoke the token and make a new one.",
        )
    return redirect("accounts:profile")


@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.api_token_of(user=request.user, token_id=token_id)
    if token is None:
        raise Http404
    services.api_token_revoke(token=token)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("accounts:profile"))
    return redirect("accounts:profile")
