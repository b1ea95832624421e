"""PDSA cycles: a team's list, the worksheet, a cycle's page and print view, its ramp, its
files and comments, and the cycles teams shared with the collaborative."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from convene.collaboratives.access import Access, collaborative_for, team_for
from convene.lib.uploads import serve, store
from convene.lib.versioning import fresh_copy, refreshed_form

from . import signals
from .access import attachment_for, comment_for, cycle_for, visible_cycles
from .authors import label_authors
from .cycle_forms import AttachmentForm, CommentForm, CycleForm, cycle_choices, initial_for_new
from .cycles import create_cycle, revision_changes, save_worksheet, team_labels
from .models import Comment, PDSACycle
from .ramps import forest, ramp_of, scale_path
from .ramps import team_cycles as cycles_of_team


def _conflict() -> str:
    return _(
        "Someone else saved this cycle while you were editing. Your text is kept in the form; "
        "what they saved is shown below it. Compare, then save again."
    )


def _cycle_url(cycle: PDSACycle, anchor: str = "") -> str:
    url = reverse("improvement:cycle", args=[cycle.collaborative_id, cycle.pk])
    return f"{url}#{anchor}" if anchor else url


@require_GET
@login_required
def team_cycles(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_cycles")
    ramps = forest(cycles_of_team(team.pk))
    ramps.sort(key=lambda steps: max(s.cycle.updated_at for s in steps), reverse=True)
    return render(
        request,
        "improvement/team_cycles.html",
        {
            "collaborative": access.collaborative,
            "access": access,
            "team": team,
            "ramps": ramps,
            "may_edit": access.can("edit_cycles", team),
        },
    )


def _render_worksheet(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    return render(request, "improvement/cycle_form.html", context, status=status)


@login_required
def new_cycle(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "edit_cycles")
    choices = cycle_choices(team)
    form = CycleForm(
        request.POST or None,
        choices=choices,
        initial=initial_for_new(choices, request.GET),
        instance=PDSACycle(team=team),
    )
    if request.method == "POST" and form.is_valid():
        cycle = create_cycle(form.save(commit=False), request.user)
        messages.success(request, _("Cycle “%(title)s” saved.") % {"title": cycle.title})
        return redirect(_cycle_url(cycle))
    context = {"collaborative": access.collaborative, "access": access, "team": team}
    context |= {"form": form, "title": _("New PDSA cycle")}
    return _render_worksheet(request, context, 400 if form.errors else 200)


@login_required
def edit_cycle(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    cycle, access = cycle_for(request, collaborative_id, cycle_id, "edit")
    choices = cycle_choices(cycle.team, cycle)
    before = cycle.snapshot()
    form = CycleForm(request.POST or None, choices=choices, instance=cycle)
    saved, status = None, 200
    if request.method == "POST" and form.is_valid():
        form.save(commit=False)
        outcome = save_worksheet(cycle, before, form.cleaned_data["version"], request.user)
        if outcome is not False:
            done = _("Cycle saved.") if outcome else _("Nothing was changed.")
            messages.success(request, done)
            return redirect(_cycle_url(cycle))
        saved = fresh_copy(cycle)  # shown as saved; the form edits a copy of its own
        form = refreshed_form(
            CycleForm, request.POST, fresh_copy(cycle), _conflict(), choices=choices
        )
        status = 409
    context = {"collaborative": access.collaborative, "access": access, "team": cycle.team}
    context |= {"form": form, "cycle": cycle, "saved": saved, "title": _("Edit the cycle")}
    return _render_worksheet(request, context, 400 if form.errors and status == 200 else status)


@require_POST
@login_required
def delete_cycle(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    cycle, _access = cycle_for(request, collaborative_id, cycle_id, "edit")
    cycle.soft_delete(request.user)
    messages.success(
        request,
        _("Cycle “%(title)s” deleted. A host can restore it from Deleted items.")
        % {"title": cycle.title},
    )
    return redirect("improvement:cycles", collaborative_id, cycle.team_id)


def _cycle_context(access: Access, cycle: PDSACycle) -> dict[str, Any]:
    """What the cycle page and its print view show: the worksheet, who sees the team under
    which name, its place in the ramp."""
    own_reader = access.can("view_cycles", cycle.team)
    shown = None if own_reader else (lambda c: c.is_shared)
    steps = ramp_of(cycle, shown=shown)
    label = cycle.team.name if own_reader else team_labels(access).get(cycle.team_id)
    return {
        "collaborative": access.collaborative,
        "access": access,
        "cycle": cycle,
        "team_label": label,
        "own_reader": own_reader,
        "may_edit": access.can("edit_cycles", cycle.team),
        "ramp": steps,
        "ramp_path": scale_path(steps, cycle),
    }


@require_GET
@login_required
def cycle(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    found, access = cycle_for(request, collaborative_id, cycle_id)
    context = _cycle_context(access, found)
    context["attachments"] = list(found.attachments.select_related("uploaded_by"))
    context["comments"] = list(found.comments.select_related("author"))
    label_authors(access, context["comments"])
    context["revisions"] = revision_changes(found, list(found.revisions.select_related("saved_by")))
    context["may_comment"] = access.can("comment_on_cycles") or context["own_reader"]
    context["is_host"] = access.can("restore")
    context["attachment_form"] = AttachmentForm()
    context["comment_form"] = CommentForm()
    return render(request, "improvement/cycle.html", context)


@require_GET
@login_required
def print_cycle(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    found, access = cycle_for(request, collaborative_id, cycle_id)
    return render(request, "improvement/cycle_print.html", _cycle_context(access, found))


@require_GET
@login_required
def ramp(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    found, access = cycle_for(request, collaborative_id, cycle_id)
    return render(request, "improvement/ramp.html", _cycle_context(access, found))


@require_GET
@login_required
def shared_cycles(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_shared_cycles")
    cycles = (
        visible_cycles(access)
        .filter(is_shared=True, team__deleted_at__isnull=True)
        .select_related("idea", "key_change")
        .order_by("-shared_at", "-pk")
    )
    labels = team_labels(access)
    shown = [cycle for cycle in cycles if cycle.team_id in labels]
    for cycle in shown:
        cycle.team_label = labels[cycle.team_id]
    return render(
        request,
        "improvement/shared_cycles.html",
        {"collaborative": collaborative, "access": access, "cycles": shown},
    )


@require_POST
@login_required
def add_attachment(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    found, _access = cycle_for(request, collaborative_id, cycle_id, "edit")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors["file"]:
            messages.error(request, error)
        return redirect(_cycle_url(found, "attachments"))
    upload = form.cleaned_data["file"]
    found.attachments.create(
        file=store(upload, "cycles"),
        name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=request.user,
    )
    messages.success(request, _("“%(name)s” attached.") % {"name": upload.name})
    return redirect(_cycle_url(found, "attachments"))


@require_GET
@login_required
def attachment(request: HttpRequest, collaborative_id: int, attachment_id: int) -> HttpResponse:
    found, _access = attachment_for(request, collaborative_id, attachment_id)
    return serve(request, found.file, found.name, found.content_type)


@require_POST
@login_required
def delete_attachment(
    request: HttpRequest, collaborative_id: int, attachment_id: int
) -> HttpResponse:
    found, _access = attachment_for(request, collaborative_id, attachment_id, "edit")
    found.soft_delete(request.user)
    messages.success(
        request,
        _("“%(name)s” removed. A host can restore it from Deleted items.") % {"name": found.name},
    )
    return redirect(_cycle_url(found.cycle, "attachments"))


@require_POST
@login_required
def add_comment(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    found, _access = cycle_for(request, collaborative_id, cycle_id, "comment")
    form = CommentForm(request.POST, instance=Comment(cycle=found, author=request.user))
    if not form.is_valid():
        messages.error(request, _("Write a comment before sending it."))
        return redirect(_cycle_url(found, "comments"))
    comment = form.save()
    signals.cycle_commented.send(sender=Comment, comment=comment)
    messages.success(request, _("Comment added."))
    return redirect(_cycle_url(found, f"comment-{comment.pk}"))


@require_POST
@login_required
def delete_comment(request: HttpRequest, collaborative_id: int, comment_id: int) -> HttpResponse:
    comment, _access = comment_for(request, collaborative_id, comment_id)
    comment.soft_delete(request.user)
    messages.success(request, _("Comment deleted."))
    return redirect(_cycle_url(comment.cycle, "comments"))
