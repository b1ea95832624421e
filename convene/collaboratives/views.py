from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convene.accounts.forms import SignUpForm
from convene.accounts.models import User
from convene.lib import emails
from convene.lib.versioning import fresh_copy, refreshed_form

from . import access as acl
from . import restore
from .access import collaborative_for, deleted_collaborative_for, organisation_for, team_for
from .audit_display import describe
from .forms import (
    AssignCoachForm,
    AuditFilterForm,
    ChangeTeamRoleForm,
    CharterForm,
    CollaborativeInviteForm,
    CollaborativeSettingsForm,
    DecisionForm,
    NewCollaborativeForm,
    PeerGroupForm,
    TeamForm,
    TeamInviteForm,
)
from .models import (
    AuditEvent,
    Collaborative,
    CollaborativeMembership,
    CollaborativeRole,
    Invitation,
    Team,
    TeamMembership,
)
from .overview import labelled_teams, next_steps
from .to_do import to_do_for

# ---------------------------------------------------------------- my collaboratives


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = (
        acl.visible_collaboratives(user)
        .select_related("host_organisation")
        .annotate(
            team_count=Count("teams", filter=Q(teams__deleted_at__isnull=True), distinct=True)
        )
    )
    roles: dict[int, list[str]] = {}
    for membership in CollaborativeMembership.objects.current().filter(user=user):
        roles.setdefault(membership.collaborative_id, []).append(membership.get_role_display())
    for membership in (
        TeamMembership.objects.current()
        .filter(user=user, team__deleted_at__isnull=True)
        .select_related("team")
    ):
        roles.setdefault(membership.team.collaborative_id, []).append(
            f"{membership.get_role_display()}, {membership.team.name}"
        )
    collaboratives = list(mine)
    for collaborative in collaboratives:
        collaborative.my_roles = roles.get(collaborative.pk, [])
    deleted = Collaborative.all_objects.filter(deleted_at__isnull=False)
    if not user.is_staff:
        deleted = deleted.filter(
            memberships__user=user,
            memberships__role=CollaborativeRole.HOST_ADMIN,
            memberships__ended_at__isnull=True,
            memberships__deleted_at__isnull=True,
        )
    return render(
        request,
        "collaboratives/home.html",
        {
            "collaboratives": collaboratives,
            "deleted": list(deleted.distinct()),
            "to_do": to_do_for(user, collaboratives),
        },
    )


@login_required
def create_collaborative(request: HttpRequest) -> HttpResponse:
    if not request.user.may_create_collaboratives:
        raise PermissionDenied
    form = NewCollaborativeForm(request.POST or None, host=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.created_by = request.user
            collaborative = form.save()
            collaborative.add_member(request.user, CollaborativeRole.HOST_ADMIN)
        messages.success(request, _("The collaborative is created. You are its host admin."))
        return redirect("collaboratives:overview", collaborative.pk)
    return render(request, "collaboratives/create.html", {"form": form})


# ---------------------------------------------------------------- one collaborative


@login_required
def overview(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id)
    teams = labelled_teams(access)
    role_counts = dict(
        collaborative.memberships.current()
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    people = [(label, role_counts.get(value, 0)) for value, label in CollaborativeRole.choices]
    return render(
        request,
        "collaboratives/overview.html",
        {
            "collaborative": collaborative,
            "access": access,
            "teams": teams,
            "team_count": collaborative.teams.count(),
            "people": people,
            "steps": next_steps(collaborative, access),
        },
    )


@login_required
def edit_collaborative(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "edit_collaborative")
    return _versioned_edit(
        request,
        collaborative,
        access,
        CollaborativeSettingsForm,
        "collaboratives/edit.html",
        _("Settings saved."),
        "collaboratives:overview",
    )


def edited_meanwhile() -> str:
    return _(
        "Someone else saved changes while you were editing. Your text is kept below; "
        "compare it with the saved version, then save again."
    )


def _versioned_edit(
    request: HttpRequest,
    collaborative: Collaborative,
    access: acl.Access,
    form_class: Any,
    template: str,
    saved_message: str,
    next_page: str,
) -> HttpResponse:
    form = form_class(request.POST or None, instance=collaborative)
    conflict = False
    if request.method == "POST" and form.is_valid():
        fields = [name for name in form.fields if name != "version"]
        if collaborative.save_with_version(form.cleaned_data["version"], fields):
            messages.success(request, saved_message)
            return redirect(next_page, collaborative.pk)
        # Someone saved in between: show their values beside what this person typed.
        conflict = True
        current = fresh_copy(collaborative)
        form = refreshed_form(form_class, request.POST, current, edited_meanwhile())
        collaborative = current
    return render(
        request,
        template,
        {"collaborative": collaborative, "access": access, "form": form, "conflict": conflict},
    )


@require_POST
@login_required
def delete_collaborative(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, _access = collaborative_for(request, collaborative_id, "delete_collaborative")
    collaborative.soft_delete(request.user)
    messages.success(
        request,
        _("“%(name)s” is deleted. A host admin can restore it from My collaboratives.")
        % {"name": collaborative.name},
    )
    return redirect("collaboratives:home")


@require_POST
@login_required
def restore_collaborative(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative = deleted_collaborative_for(request, collaborative_id)
    collaborative.restore()
    messages.success(request, _("“%(name)s” is restored.") % {"name": collaborative.name})
    return redirect("collaboratives:overview", collaborative.pk)


# ---------------------------------------------------------------- charter


@login_required
def charter(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_charter")
    decisions = collaborative.decisions.select_related("author")
    return render(
        request,
        "collaboratives/charter.html",
        {
            "collaborative": collaborative,
            "access": access,
            "decisions": decisions,
            # Dated by the collaborative's calendar unless the host types another day.
            "decision_form": DecisionForm(initial={"decided_on": collaborative.today()}),
        },
    )


@login_required
def edit_charter(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "edit_charter")
    return _versioned_edit(
        request,
        collaborative,
        access,
        CharterForm,
        "collaboratives/edit_charter.html",
        _("Charter saved."),
        "collaboratives:charter",
    )


@require_POST
@login_required
def add_decision(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "edit_charter")
    form = DecisionForm(request.POST)
    if form.is_valid():
        form.instance.collaborative = collaborative
        form.instance.author = request.user
        form.save()
        messages.success(request, _("Decision recorded."))
        return redirect("collaboratives:charter", collaborative.pk)
    return render(
        request,
        "collaboratives/charter.html",
        {
            "collaborative": collaborative,
            "access": access,
            "decisions": collaborative.decisions.select_related("author"),
            "decision_form": form,
        },
        status=400,
    )


@require_POST
@login_required
def delete_decision(request: HttpRequest, collaborative_id: int, decision_id: int) -> HttpResponse:
    collaborative, _access = collaborative_for(request, collaborative_id, "edit_charter")
    decision = acl.decision_in(collaborative, decision_id)
    decision.soft_delete(request.user)
    messages.success(request, _("Decision removed. A host admin can restore it."))
    return redirect("collaboratives:charter", collaborative.pk)


# ---------------------------------------------------------------- people and invitations


@login_required
def people(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_people")
    return _render_people(
        request, collaborative, access, CollaborativeInviteForm(collaborative=collaborative)
    )


def _render_people(
    request: HttpRequest,
    collaborative: Collaborative,
    access: acl.Access,
    form: CollaborativeInviteForm,
    status: int = 200,
) -> HttpResponse:
    memberships = collaborative.memberships.select_related("user").order_by(
        "role", "user__full_name"
    )
    if not access.can("manage_people"):
        memberships = memberships.current()
    invitations = (
        collaborative.invitations.select_related("team", "invited_by")
        if access.can("manage_people")
        else Invitation.objects.none()
    )
    return render(
        request,
        "collaboratives/people.html",
        {
            "collaborative": collaborative,
            "access": access,
            "current": [m for m in memberships if m.is_current],
            "former": [m for m in memberships if not m.is_current],
            "invitations": invitations[:200],
            "form": form,
        },
        status=status,
    )


@require_POST
@login_required
def invite(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "manage_people")
    form = CollaborativeInviteForm(request.POST, collaborative=collaborative)
    if not form.is_valid():
        return _render_people(request, collaborative, access, form, status=400)
    invitation, token = Invitation.issue(
        collaborative=collaborative,
        email=form.cleaned_data["email"],
        role=form.cleaned_data["role"],
        message=form.cleaned_data["message"],
        invited_by=request.user,
    )
    emails.invitation(request, invitation, token)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("collaboratives:people", collaborative.pk)


def _back_to_invitation_page(invitation: Invitation) -> HttpResponse:
    if invitation.team_id:
        return redirect("collaboratives:team", invitation.collaborative_id, invitation.team_id)
    return redirect("collaboratives:people", invitation.collaborative_id)


@require_POST
@login_required
def revoke_invitation(
    request: HttpRequest, collaborative_id: int, invitation_id: int
) -> HttpResponse:
    collaborative, _access = collaborative_for(request, collaborative_id, "manage_people")
    invitation = acl.invitation_in(collaborative, invitation_id)
    if invitation.status == "pending":
        invitation.revoke()
        messages.success(request, _("Invitation withdrawn."))
    return _back_to_invitation_page(invitation)


@require_POST
@login_required
def resend_invitation(
    request: HttpRequest, collaborative_id: int, invitation_id: int
) -> HttpResponse:
    collaborative, _access = collaborative_for(request, collaborative_id, "manage_people")
    old = acl.invitation_in(collaborative, invitation_id)
    if old.status == "accepted":
        messages.error(request, _("That invitation has been accepted already."))
        return _back_to_invitation_page(old)
    with transaction.atomic():
        if old.status == "pending":
            old.revoke()
        invitation, token = Invitation.issue(
            collaborative=collaborative,
            team=old.team,
            email=old.email,
            role=old.role,
            message=old.message,
            invited_by=request.user,
        )
    emails.invitation(request, invitation, token)
    messages.success(request, _("A new invitation is sent to %(email)s.") % {"email": old.email})
    return _back_to_invitation_page(invitation)


@require_POST
@login_required
def end_role(request: HttpRequest, collaborative_id: int, membership_id: int) -> HttpResponse:
    collaborative, _access = collaborative_for(request, collaborative_id, "manage_people")
    membership = acl.role_in(collaborative, membership_id)
    is_last_host = (
        membership.role == CollaborativeRole.HOST_ADMIN
        and collaborative.memberships.current().filter(role=CollaborativeRole.HOST_ADMIN).count()
        == 1
    )
    if is_last_host:
        messages.error(request, _("A collaborative needs at least one host admin."))
    else:
        membership.end()
        messages.success(
            request,
            _("%(person)s is no longer %(role)s.")
            % {"person": membership.user, "role": membership.get_role_display()},
        )
    return redirect("collaboratives:people", collaborative.pk)


# ---------------------------------------------------------------- teams


@login_required
def add_team(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "manage_team")
    form = TeamForm(request.POST or None, collaborative=collaborative)
    if request.method == "POST" and form.is_valid():
        team = form.save()
        messages.success(request, _("Team “%(name)s” added.") % {"name": team.name})
        return redirect("collaboratives:team", collaborative.pk, team.pk)
    return render(
        request,
        "collaboratives/team_form.html",
        {"collaborative": collaborative, "access": access, "form": form},
    )


@login_required
def team_detail(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id)
    return _render_team(request, team, access, TeamInviteForm(team=team))


def _render_team(
    request: HttpRequest, team: Team, access: acl.Access, form: Any, status: int = 200
) -> HttpResponse:
    memberships = list(
        TeamMembership.objects.filter(team=team).select_related("user").order_by("started_at")
    )
    can_manage = access.can("manage_team", team)
    invitations = (
        team.invitations.select_related("invited_by") if can_manage else Invitation.objects.none()
    )
    return render(
        request,
        "collaboratives/team.html",
        {
            "collaborative": team.collaborative,
            "team": team,
            "access": access,
            "can_manage": can_manage,
            "current": [m for m in memberships if m.is_current],
            "history": memberships,
            "coaches": team.coach_assignments.select_related("coach").order_by("-started_at"),
            "groups": team.peer_groups.all(),
            "invitations": invitations[:100],
            "form": form,
            "coach_form": AssignCoachForm(collaborative=team.collaborative),
            "role_form": ChangeTeamRoleForm(),
        },
        status=status,
    )


@login_required
def edit_team(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "manage_team")
    kwargs = {"collaborative": team.collaborative}
    form = TeamForm(request.POST or None, instance=team, **kwargs)
    saved = None  # what a colleague saved meanwhile, when they did
    if request.method == "POST" and form.is_valid():
        if form.save_unless_changed():
            messages.success(request, _("Team saved."))
            return redirect("collaboratives:team", collaborative_id, team.pk)
        saved = fresh_copy(team)  # the form below writes what was typed on its own copy
        form = refreshed_form(
            TeamForm, request.POST, fresh_copy(team), edited_meanwhile(), **kwargs
        )
    context = {"access": access, "form": form, "team": team, "saved": saved}
    return render(
        request,
        "collaboratives/team_form.html",
        {**context, "collaborative": team.collaborative},
        status=409 if saved else 200,
    )


@require_POST
@login_required
def delete_team(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, _access = team_for(request, collaborative_id, team_id, "manage_team")
    team.soft_delete(request.user)
    messages.success(
        request,
        _("Team “%(name)s” is deleted. You can restore it from Deleted items.")
        % {"name": team.name},
    )
    return redirect("collaboratives:overview", collaborative_id)


@require_POST
@login_required
def invite_to_team(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "manage_team")
    form = TeamInviteForm(request.POST, team=team)
    if not form.is_valid():
        return _render_team(request, team, access, form, status=400)
    invitation, token = Invitation.issue(
        collaborative=team.collaborative,
        team=team,
        email=form.cleaned_data["email"],
        role=form.cleaned_data["role"],
        message=form.cleaned_data["message"],
        invited_by=request.user,
    )
    emails.invitation(request, invitation, token)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("collaboratives:team", collaborative_id, team.pk)


@require_POST
@login_required
def end_team_membership(
    request: HttpRequest, collaborative_id: int, team_id: int, membership_id: int
) -> HttpResponse:
    team, _access = team_for(request, collaborative_id, team_id, "manage_team")
    membership = acl.team_membership_in(team, membership_id)
    membership.end()
    messages.success(
        request,
        _("%(person)s is no longer %(role)s on this team. The history keeps the record.")
        % {"person": membership.user, "role": membership.get_role_display()},
    )
    return redirect("collaboratives:team", collaborative_id, team.pk)


@require_POST
@login_required
def change_team_role(
    request: HttpRequest, collaborative_id: int, team_id: int, membership_id: int
) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "manage_team")
    membership = acl.team_membership_in(team, membership_id)
    form = ChangeTeamRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the team roles."))
        return redirect("collaboratives:team", collaborative_id, team.pk)
    new = membership.change_role(form.cleaned_data["role"])
    messages.success(
        request,
        _("%(person)s is now %(role)s.") % {"person": new.user, "role": new.get_role_display()},
    )
    return redirect("collaboratives:team", collaborative_id, team.pk)


@require_POST
@login_required
def delete_team_membership(
    request: HttpRequest, collaborative_id: int, team_id: int, membership_id: int
) -> HttpResponse:
    """Remove a row entered by mistake (it stays restorable); ending a role is ``end``."""
    team, _access = team_for(request, collaborative_id, team_id, "manage_team")
    membership = acl.team_membership_in(team, membership_id, current=False)
    membership.soft_delete(request.user)
    messages.success(request, _("Entry deleted. You can restore it from Deleted items."))
    return redirect("collaboratives:team", collaborative_id, team.pk)


@require_POST
@login_required
def assign_coach(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, _access = team_for(request, collaborative_id, team_id, "manage_team")
    form = AssignCoachForm(request.POST, collaborative=team.collaborative)
    if form.is_valid():
        team.assign_coach(form.cleaned_data["coach"])
        messages.success(request, _("Coach assigned."))
    else:
        messages.error(request, _("Choose one of the collaborative's coaches."))
    return redirect("collaboratives:team", collaborative_id, team.pk)


@require_POST
@login_required
def end_coach_assignment(
    request: HttpRequest, collaborative_id: int, team_id: int, assignment_id: int
) -> HttpResponse:
    team, _access = team_for(request, collaborative_id, team_id, "manage_team")
    assignment = acl.coach_assignment_in(team, assignment_id)
    assignment.end()
    messages.success(
        request, _("%(coach)s no longer coaches this team.") % {"coach": assignment.coach}
    )
    return redirect("collaboratives:team", collaborative_id, team.pk)


# ---------------------------------------------------------------- peer groups


@login_required
def peer_groups(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_groups")
    form = PeerGroupForm(request.POST or None, collaborative=collaborative)
    if request.method == "POST":
        if not access.can("manage_groups"):
            raise PermissionDenied
        if form.is_valid():
            group = form.save()
            messages.success(request, _("Peer group “%(name)s” created.") % {"name": group.name})
            return redirect("collaboratives:groups", collaborative.pk)
    labels = {team.pk: team.label for team in labelled_teams(access)}
    groups = list(collaborative.peer_groups.select_related("coach").prefetch_related("teams"))
    for group in groups:
        group.team_labels = [labels[t.pk] for t in group.teams.all() if t.pk in labels]
    return render(
        request,
        "collaboratives/groups.html",
        {"collaborative": collaborative, "access": access, "groups": groups, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def edit_group(request: HttpRequest, collaborative_id: int, group_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "manage_groups")
    group = acl.group_in(collaborative, group_id)
    kwargs = {"collaborative": collaborative}
    form = PeerGroupForm(request.POST or None, instance=group, **kwargs)
    saved = None  # what a colleague saved meanwhile, when they did
    if request.method == "POST" and form.is_valid():
        if form.save_unless_changed():
            messages.success(request, _("Peer group saved."))
            return redirect("collaboratives:groups", collaborative.pk)
        saved = fresh_copy(group)  # the form below writes what was typed on its own copy
        form = refreshed_form(
            PeerGroupForm, request.POST, fresh_copy(group), edited_meanwhile(), **kwargs
        )
    context = {"access": access, "form": form, "group": group, "saved": saved}
    return render(
        request,
        "collaboratives/group_form.html",
        {**context, "collaborative": collaborative},
        status=409 if saved else 200,
    )


@require_POST
@login_required
def delete_group(request: HttpRequest, collaborative_id: int, group_id: int) -> HttpResponse:
    collaborative, _access = collaborative_for(request, collaborative_id, "manage_groups")
    group = acl.group_in(collaborative, group_id)
    group.soft_delete(request.user)
    messages.success(request, _("Peer group deleted. You can restore it from Deleted items."))
    return redirect("collaboratives:groups", collaborative.pk)


# ---------------------------------------------------------------- audit log and deleted items


@login_required
def audit_log(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_audit")
    events = AuditEvent.objects.filter(collaborative=collaborative).select_related("actor")
    actors = get_user_model().objects.filter(
        pk__in=AuditEvent.objects.filter(collaborative=collaborative).values("actor_id")
    )
    object_types = [
        (label, AuditEvent(object_type=label).object_label)
        for label in AuditEvent.objects.filter(collaborative=collaborative)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    ]
    form = AuditFilterForm(request.GET or None, actors=actors, object_types=object_types)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["actor"]:
            events = events.filter(actor=data["actor"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
        if data["q"]:
            events = events.filter(object_repr__icontains=data["q"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "collaboratives/audit.html",
        {
            "collaborative": collaborative,
            "access": access,
            "form": form,
            "page": page,
            "events": describe(page),
            "query": query.urlencode(),
        },
    )


@login_required
def deleted_items(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "restore")
    sections = []
    for kind, model, path in restore.registered():
        rows = model.all_objects.filter(**{path: collaborative, "deleted_at__isnull": False})
        rows = rows.select_related("deleted_by").order_by("-deleted_at")
        sections.append((kind, model._meta.verbose_name_plural, list(rows[:200])))
    return render(
        request,
        "collaboratives/deleted.html",
        {"collaborative": collaborative, "access": access, "sections": sections},
    )


@require_POST
@login_required
def restore_item(
    request: HttpRequest, collaborative_id: int, kind: str, item_id: int
) -> HttpResponse:
    collaborative, _access = collaborative_for(request, collaborative_id, "restore")
    item = acl.deleted_item_in(collaborative, kind, item_id)
    try:
        with transaction.atomic():
            item.restore()
    except IntegrityError:  # a newer row with the same name or role exists
        messages.error(
            request,
            _("“%(item)s” cannot be restored: a newer entry with the same name or role exists.")
            % {"item": item},
        )
    else:
        messages.success(request, _("“%(item)s” is restored.") % {"item": item})
    return redirect("collaboratives:deleted", collaborative.pk)


# ---------------------------------------------------------------- organisations


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for(request, organisation_id)
    return render(
        request,
        "collaboratives/organisation.html",
        {
            "organisation": organisation,
            "teams": acl.visible_teams_of(request.user, organisation),
            "hosted": acl.visible_collaboratives(request.user).filter(
                host_organisation=organisation
            ),
        },
    )


# ---------------------------------------------------------------- invitations


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
        return render(request, "collaboratives/invitation_unknown.html", status=404)
    if invitation.status != "pending" or invitation.collaborative.is_deleted:
        return _invitation_unusable(request, invitation, token)
    if request.user.is_authenticated:
        return _accept_signed_in(request, invitation, token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        # The account exists: sign in first, then come back here to accept.
        return render(request, "collaboratives/invitation_sign_in.html", {"invitation": invitation})
    return _sign_up_and_accept(request, invitation, token)


def _invitation_unusable(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    return render(
        request,
        "collaboratives/invitation_unusable.html",
        {"invitation": invitation, "token": token},
        status=410,
    )


def _welcome(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.collaborative})
    return redirect("collaboratives:overview", invitation.collaborative_id)


def _accept_signed_in(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    if not invitation.is_for(request.user):
        # Someone else's link: nothing is granted; they may sign in as the invited address.
        page = "collaboratives/invitation_other_person.html"
        return render(request, page, {"invitation": invitation}, status=403)
    if request.method != "POST":
        return render(request, "collaboratives/invitation_accept.html", {"invitation": invitation})
    if not invitation.accept(request.user):
        return _invitation_unusable(request, invitation, token)
    return _welcome(request, invitation)


def _sign_up_and_accept(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    form = SignUpForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                accepted = invitation.accept(user)
                if not accepted:
                    transaction.set_rollback(True)  # no account for a used invitation
        except IntegrityError:
            if not User.objects.filter(email__iexact=invitation.email).exists():
                raise
            # Sent twice at once: the other request made the account first.
            page = "collaboratives/invitation_sign_in.html"
            return render(request, page, {"invitation": invitation}, status=409)
        if not accepted:
            return _invitation_unusable(request, invitation, token)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _welcome(request, invitation)
    return render(
        request, "collaboratives/invitation_sign_up.html", {"invitation": invitation, "form": form}
    )


@login_required
def answer_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """An invitation to the signed-in person's address, answered from the to-do list."""
    invitation = acl.invitation_to_answer(request, invitation_id)
    if request.method != "POST":
        return render(request, "collaboratives/invitation_accept.html", {"invitation": invitation})
    if not invitation.accept(request.user):  # used or withdrawn since the page was shown
        messages.error(request, _("That invitation was answered or withdrawn meanwhile."))
        return redirect("collaboratives:home")
    return _welcome(request, invitation)


@require_POST
def request_new_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation_or_none(token)
    if invitation is None:
        return render(request, "collaboratives/invitation_unknown.html", status=404)
    # One note to the hosts per invitation a day, however often the button is pressed.
    first_ask_today = cache.add(f"invitation-asked:{invitation.pk}", True, 60 * 60 * 24)
    if first_ask_today and not invitation.collaborative.is_deleted:
        hosts = acl.people_who_may(invitation.collaborative, "manage_people")
        emails.invitation_requested(request, invitation, hosts)
    return render(request, "collaboratives/invitation_requested.html", {"invitation": invitation})
