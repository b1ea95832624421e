"""The coach's view of her teams' plans and cycles, and the feedback she leaves on each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convene.collaboratives.access import Access, collaborative_for

from .access import cycle_for, plan_for
from .coaching import coached_teams, coaching_items
from .forms import FeedbackForm
from .models import Comment
from .signals import cycle_commented

LIMIT = 60


@login_required
def coaching(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_coaching")
    items = coaching_items(access, coached_teams(access), LIMIT)
    return render(
        request,
        "improvement/coaching.html",
        {"collaborative": collaborative, "access": access, "items": items, "limit": LIMIT},
    )


def _back(request: HttpRequest, access: Access, anchor: str) -> HttpResponse:
    """Back to the page the feedback was left on (the coaching page unless it says)."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("improvement:coaching", args=[access.collaborative.pk])
    return redirect(f"{back.split('#')[0]}#{anchor}")


def _may_give_feedback(access: Access) -> None:
    if not access.can("view_coaching"):
        raise PermissionDenied


@require_POST
@login_required
def plan_feedback(request: HttpRequest, collaborative_id: int, plan_id: int) -> HttpResponse:
    plan, access = plan_for(request, collaborative_id, plan_id)
    _may_give_feedback(access)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        Comment.objects.create(plan=plan, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Feedback posted."))
    else:
        messages.error(request, _("Write the feedback first."))
    return _back(request, access, f"feedback-plan-{plan.pk}")


@require_POST
@login_required
def cycle_feedback(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    cycle, access = cycle_for(request, collaborative_id, cycle_id, "comment")
    _may_give_feedback(access)
    if not access.can("view_cycles", cycle.team):  # shared cycles are commented on their page
        raise PermissionDenied
    form = FeedbackForm(request.POST)
    if form.is_valid():
        comment = Comment.objects.create(
            cycle=cycle, author=request.user, text=form.cleaned_data["text"]
        )
        cycle_commented.send(sender=Comment, comment=comment)
        messages.success(request, _("Feedback posted."))
    else:
        messages.error(request, _("Write the feedback first."))
    return _back(request, access, f"feedback-cycle-{cycle.pk}")
