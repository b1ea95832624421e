"""The events this part tells: an invitation accepted, a member joined, a comment on a cycle.
Each: the right people, never the one who acted, once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from convene.collaboratives.models import Invitation, TeamMembership, TeamRole
from convene.improvement.models import PDSACycle
from convene.notifications.models import Notification

from ..factories import make_user


@pytest.fixture(autouse=True)
def _nothing_told_yet(world):
    """Building the world joined people to teams, which told their leads: start from none."""
    Notification.objects.all().delete()


def _told(kind: str) -> dict[str, list[str]]:
    """Who was told of ``kind``: {person's name: [texts]}."""
    found: dict[str, list[str]] = {}
    for notification in Notification.objects.filter(kind=kind).select_related("recipient"):
        found.setdefault(notification.recipient.full_name, []).append(notification.text)
    return found


def _accept(client, invitation, token, user):
    client.force_login(user)
    url = reverse("collaboratives:accept-invitation", args=[token])
    return client.post(url)


def test_the_inviter_is_told_once_when_the_invitation_is_accepted(client, world):
    newcomer = make_user("Nadia Newcomer", email="nadia@example.test")
    invitation, token = Invitation.issue(
        collaborative=world.collaborative,
        email="nadia@example.test",
        role="faculty",
        invited_by=world.host,
    )
    assert _accept(client, invitation, token, newcomer).status_code == 302
    assert _accept(client, invitation, token, newcomer).status_code == 410  # used up
    assert _told("invitation_accepted") == {
        "Host": ["Nadia Newcomer accepted your invitation to Hypertension Collaborative as faculty"]
    }
    notification = Notification.objects.get(kind="invitation_accepted")
    assert notification.link == reverse("collaboratives:people", args=[world.collaborative.pk])
    assert notification.collaborative == world.collaborative


def test_nobody_is_told_when_the_inviter_is_gone_or_accepts_themselves(client, world):
    invitation, token = Invitation.issue(
        collaborative=world.collaborative, email=world.host.email, role="faculty"
    )
    _accept(client, invitation, token, world.host)
    invitation, token = Invitation.issue(
        collaborative=world.collaborative,
        email=world.host.email,
        role="planning",
        invited_by=world.host,
    )
    _accept(client, invitation, token, world.host)
    assert _told("invitation_accepted") == {}


def test_a_new_member_is_announced_to_the_team_s_leads_and_coach(client, world):
    newcomer = make_user("Nadia Newcomer", email="nadia@example.test")
    invitation, token = Invitation.issue(
        collaborative=world.collaborative,
        team=world.team_a,
        email="nadia@example.test",
        role=TeamRole.MEMBER,
        invited_by=world.host,
    )
    _accept(client, invitation, token, newcomer)
    expected = ["Nadia Newcomer joined Eastside clinic as team member"]
    assert _told("member_joined") == {"Leader": expected, "Data_Lead": expected, "Coach": expected}
    team_page = reverse("collaboratives:team", args=[world.collaborative.pk, world.team_a.pk])
    assert {n.link for n in Notification.objects.filter(kind="member_joined")} == {team_page}
    # The inviter hears of the acceptance, naming the team.
    assert _told("invitation_accepted") == {
        "Host": [
            "Nadia Newcomer accepted your invitation to Eastside clinic "
            "(Hypertension Collaborative) as team member"
        ]
    }


def test_a_lead_joining_is_not_told_of_themselves_and_a_second_role_or_new_role_is_no_joining(
    world,
):
    newcomer = make_user("Nadia Newcomer")
    membership = world.team_a.add_member(newcomer, TeamRole.DATA_LEAD)
    assert set(_told("member_joined")) == {"Leader", "Data_Lead", "Coach"}
    Notification.objects.all().delete()
    world.team_a.add_member(newcomer, TeamRole.CLINICIAN_CHAMPION)
    membership.change_role(TeamRole.CHANGE_LEADER)
    TeamMembership.objects.get(team=world.team_a, user=world.member).change_role(TeamRole.DATA_LEAD)
    assert _told("member_joined") == {}


def test_a_comment_on_a_cycle_is_told_to_the_team_s_leads_and_the_author(client, world):
    cycle = PDSACycle.objects.create(
        collaborative=world.collaborative,
        team=world.team_a,
        title="Repeat readings",
        created_by=world.member,
    )
    client.force_login(world.coach)
    url = reverse("improvement:comment-on-cycle", args=[world.collaborative.pk, cycle.pk])
    client.post(url, {"text": "Try five patients next."})
    expected = ["New comment on the PDSA cycle “Repeat readings” of Eastside clinic"]
    assert _told("cycle_commented") == {
        "Leader": expected,
        "Data_Lead": expected,
        "Member": expected,
    }
    link = Notification.objects.filter(kind="cycle_commented").first().link
    assert link.startswith(reverse("improvement:cycle", args=[world.collaborative.pk, cycle.pk]))
    assert client.get(link).status_code == 200


def test_the_commenter_is_not_told_of_their_own_comment(client, world):
    cycle = PDSACycle.objects.create(
        collaborative=world.collaborative,
        team=world.team_a,
        title="Repeat readings",
        created_by=world.data_lead,
    )
    client.force_login(world.data_lead)
    url = reverse("improvement:comment-on-cycle", args=[world.collaborative.pk, cycle.pk])
    client.post(url, {"text": "Done with the first five."})
    assert set(_told("cycle_commented")) == {"Leader"}
