"""The policy itself: what each role holds, and how teams are labelled per sharing setting."""

from __future__ import annotations

import pytest

from convene.collaboratives.access import NEEDS_SETTING, POLICY, access_in
from convene.collaboratives.models import Collaborative
from convene.collaboratives.overview import labelled_teams


def test_every_action_names_known_grants():
    known = {
        "host_admin",
        "planning",
        "faculty",
        "coach",
        "observer",
        "team_member",
        "own_team",
        "own_team_lead",
        "assigned_coach",
    }
    for action, grants in POLICY.items():
        assert grants <= known, action


def test_host_admin_may_do_everything(world):
    for setting in NEEDS_SETTING.values():
        setattr(world.collaborative, setting, True)
    access = access_in(world.host, world.collaborative)
    assert all(access.can(action, world.team_a) for action in POLICY)


def test_what_a_setting_allows_nobody_may_do_while_it_is_off(world):
    for person in (world.host, world.staff, world.data_lead):
        access = access_in(person, world.collaborative)
        assert not any(access.can(action, world.team_a) for action in NEEDS_SETTING)


def test_only_a_teams_leads_may_add_its_own_metrics(world):
    world.collaborative.can_teams_add_metrics = True
    allowed = {
        name
        for name in ("leader", "data_lead", "champion", "member", "coach", "other_team")
        if access_in(getattr(world, name), world.collaborative).can("add_team_metric", world.team_a)
    }
    assert allowed == {"leader", "data_lead"}


def test_coach_reads_assigned_team_only(world):
    access = access_in(world.coach, world.collaborative)
    assert access.can("view_team", world.team_a)
    assert not access.can("view_team", world.team_b)
    assert not access.can("manage_team", world.team_a)


def test_team_member_reads_own_team_only(world):
    access = access_in(world.data_lead, world.collaborative)
    assert access.can("view_team", world.team_a)
    assert not access.can("view_team", world.team_b)
    assert not access.can("edit_charter")


def test_ended_roles_grant_nothing(world):
    world.team_a.memberships.get(user=world.member).end()
    assert not access_in(world.member, world.collaborative).is_participant


def test_site_staff_act_as_host_admins(world):
    assert access_in(world.staff, world.collaborative).can("restore")


def _labels(person, world):
    return [team.label for team in labelled_teams(access_in(person, world.collaborative))]


@pytest.mark.parametrize(
    ("sharing", "expected"),
    [
        (Collaborative.Sharing.NAMED, ["Eastside clinic", "Valley clinic"]),
        (Collaborative.Sharing.ANONYMISED, ["Valley clinic", "Team A"]),
        (Collaborative.Sharing.AGGREGATE, ["Valley clinic"]),
    ],
)
def test_other_teams_appear_as_the_sharing_setting_says(world, sharing, expected):
    world.collaborative.sharing = sharing
    world.collaborative.save()
    assert _labels(world.other_team, world) == expected


def test_hosts_and_faculty_always_see_names(world):
    assert _labels(world.faculty, world) == ["Eastside clinic", "Valley clinic"]


def test_observer_sees_no_team_names(world):
    assert _labels(world.observer, world) == []


def test_users_who_may_are_the_people_whose_addresses_people_who_may_gives(world):
    from convene.collaboratives.access import POLICY, people_who_may, users_who_may

    world.member.is_active = False  # a person who left the site is told nothing
    world.member.save()
    for action in POLICY:
        for team in (None, world.team_a):
            users = users_who_may(world.collaborative, action, team)
            addresses = set(people_who_may(world.collaborative, action, team))
            assert {u.email for u in users} == addresses - {world.member.email}, action
    assert world.outsider not in users_who_may(world.collaborative, "view_collaborative")
