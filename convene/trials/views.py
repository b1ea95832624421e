"""Pages of the trial run: the team's five records, the host's review, and the list of teams."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convene.collaboratives.access import Access, collaborative_for, team_for
from convene.collaboratives.models import Team
from convene.collaboratives.overview import labelled_teams
from convene.measures.models import ReportingSchedule

from . import events
from .access import trial_in
from .forms import ReviewForm, TrialEntry
from .models import TrialReview, TrialRun
from .trial import (
    Conflict,
    answer_table,
    summaries,
    trial_metrics,
    trial_rule,
)


def _conflict_message() -> str:
    return _(
        "Someone else saved this trial run while you were working on it. Their version is "
        "shown with your changes kept in the form: check it, then save again."
    )


@login_required
def team_trial(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    """The team's trial run: a form while it is the team's to change, the records otherwise."""
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")
    trial = trial_in(team)
    rule = trial_rule(team)
    metrics = trial_metrics(team)
    can_edit = (
        access.can("enter_team_data", team)
        and trial.is_editable
        and rule != ReportingSchedule.TrialRule.OFF
        and bool(metrics)
    )
    if request.method != "POST":
        entry = TrialEntry(trial=trial, metrics=metrics) if can_edit else None
        return _render(request, team, access, trial, rule, metrics, entry, None)
    if not can_edit:
        raise PermissionDenied
    submitting = request.POST.get("action") == "submit"
    entry = TrialEntry(request.POST, trial=trial, metrics=metrics, submitting=submitting)
    if not entry.is_valid():
        messages.error(request, _("Nothing was saved: please correct the marked answers."))
        return _render(request, team, access, trial, rule, metrics, entry, None, status=400)
    try:
        with transaction.atomic():
            trial = entry.save(request.user)
            if submitting:
                events.trial_submitted(trial, request.user)
    except Conflict:
        trial = trial_in(team)
        entry = _refreshed(request, metrics, trial)
        return _render(request, team, access, trial, rule, metrics, entry, None, status=400)
    if submitting:
        messages.success(request, _("Trial run sent. A host will review it and tell your team."))
    else:
        messages.success(request, _("Trial run saved as a draft."))
    return redirect("trials:trial", collaborative_id, team_id)


def _refreshed(request: HttpRequest, metrics: list[Any], trial: TrialRun) -> TrialEntry | None:
    """After a refused save: the form on the trial as saved now, keeping what was typed."""
    if not trial.is_editable:
        messages.error(
            request,
            _("The trial run was sent or reviewed meanwhile, so it can no longer be changed."),
        )
        return None
    data = request.POST.copy()
    data["version"] = str(trial.version)
    entry = TrialEntry(data, trial=trial, metrics=metrics)
    entry.is_valid()
    entry.refuse(_conflict_message())
    return entry


def _render(
    request: HttpRequest,
    team: Team,
    access: Access,
    trial: TrialRun,
    rule: str,
    metrics: list[Any],
    entry: TrialEntry | None,
    review_form: ReviewForm | None,
    status: int = 200,
) -> HttpResponse:
    may_review = (
        not trial.is_done
        and rule != ReportingSchedule.TrialRule.OFF
        and access.can("review_trial_run")
    )
    if may_review and review_form is None:
        review_form = ReviewForm(initial={"version": trial.version}, trial=trial)
    shown = bool(trial.pk) and entry is None
    return render(
        request,
        "trials/trial_run.html",
        {
            "collaborative": team.collaborative,
            "team": team,
            "access": access,
            "trial": trial,
            "rule": rule,
            "required": rule == ReportingSchedule.TrialRule.REQUIRED,
            "metrics": metrics,
            "entry": entry,
            "table": answer_table(trial, metrics) if shown else [],
            "summaries": summaries(trial, metrics) if shown else [],
            "reviews": _reviews(trial),
            "review_form": review_form if may_review else None,
        },
        status=status,
    )


def _reviews(trial: TrialRun) -> Any:
    if not trial.pk:
        return TrialReview.objects.none()
    return trial.reviews.select_related("reviewed_by")


@require_POST
@login_required
def review_trial_run(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "review_trial_run")
    trial = trial_in(team)
    form = ReviewForm(request.POST, trial=trial)
    if not form.is_valid():
        rule, metrics = trial_rule(team), trial_metrics(team)
        return _render(request, team, access, trial, rule, metrics, None, form, status=400)
    try:
        if not trial.pk:  # a team that never started its trial can still be excused from it
            trial = trial_in(team, create=True)
        with transaction.atomic():
            review = form.save(trial, request.user, trial_metrics(team))
            events.trial_reviewed(review, request.user)
    except Conflict:
        messages.error(
            request,
            _(
                "The trial run changed since you opened it (the team edited it, or another "
                "host decided). Read it again before deciding."
            ),
        )
        return redirect("trials:trial", collaborative_id, team_id)
    messages.success(request, _("Decision saved. The team's leads were told."))
    return redirect("trials:trials", collaborative_id)


@login_required
def trial_runs(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    """Every team's trial run, those awaiting review first."""
    collaborative, access = collaborative_for(request, collaborative_id, "view_reporting_status")
    schedule = ReportingSchedule.objects.filter(collaborative=collaborative).first()
    teams = labelled_teams(access)
    trials = {
        t.team_id: t
        for t in TrialRun.objects.filter(team__collaborative=collaborative).select_related(
            "submitted_by"
        )
    }
    order = {
        TrialRun.Status.SUBMITTED: 0,
        TrialRun.Status.RETURNED: 1,
        TrialRun.Status.DRAFT: 2,
        None: 3,
        TrialRun.Status.ACCEPTED: 4,
        TrialRun.Status.EXCUSED: 5,
    }
    rows = [
        {
            "team": team,
            "trial": trials.get(team.pk),
            "can_open": access.can("view_team_data", team),
        }
        for team in teams
    ]
    rows.sort(key=lambda row: order[row["trial"].status if row["trial"] else None])
    counts = {
        "waiting": sum(1 for r in rows if r["trial"] and r["trial"].status == "submitted"),
        "done": sum(1 for r in rows if r["trial"] and r["trial"].is_done),
        "teams": len(rows),
    }
    return render(
        request,
        "trials/trial_runs.html",
        {
            "collaborative": collaborative,
            "access": access,
            "rule": schedule.trial_run if schedule else ReportingSchedule.TrialRule.OFFERED,
            "rows": rows,
            "counts": counts,
        },
    )
