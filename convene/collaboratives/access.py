"""Who may do what in a collaborative: the one policy table, and the lookups that apply it.

Views reach every object through a function here (``collaborative_for``, ``team_for``…), which
answers 404 to people outside the collaborative and 403 to people inside who may not do the
action. Templates ask the same table through ``access.may.<action>``, and the permission-matrix
test reads it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from convene.accounts.models import User

from . import restore
from .models import (
    CharterDecision,
    CoachAssignment,
    Collaborative,
    CollaborativeMembership,
    CollaborativeRole,
    Invitation,
    Organisation,
    PeerGroup,
    Team,
    TeamMembership,
    TeamRole,
)

HOST = CollaborativeRole.HOST_ADMIN.value
PLANNING = CollaborativeRole.PLANNING.value
FACULTY = CollaborativeRole.FACULTY.value
COACH = CollaborativeRole.COACH.value
OBSERVER = CollaborativeRole.OBSERVER.value
# Grants that are not a collaborative role:
TEAM_MEMBER = "team_member"  # on any team of the collaborative
OWN_TEAM = "own_team"  # on the team the action is about
OWN_TEAM_LEAD = "own_team_lead"  # data lead or change leader of the team the action is about
ASSIGNED_COACH = "assigned_coach"  # coaching the team the action is about

EVERY_PARTICIPANT = frozenset({HOST, PLANNING, FACULTY, COACH, OBSERVER, TEAM_MEMBER})
# The team roles that hold OWN_TEAM_LEAD.
LEAD_ROLES = frozenset({TeamRole.DATA_LEAD.value, TeamRole.CHANGE_LEADER.value})

# The policy. Site staff act as host admins everywhere.
POLICY: dict[str, frozenset[str]] = {
    "view_collaborative": EVERY_PARTICIPANT,
    "edit_collaborative": frozenset({HOST}),
    "delete_collaborative": frozenset({HOST}),
    "view_charter": EVERY_PARTICIPANT,
    "edit_charter": frozenset({HOST, PLANNING}),
    "view_people": frozenset({HOST, PLANNING, FACULTY, COACH, TEAM_MEMBER}),
    "manage_people": frozenset({HOST}),
    "view_team_names": frozenset({HOST, PLANNING, FACULTY, COACH, TEAM_MEMBER}),
    "view_team": frozenset({HOST, PLANNING, FACULTY, ASSIGNED_COACH, OWN_TEAM}),
    "manage_team": frozenset({HOST}),
    "view_groups": frozenset({HOST, PLANNING, FACULTY, COACH, TEAM_MEMBER}),
    "manage_groups": frozenset({HOST}),
    # The change package: what teams test. Observers see aggregate views only.
    "view_change_package": frozenset({HOST, PLANNING, FACULTY, COACH, TEAM_MEMBER}),
    "edit_change_package": frozenset({HOST, PLANNING}),
    # The driver diagram (a planning document like the change package); a team's additions.
    "view_driver_diagram": frozenset({HOST, PLANNING, FACULTY, COACH, TEAM_MEMBER}),
    "edit_driver_diagram": frozenset({HOST, PLANNING}),
    "adapt_team_diagram": frozenset({HOST, OWN_TEAM}),
    # A team's PDSA cycles and action plans: the team, its coach, hosts, planners and faculty.
    "view_cycles": frozenset({HOST, PLANNING, FACULTY, ASSIGNED_COACH, OWN_TEAM}),
    "edit_cycles": frozenset({HOST, OWN_TEAM}),
    # Cycles a team chose to share, as the sharing setting allows (none under aggregate-only).
    "view_shared_cycles": frozenset({HOST, PLANNING, FACULTY, COACH, TEAM_MEMBER}),
    "comment_on_cycles": frozenset({HOST, PLANNING, FACULTY, COACH, TEAM_MEMBER}),
    "view_action_plans": frozenset({HOST, PLANNING, FACULTY, ASSIGNED_COACH, OWN_TEAM}),
    "edit_action_plans": frozenset({HOST, OWN_TEAM}),
    # Which change ideas travel: the spread matrix (teams' columns as sharing allows).
    "view_spread": frozenset({HOST, PLANNING, FACULTY, COACH, TEAM_MEMBER}),
    # The coach's view of her teams' plans and cycles (hosts and faculty see every team's).
    "view_coaching": frozenset({HOST, FACULTY, COACH}),
    # "My teams" (a coach's teams) and "Teams" (the host's, all of them): who is slipping.
    "view_follow_up": frozenset({HOST, COACH}),
    "log_check_in": frozenset({HOST, ASSIGNED_COACH}),
    "view_check_ins": frozenset({HOST, ASSIGNED_COACH}),
    "view_measures": EVERY_PARTICIPANT,
    "edit_measures": frozenset({HOST, PLANNING}),
    "view_dashboard": EVERY_PARTICIPANT,
    "view_reporting_status": frozenset({HOST, PLANNING, FACULTY, COACH}),
    # A team's own numbers and reports: its members write them, host admins can correct.
    "view_team_data": frozenset({HOST, PLANNING, FACULTY, ASSIGNED_COACH, OWN_TEAM}),
    "enter_team_data": frozenset({HOST, OWN_TEAM}),
    # Metrics of a team's own, beside the shared ones: only where the collaborative allows it.
    "add_team_metric": frozenset({HOST, OWN_TEAM_LEAD}),
    # A new phase of a team's chart (its limits recomputed from a period on) is the team's
    # reading of its own process: its leads decide it, the host can correct it.
    "manage_chart_phases": frozenset({HOST, OWN_TEAM_LEAD}),
    # A new phase of the collaborative's roll-up: those who plan the measures decide it.
    "manage_rollup_phases": frozenset({HOST, PLANNING}),
    "reopen_report": frozenset({HOST}),
    # The trial run tests the metrics' definitions: those who set them review it.
    "review_trial_run": frozenset({HOST, PLANNING}),
    "export_data": frozenset({HOST}),
    "give_feedback": frozenset({HOST, FACULTY, ASSIGNED_COACH}),
    "view_feedback_queue": frozenset({HOST, FACULTY, COACH}),
    "view_audit": frozenset({HOST}),
    "restore": frozenset({HOST}),
}
# Actions a collaborative's setting allows: while it is off, nobody may do them.
NEEDS_SETTING: dict[str, str] = {"add_team_metric": "can_teams_add_metrics"}
# Roles that always see every team by name, whatever the sharing setting.
SEES_ALL_TEAMS = frozenset({HOST, PLANNING, FACULTY})


@dataclass
class Access:
    """What one person holds in one collaborative."""

    collaborative: Collaborative
    roles: frozenset[str] = frozenset()
    team_ids: frozenset[int] = frozenset()
    coached_team_ids: frozenset[int] = frozenset()
    lead_team_ids: frozenset[int] = frozenset()  # teams where the person is a lead
    is_staff: bool = False
    _may: Any = field(default=None, repr=False)

    @property
    def grants(self) -> frozenset[str]:
        grants = set(self.roles)
        if self.is_staff:
            grants.add(HOST)
        if self.team_ids:
            grants.add(TEAM_MEMBER)
        return frozenset(grants)

    @property
    def is_participant(self) -> bool:
        return bool(self.grants)

    def can(self, action: str, team: Team | None = None) -> bool:
        allowed = POLICY[action]
        setting = NEEDS_SETTING.get(action)
        if setting and not getattr(self.collaborative, setting):
            return False
        if self.grants & allowed:
            return True
        if team is None:
            return False
        if OWN_TEAM in allowed and team.pk in self.team_ids:
            return True
        if OWN_TEAM_LEAD in allowed and team.pk in self.lead_team_ids:
            return True
        return ASSIGNED_COACH in allowed and team.pk in self.coached_team_ids

    @property
    def may(self) -> _May:
        """For templates: ``{% if access.may.edit_charter %}``."""
        return _May(self)

    @cached_property
    def peer_team_ids(self) -> frozenset[int]:
        """Teams sharing a peer group with one of this person's own teams."""
        if not self.team_ids:
            return frozenset()
        groups = PeerGroup.objects.filter(collaborative=self.collaborative, teams__in=self.team_ids)
        return frozenset(
            PeerGroup.teams.through.objects.filter(peergroup__in=groups).values_list(
                "team_id", flat=True
            )
        )

    @property
    def sees_all_teams(self) -> bool:
        return bool(self.grants & SEES_ALL_TEAMS)

    def team_label(self, team: Team, letter_index: int) -> str | None:
        """The name this person may see for ``team``, given the sharing setting.

        ``letter_index`` is the team's place among the collaborative's teams, for the
        anonymised letters. None means the team is not shown at all.
        """
        if self.sees_all_teams or team.pk in self.team_ids or team.pk in self.coached_team_ids:
            return team.name
        if not self.can("view_team_names"):
            return None
        sharing = self.collaborative.sharing
        if sharing == Collaborative.Sharing.NAMED:
            return team.name
        if sharing == Collaborative.Sharing.ANONYMISED:
            from django.utils.translation import gettext

            if team.pk in self.peer_team_ids:
                return team.name  # grouped to learn from each other (DESIGN.md)

            return gettext("Team %(letter)s") % {"letter": _letters(letter_index)}
        return None


class _May:
    def __init__(self, access: Access) -> None:
        self._access = access

    def __getitem__(self, action: str) -> bool:
        return self._access.can(action)

    def __getattr__(self, action: str) -> bool:
        if action not in POLICY:
            raise AttributeError(action)
        return self._access.can(action)


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: labels for anonymised teams."""
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = chr(ord("A") + remainder) + label
    return label


def access_in(user: Any, collaborative: Collaborative) -> Access:
    """Load what ``user`` holds in ``collaborative`` (three small queries)."""
    return accesses_in(user, [collaborative])[collaborative.pk]


def accesses_in(user: Any, collaboratives: list[Collaborative]) -> dict[int, Access]:
    """What ``user`` holds in each collaborative, by id: three queries however many there are."""
    if not user.is_authenticated:
        return {c.pk: Access(c) for c in collaboratives}
    ids = [c.pk for c in collaboratives]
    roles: dict[int, set[str]] = {pk: set() for pk in ids}
    teams: dict[int, set[int]] = {pk: set() for pk in ids}
    leads: dict[int, set[int]] = {pk: set() for pk in ids}
    coached: dict[int, set[int]] = {pk: set() for pk in ids}
    for collaborative_id, role in (
        CollaborativeMembership.objects.current()
        .filter(collaborative_id__in=ids, user=user)
        .values_list("collaborative_id", "role")
    ):
        roles[collaborative_id].add(role)
    for collaborative_id, team_id, role in (
        TeamMembership.objects.current()
        .filter(user=user, team__collaborative_id__in=ids, team__deleted_at__isnull=True)
        .values_list("team__collaborative_id", "team_id", "role")
    ):
        teams[collaborative_id].add(team_id)
        if role in LEAD_ROLES:
            leads[collaborative_id].add(team_id)
    for collaborative_id, team_id in (
        CoachAssignment.objects.current()
        .filter(coach=user, team__collaborative_id__in=ids, team__deleted_at__isnull=True)
        .values_list("team__collaborative_id", "team_id")
    ):
        coached[collaborative_id].add(team_id)
    return {
        c.pk: Access(
            c,
            roles=frozenset(roles[c.pk]),
            team_ids=frozenset(teams[c.pk]),
            lead_team_ids=frozenset(leads[c.pk]),
            coached_team_ids=frozenset(coached[c.pk]),
            is_staff=user.is_staff,
        )
        for c in collaboratives
    }


def people_who_may(
    collaborative: Collaborative, action: str, team: Team | None = None
) -> list[str]:
    """The e-mail addresses of everyone who may do ``action`` (on ``team``), by the policy:
    whom to tell when something awaits them. Site staff are not members and are not told."""
    allowed = POLICY[action]
    roles = [grant for grant in allowed if grant in CollaborativeRole.values]
    users = CollaborativeMembership.objects.current().filter(
        collaborative=collaborative, role__in=roles
    )
    addresses = set(users.values_list("user__email", flat=True))
    teams = TeamMembership.objects.current().filter(
        team__collaborative=collaborative, team__deleted_at__isnull=True
    )
    if TEAM_MEMBER in allowed:
        addresses |= set(teams.values_list("user__email", flat=True))
    if team is not None and OWN_TEAM in allowed:
        addresses |= set(teams.filter(team=team).values_list("user__email", flat=True))
    if team is not None and OWN_TEAM_LEAD in allowed:
        addresses |= set(team_leads(team))
    if team is not None and ASSIGNED_COACH in allowed:
        coaches = CoachAssignment.objects.current().filter(team=team)
        addresses |= set(coaches.values_list("coach__email", flat=True))
    return sorted(addresses)


def users_who_may(collaborative: Collaborative, action: str, team: Team | None = None) -> list[Any]:
    """The people (users, active ones) who may do ``action`` (on ``team``), by the policy, as
    ``people_who_may`` finds their addresses: whom to notify when something awaits them."""
    allowed = POLICY[action]
    roles = [grant for grant in allowed if grant in CollaborativeRole.values]
    live_team = Q(team__collaborative=collaborative, team__deleted_at__isnull=True)
    members = TeamMembership.objects.current().filter(live_team)
    who = Q(
        pk__in=CollaborativeMembership.objects.current()
        .filter(collaborative=collaborative, role__in=roles)
        .values("user_id")
    )
    if TEAM_MEMBER in allowed:
        who |= Q(pk__in=members.values("user_id"))
    if team is not None and OWN_TEAM in allowed:
        who |= Q(pk__in=members.filter(team=team).values("user_id"))
    if team is not None and OWN_TEAM_LEAD in allowed:
        who |= Q(pk__in=members.filter(team=team, role__in=LEAD_ROLES).values("user_id"))
    if team is not None and ASSIGNED_COACH in allowed:
        coaches = CoachAssignment.objects.current().filter(team=team)
        who |= Q(pk__in=coaches.values("coach_id"))
    return list(User.objects.filter(who, is_active=True).order_by("pk"))


def team_leads(team: Team) -> list[str]:
    """The e-mail addresses of the team's data lead and change leader (``LEAD_ROLES``)."""
    leads = TeamMembership.objects.current().filter(team=team, role__in=LEAD_ROLES)
    return sorted(set(leads.values_list("user__email", flat=True)))


def _require(access: Access, action: str, team: Team | None = None) -> None:
    if not access.is_participant:
        raise Http404
    if not access.can(action, team):
        raise PermissionDenied


def collaborative_for(
    request: HttpRequest, collaborative_id: int, action: str = "view_collaborative"
) -> tuple[Collaborative, Access]:
    """The collaborative, if the person may do ``action`` in it: 404 outside, 403 inside."""
    collaborative = (
        Collaborative.objects.select_related("host_organisation")
        .filter(pk=collaborative_id)
        .first()
    )
    if collaborative is None:
        raise Http404
    access = access_in(request.user, collaborative)
    _require(access, action)
    return collaborative, access


def deleted_collaborative_for(request: HttpRequest, collaborative_id: int) -> Collaborative:
    """A soft-deleted collaborative, for a host admin who may restore it."""
    collaborative = Collaborative.all_objects.filter(
        pk=collaborative_id, deleted_at__isnull=False
    ).first()
    if collaborative is None:
        raise Http404
    _require(access_in(request.user, collaborative), "restore")
    return collaborative


def team_for(
    request: HttpRequest, collaborative_id: int, team_id: int, action: str = "view_team"
) -> tuple[Team, Access]:
    """A team of the collaborative, if the person may do ``action`` on it."""
    collaborative, access = collaborative_for(request, collaborative_id)
    team = (
        Team.objects.select_related("organisation")
        .filter(pk=team_id, collaborative=collaborative)
        .first()
    )
    if team is None:
        raise Http404
    team.collaborative = collaborative
    _require(access, action, team)
    return team, access


# Objects inside a collaborative or team that a view has already looked up (and so checked):
# each answers 404 when the object is not there.


def one_or_404(queryset: Any, **filters: Any) -> Any:
    """The one row of ``queryset`` (with ``filters``), or not found: what every access
    function ends with once it has scoped the query to what the person may reach."""
    found = queryset.filter(**filters).first()
    if found is None:
        raise Http404
    return found


def decision_in(collaborative: Collaborative, decision_id: int) -> CharterDecision:
    return one_or_404(CharterDecision.objects, pk=decision_id, collaborative=collaborative)


def invitation_in(collaborative: Collaborative, invitation_id: int) -> Invitation:
    return one_or_404(Invitation.objects, pk=invitation_id, collaborative=collaborative)


def invitation_to_answer(request: HttpRequest, invitation_id: int) -> Invitation:
    """A pending invitation to the signed-in person's own address (what the home page's to-do
    list links to, for one who has lost the e-mail); anyone else's is not found."""
    invitation = (
        Invitation.objects.pending()
        .select_related("collaborative", "team", "invited_by")
        .filter(pk=invitation_id, collaborative__deleted_at__isnull=True)
        .first()
    )
    if invitation is None or not invitation.is_for(request.user):
        raise Http404
    return invitation


def role_in(collaborative: Collaborative, membership_id: int) -> CollaborativeMembership:
    """A person's current role in the collaborative."""
    current = CollaborativeMembership.objects.current()
    return one_or_404(current, pk=membership_id, collaborative=collaborative)


def team_membership_in(team: Team, membership_id: int, current: bool = True) -> TeamMembership:
    """A place on the team: a current one, or with ``current=False`` any, ended ones too."""
    memberships = TeamMembership.objects.current() if current else TeamMembership.objects
    return one_or_404(memberships, pk=membership_id, team=team)


def coach_assignment_in(team: Team, assignment_id: int) -> CoachAssignment:
    return one_or_404(CoachAssignment.objects.current(), pk=assignment_id, team=team)


def group_in(collaborative: Collaborative, group_id: int) -> PeerGroup:
    return one_or_404(PeerGroup.objects, pk=group_id, collaborative=collaborative)


def deleted_item_in(collaborative: Collaborative, kind: str, item_id: int) -> Any:
    """A soft-deleted object of a kind the apps registered for restoring (``restore.py``)."""
    registered = restore.lookup(kind)
    if registered is None:
        raise PermissionDenied
    model, path = registered
    return one_or_404(
        model.all_objects, pk=item_id, deleted_at__isnull=False, **{path: collaborative}
    )


def organisation_for(request: HttpRequest, organisation_id: int) -> Organisation:
    """An organisation, for site staff or anyone who can see one of its teams or collaboratives."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    user = request.user
    if user.is_staff:
        return organisation
    hosts_one_of_mine = visible_collaboratives(user).filter(host_organisation=organisation)
    if not hosts_one_of_mine.exists() and not visible_teams_of(user, organisation):
        raise Http404
    return organisation


def visible_teams_of(user: Any, organisation: Organisation) -> list[Team]:
    """The organisation's teams that ``user`` may open, across collaboratives."""
    teams = list(
        Team.objects.filter(organisation=organisation, collaborative__deleted_at__isnull=True)
        .select_related("collaborative")
        .order_by("collaborative__name", "name")
    )
    if user.is_staff:
        return teams
    collaboratives = list({team.collaborative_id: team.collaborative for team in teams}.values())
    accesses = accesses_in(user, collaboratives)
    return [team for team in teams if accesses[team.collaborative_id].can("view_team", team)]


def planned_by(user: Any) -> Any:
    """The live collaboratives ``user`` hosts or plans now (every one for site staff): those
    whose definitions the person may copy into another collaborative."""
    collaboratives = Collaborative.objects.all()
    if user.is_staff:
        return collaboratives
    return collaboratives.filter(
        memberships__user=user,
        memberships__role__in=[CollaborativeRole.HOST_ADMIN, CollaborativeRole.PLANNING],
        memberships__ended_at__isnull=True,
        memberships__deleted_at__isnull=True,
    )


def visible_collaboratives(user: Any) -> Any:
    """The live collaboratives ``user`` takes part in (all of them for site staff)."""
    collaboratives = Collaborative.objects.all()
    if user.is_staff:
        return collaboratives
    return collaboratives.filter(
        Q(
            memberships__user=user,
            memberships__ended_at__isnull=True,
            memberships__deleted_at__isnull=True,
        )
        | Q(
            teams__memberships__user=user,
            teams__memberships__ended_at__isnull=True,
            teams__memberships__deleted_at__isnull=True,
            teams__deleted_at__isnull=True,
        )
    ).distinct()
