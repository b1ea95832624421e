"""Who is slipping ("My teams" for a coach, "Teams" for a host) and the coach's check-ins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from convene.collaboratives.access import HOST, Access, collaborative_for, team_for
from convene.collaboratives.models import Team
from convene.lib.versioning import fresh_copy, refreshed_form, save_if_unchanged

from .access import check_in_in
from .follow_up import followed_teams, headings, rows_for
from .followup_forms import CHECK_IN_FIELDS, CheckInForm
from .models import CheckIn


@require_GET
@login_required
def follow_up(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_follow_up")
    rows = rows_for(access, followed_teams(access))
    return render(
        request,
        "notifications/follow_up.html",
        {
            "collaborative": collaborative,
            "access": access,
            "rows": rows,
            "headings": headings(rows),
            "slipping": sum(row.is_slipping for row in rows),
            "sees_all": HOST in access.grants,
        },
    )


def _after_check_in(team: Team, access: Access) -> str:
    """Back to the team's row on My teams, or to its check-ins for one who may not open it."""
    collaborative_id = team.collaborative_id
    if access.can("view_follow_up"):
        return reverse("notifications:follow-up", args=[collaborative_id]) + f"#team-{team.pk}"
    return reverse("notifications:check-ins", args=[collaborative_id, team.pk])


def _form_page(
    request: HttpRequest, team: Team, access: Access, form: CheckInForm, status: int = 200, **extra
) -> HttpResponse:
    context = {"collaborative": access.collaborative, "access": access, "team": team, "form": form}
    return render(request, "notifications/check_in_form.html", context | extra, status=status)


@login_required
def new_check_in(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "log_check_in")
    form = CheckInForm(request.POST or None, today=access.collaborative.today())
    if request.method == "POST":
        if form.is_valid():
            form.instance.team = team
            form.instance.author = request.user
            form.save()
            messages.success(request, _("Check-in with %(team)s saved.") % {"team": team.name})
            return redirect(_after_check_in(team, access))
        return _form_page(request, team, access, form, status=400)
    return _form_page(request, team, access, form)


@login_required
def edit_check_in(
    request: HttpRequest, collaborative_id: int, team_id: int, check_in_id: int
) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "log_check_in")
    check_in = check_in_in(team, check_in_id)
    form = CheckInForm(request.POST or None, instance=check_in)
    if request.method != "POST":
        return _form_page(request, team, access, form, check_in=check_in)
    if not form.is_valid():
        return _form_page(request, team, access, form, status=400, check_in=check_in)
    if save_if_unchanged(check_in, form.cleaned_data["version"], CHECK_IN_FIELDS):
        messages.success(request, _("Check-in saved."))
        return redirect("notifications:check-ins", collaborative_id, team.pk)
    saved = fresh_copy(check_in)  # shown as saved; the form edits a copy of its own
    message = _(
        "Someone else saved this check-in while you were editing. What you typed is kept; "
        "compare it with the saved version, then save again."
    )
    form = refreshed_form(CheckInForm, request.POST, fresh_copy(check_in), message)
    return _form_page(request, team, access, form, status=409, check_in=saved, saved=saved)


@require_POST
@login_required
def delete_check_in(
    request: HttpRequest, collaborative_id: int, team_id: int, check_in_id: int
) -> HttpResponse:
    team, _access = team_for(request, collaborative_id, team_id, "log_check_in")
    check_in = check_in_in(team, check_in_id)
    check_in.soft_delete(request.user)
    messages.success(request, _("Check-in deleted. A host can restore it from Deleted items."))
    return redirect("notifications:check-ins", collaborative_id, team.pk)


@require_GET
@login_required
def check_ins(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_check_ins")
    found = CheckIn.objects.filter(team=team).select_related("author")
    return render(
        request,
        "notifications/check_ins.html",
        {
            "collaborative": access.collaborative,
            "access": access,
            "team": team,
            "check_ins": list(found),
            "may_log": access.can("log_check_in", team),
            "today": access.collaborative.today(),
        },
    )
