from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convene.lib import emails

from .forms import ProfileForm, SignUpForm
from .models import Invitation, User


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        response.set_cookie("django_language", form.cleaned_data["language"], samesite="Lax")
        return response
    return render(request, "accounts/profile.html", {"form": form})


def _invitation_or_none(token: str) -> Invitation | None:
    try:
        return Invitation.objects.select_related("collaborative", "team", "invited_by").by_token(
            token
        )
    except Invitation.DoesNotExist:
        return None


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation_or_none(token)
    if invitation is None:
        return render(request, "accounts/invitation_unknown.html", status=404)
    if invitation.status != "pending" or invitation.collaborative.is_deleted:
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"invitation": invitation, "token": token},
            status=410,
        )
    existing = User.objects.filter(email=invitation.email).first()
    if request.user.is_authenticated:
        if request.method == "POST":
            invitation.accept(request.user)
            messages.success(
                request, _("Welcome to %(name)s.") % {"name": invitation.collaborative}
            )
            return redirect("collaboratives:overview", invitation.collaborative_id)
        return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
    if existing:
        # The account exists: sign in first, then come back here to accept.
        return render(request, "accounts/invitation_sign_in.html", {"invitation": invitation})
    form = SignUpForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            invitation.accept(user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.collaborative})
        return redirect("collaboratives:overview", invitation.collaborative_id)
    return render(
        request, "accounts/invitation_sign_up.html", {"invitation": invitation, "form": form}
    )


@require_POST
def request_new_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation_or_none(token)
    if invitation is None:
        return render(request, "accounts/invitation_unknown.html", status=404)
    # One note to the hosts per invitation a day, however often the button is pressed.
    first_ask_today = cache.add(f"invitation-asked:{invitation.pk}", True, 60 * 60 * 24)
    if first_ask_today and not invitation.collaborative.is_deleted:
        emails.invitation_requested(request, invitation)
    return render(request, "accounts/invitation_requested.html", {"invitation": invitation})
