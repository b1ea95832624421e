from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from convene.collaboratives.models import (
    CoachAssignment,
    CollaborativeRole,
    Team,
    TeamMembership,
    TeamRole,
)

from ..factories import make_collaborative, make_team, make_user


def test_add_member_is_idempotent(db):
    team = make_team(make_collaborative())
    person = make_user()
    first = team.add_member(person, TeamRole.DATA_LEAD)
    assert team.add_member(person, TeamRole.DATA_LEAD) == first
    assert TeamMembership.objects.filter(team=team).count() == 1


def test_changing_a_role_keeps_the_earlier_one_as_history(db):
    team = make_team(make_collaborative())
    person = make_user()
    old = team.add_member(person, TeamRole.MEMBER)
    new = old.change_role(TeamRole.DATA_LEAD)
    old.refresh_from_db()
    assert old.ended_at is not None
    assert new.is_current and new.role == TeamRole.DATA_LEAD
    assert list(team.memberships.current()) == [new]
    assert team.memberships.count() == 2


def test_one_current_row_per_person_and_role(db):
    team = make_team(make_collaborative())
    person = make_user()
    team.add_member(person, TeamRole.MEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMembership.objects.create(team=team, user=person, role=TeamRole.MEMBER)


def test_assigning_a_coach_makes_them_a_coach_of_the_collaborative(db):
    collaborative = make_collaborative()
    team = make_team(collaborative)
    coach = make_user()
    team.assign_coach(coach)
    team.assign_coach(coach)
    assert CoachAssignment.objects.filter(team=team).count() == 1
    assert collaborative.memberships.current().get(user=coach).role == CollaborativeRole.COACH


def test_soft_deleted_team_is_hidden_but_kept(db):
    collaborative = make_collaborative()
    team = make_team(collaborative, "Eastside")
    team.soft_delete(make_user())
    assert not collaborative.teams.exists()
    assert Team.all_objects.get(pk=team.pk).is_deleted
    team.restore()
    assert list(collaborative.teams.all()) == [team]


def test_a_deleted_team_frees_its_name_but_cannot_be_restored_over_a_newer_one(db):
    collaborative = make_collaborative()
    old = make_team(collaborative, "Eastside")
    old.soft_delete(None)
    make_team(collaborative, "Eastside")
    with pytest.raises(IntegrityError), transaction.atomic():
        old.restore()


def test_collaborative_must_end_after_it_starts(db):
    from datetime import date

    with pytest.raises(IntegrityError), transaction.atomic():
        make_collaborative(start_on=date(2026, 5, 1), end_on=date(2026, 4, 1))


def test_duration_in_months(db):
    from datetime import date

    collaborative = make_collaborative(start_on=date(2026, 1, 12), end_on=date(2026, 12, 18))
    assert collaborative.duration_months == 12
