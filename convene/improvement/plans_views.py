"""A team's action plans: the list, one plan with its step editor, a step becoming a cycle.

Steps are edited in a grid, each row a form of its own. With htmx a row saves when a field
changes and only the row's state is swapped (what was typed stays); adding, moving and deleting
swap the steps. Without JavaScript every button posts and the page comes back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convene.collaboratives.access import Access, team_for
from convene.lib.versioning import fresh_copy, refreshed_form, save_if_unchanged

from .access import plan_for, step_for
from .authors import label_authors
from .forms import ActionPlanForm, ActionStepForm
from .models import ActionPlan, ActionStep
from .package import move
from .plans import mark_overdue, step_to_cycle, team_members, team_plans, touch

PLAN_FIELDS = ["title", "changes", "idea", "measure", "status"]
STEP_FIELDS = ["text", "owner", "owner_name", "due_on", "status"]
STEPS = {"up": -1, "down": 1}


def _edited_meanwhile() -> str:
    return _(
        "Someone else saved this while you were editing. What you typed is kept; compare it "
        "with the saved version, then save again."
    )


def _plan_url(plan: ActionPlan, anchor: str = "", query: str = "") -> str:
    url = reverse("improvement:action-plan", args=[plan.collaborative_id, plan.pk])
    return f"{url}{query}{'#' + anchor if anchor else ''}"


@login_required
def action_plans(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_action_plans")
    form = ActionPlanForm(request.POST or None, team=team)
    if request.method == "POST":
        if not access.can("edit_action_plans", team):
            raise PermissionDenied
        if form.is_valid():
            form.instance.collaborative = access.collaborative
            form.instance.team = team
            form.instance.created_by = request.user
            plan = form.save()
            messages.success(request, _("Action plan “%(title)s” started.") % {"title": plan})
            return redirect(_plan_url(plan, "steps"))
    plans = team_plans(team).select_related("idea").prefetch_related("steps__owner")
    plans = list(plans)
    today = access.collaborative.today()
    for plan in plans:
        plan.marked_steps = mark_overdue(plan.steps.all(), today)
    return render(
        request,
        "improvement/action_plans.html",
        {
            "collaborative": access.collaborative,
            "access": access,
            "team": team,
            "plans": plans,
            "form": form,
            "may_edit": access.can("edit_action_plans", team),
        },
        status=400 if form.errors else 200,
    )


def render_plan(
    request: HttpRequest,
    plan: ActionPlan,
    access: Access,
    forms: dict[Any, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The plan's page. ``forms`` replaces the plan's form ("plan"), the new step's ("new") or
    a step's (its id) with one that was sent and refused."""
    forms = forms or {}
    team = plan.team
    members = team_members(team)
    steps = mark_overdue(plan.steps.select_related("owner", "cycle"), access.collaborative.today())
    rows = []
    for step in steps:
        form = forms.get(step.pk)
        if form is None:
            form = ActionStepForm(instance=step, members=members, prefix=f"step-{step.pk}")
        rows.append((step, form))
        step.live_cycle = step.cycle if step.cycle_id and step.cycle.deleted_at is None else None
    context = {
        "collaborative": access.collaborative,
        "access": access,
        "team": team,
        "plan": plan,
        "may_edit": access.can("edit_action_plans", team),
        "plan_form": forms.get("plan") or ActionPlanForm(instance=plan, team=team),
        "new_step_form": forms.get("new") or ActionStepForm(members=members, prefix="new-step"),
        "rows": rows,
        "saved": request.GET.get("saved", ""),
        "comments": list(plan.comments.select_related("author")),
    }
    label_authors(access, context["comments"])
    return render(request, "improvement/action_plan.html", context, status=status)


@login_required
def action_plan(request: HttpRequest, collaborative_id: int, plan_id: int) -> HttpResponse:
    plan, access = plan_for(request, collaborative_id, plan_id)
    if request.method != "POST":
        return render_plan(request, plan, access)
    if not access.can("edit_action_plans", plan.team):
        raise PermissionDenied
    form = ActionPlanForm(request.POST, instance=plan, team=plan.team)
    if not form.is_valid():
        return render_plan(request, plan, access, {"plan": form}, status=400)
    if save_if_unchanged(plan, form.cleaned_data["version"], PLAN_FIELDS):
        messages.success(request, _("Action plan saved."))
        return redirect(_plan_url(plan))
    current = fresh_copy(plan)
    form = refreshed_form(
        ActionPlanForm, request.POST, current, _edited_meanwhile(), team=plan.team
    )
    return render_plan(request, plan, access, {"plan": form}, status=409)


@require_POST
@login_required
def plan_status(request: HttpRequest, collaborative_id: int, plan_id: int) -> HttpResponse:
    """Mark the plan done, or open it again."""
    plan, _access = plan_for(request, collaborative_id, plan_id, "edit_action_plans")
    wanted = request.POST.get("status", ActionPlan.Status.DONE)
    if wanted not in ActionPlan.Status.values:
        wanted = ActionPlan.Status.DONE
    if plan.status != wanted:
        plan.status = wanted
        plan.version += 1
        plan.updated_at = timezone.now()
        plan.save(update_fields=["status", "version", "updated_at"])
    done = plan.status == ActionPlan.Status.DONE
    messages.success(request, _("Action plan marked done.") if done else _("Action plan reopened."))
    return redirect(_plan_url(plan))


@require_POST
@login_required
def delete_plan(request: HttpRequest, collaborative_id: int, plan_id: int) -> HttpResponse:
    plan, _access = plan_for(request, collaborative_id, plan_id, "edit_action_plans")
    plan.soft_delete(request.user)
    messages.success(
        request,
        _("Action plan “%(title)s” deleted. A host can restore it from Deleted items.")
        % {"title": plan.title},
    )
    return redirect("improvement:action-plans", collaborative_id, plan.team_id)


@require_POST
@login_required
def new_step(request: HttpRequest, collaborative_id: int, plan_id: int) -> HttpResponse:
    plan, access = plan_for(request, collaborative_id, plan_id, "edit_action_plans")
    form = ActionStepForm(request.POST, members=team_members(plan.team), prefix="new-step")
    if not form.is_valid():
        return render_plan(request, plan, access, {"new": form}, status=400)
    form.instance.plan = plan
    form.instance.position = plan.steps.count()
    step = form.save()
    touch(plan)
    return redirect(_plan_url(plan, "steps", f"?saved={step.pk}"))


@require_POST
@login_required
def edit_step(request: HttpRequest, collaborative_id: int, step_id: int) -> HttpResponse:
    step, access = step_for(request, collaborative_id, step_id)
    plan = step.plan
    kwargs = {"members": team_members(plan.team), "prefix": f"step-{step.pk}"}
    form = ActionStepForm(request.POST, instance=step, **kwargs)
    if not form.is_valid():
        return render_plan(request, plan, access, {step.pk: form}, status=400)
    if save_if_unchanged(step, form.cleaned_data["version"], STEP_FIELDS):
        touch(plan)
        return redirect(_plan_url(plan, f"step-{step.pk}", f"?saved={step.pk}"))
    current = fresh_copy(step)
    form = refreshed_form(ActionStepForm, request.POST, current, _edited_meanwhile(), **kwargs)
    return render_plan(request, plan, access, {step.pk: form}, status=409)


@require_POST
@login_required
def delete_step(request: HttpRequest, collaborative_id: int, step_id: int) -> HttpResponse:
    step, _access = step_for(request, collaborative_id, step_id)
    step.soft_delete(request.user)
    touch(step.plan)
    messages.success(
        request,
        _("Step “%(text)s” deleted. A host can restore it from Deleted items.")
        % {"text": step.text},
    )
    return redirect(_plan_url(step.plan, "steps"))


@require_POST
@login_required
def move_step(
    request: HttpRequest, collaborative_id: int, step_id: int, direction: str
) -> HttpResponse:
    step, _access = step_for(request, collaborative_id, step_id)
    if direction not in STEPS:
        raise Http404
    move(step, ActionStep.objects.filter(plan=step.plan), STEPS[direction])
    touch(step.plan)
    return redirect(_plan_url(step.plan, f"step-{step.pk}"))


@require_POST
@login_required
def make_cycle(request: HttpRequest, collaborative_id: int, step_id: int) -> HttpResponse:
    """The step becomes a PDSA cycle (once): on to the cycle's worksheet."""
    step, _access = step_for(request, collaborative_id, step_id)
    cycle, made = step_to_cycle(step, request.user)
    if made:
        messages.success(
            request, _("The step is now a PDSA cycle: fill in its plan and prediction.")
        )
    return redirect("improvement:edit-cycle", collaborative_id, cycle.pk)
