"""Who is slipping: "My teams" for a coach, "Teams" for a host, worst first with the reasons."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives import providers
from convene.collaboratives.models import AuditEvent, TeamRole
from convene.improvement.models import ActionPlan, ActionStep, PDSACycle
from convene.notifications.models import CheckIn

from ..factories import make_team, make_user


def _url(world):
    return reverse("notifications:follow-up", args=[world.collaborative.pk])


def _on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def _did_something(world, user, at: datetime):
    AuditEvent.objects.create(
        collaborative=world.collaborative,
        actor=user,
        at=at,
        action="update",
        object_type="reporting.value",
        object_id="1",
        object_repr="a value",
    )


def _row_order(page: str) -> list[str]:
    return re.findall(r'<tr id="team-\d+"[^>]*>\s*<th scope="row">\s*<a [^>]*>([^<]*)<', page)


def _row(page: str, team) -> str:
    start = page.index(f'<tr id="team-{team.pk}"')
    return page[start : page.index("</tr>", start)]


def test_a_coach_sees_the_teams_she_coaches_as_my_teams(client, world):
    client.force_login(world.coach)
    page = client.get(_url(world)).content.decode()
    assert "<title>My teams" in page
    assert _row_order(page) == ["Eastside clinic"]
    assert "Valley clinic" not in page


def test_a_host_sees_every_team_as_teams(client, world):
    client.force_login(world.host)
    page = client.get(_url(world)).content.decode()
    assert "<title>Teams" in page
    assert sorted(_row_order(page)) == ["Eastside clinic", "Valley clinic"]


def test_a_host_who_also_coaches_sees_every_team(client, world):
    world.team_a.assign_coach(world.host)
    client.force_login(world.host)
    page = client.get(_url(world)).content.decode()
    assert sorted(_row_order(page)) == ["Eastside clinic", "Valley clinic"]


def test_a_coach_assigned_no_longer_does_not_see_the_team(client, world):
    world.team_a.coach_assignments.get().end()
    client.force_login(world.coach)
    page = client.get(_url(world)).content.decode()
    assert _row_order(page) == []
    assert "No team is assigned to you" in page


def test_the_nav_leads_hosts_and_coaches_here_and_the_others_to_the_overview(client, world):
    overview = reverse("collaboratives:overview", args=[world.collaborative.pk])
    for person, label in ((world.coach, "My teams"), (world.host, "Teams")):
        client.force_login(person)
        page = client.get(overview).content.decode()
        assert f'href="{_url(world)}">{label}</a>' in page
    client.force_login(world.data_lead)
    page = client.get(overview).content.decode()
    assert _url(world) not in page
    assert "#teams-heading" in page


def test_a_quiet_team_is_flagged_with_the_reason_and_listed_first(client, world):
    with _on(date(2026, 1, 20)):
        _did_something(world, world.data_lead, datetime(2026, 1, 20, 9, tzinfo=UTC))
    with _on(date(2026, 3, 1)):
        _did_something(world, world.other_team, datetime(2026, 2, 27, 9, tzinfo=UTC))
        # The coach's own activity is not the team's.
        _did_something(world, world.coach, datetime(2026, 2, 28, 9, tzinfo=UTC))
        client.force_login(world.host)
        page = client.get(_url(world)).content.decode()
    assert _row_order(page) == ["Eastside clinic", "Valley clinic"]
    eastside = _row(page, world.team_a)
    assert "Slipping" in eastside
    assert "Nobody on the team has done anything here for 40 days" in eastside
    valley = _row(page, world.team_b)
    assert "2 days ago" in valley
    assert "Slipping" not in valley and "On track" in valley
    assert "1 of 2 teams slipping." in page


def test_a_member_who_left_does_not_count_as_the_team_s_activity(client, world):
    from convene.collaboratives.models import TeamMembership

    with _on(date(2026, 3, 1)):
        _did_something(world, world.member, datetime(2026, 2, 28, 9, tzinfo=UTC))
        TeamMembership.objects.get(team=world.team_a, user=world.member).end()
        client.force_login(world.coach)
        page = client.get(_url(world)).content.decode()
    assert "Nobody on the team has done anything here since it joined" in _row(page, world.team_a)


def test_a_passed_follow_up_date_flags_the_team(client, world):
    CheckIn.objects.create(
        team=world.team_a,
        author=world.coach,
        held_on=date(2026, 2, 2),
        how="call",
        follow_up="Send the registry guide",
        follow_up_on=date(2026, 2, 20),
    )
    with _on(date(2026, 2, 21)):
        _did_something(world, world.data_lead, datetime(2026, 2, 21, 9, tzinfo=UTC))
        client.force_login(world.coach)
        row = _row(client.get(_url(world)).content.decode(), world.team_a)
    assert "Feb. 2, 2026, phone or video call · follow up by Feb. 20, 2026" in row
    assert "The follow-up was due on" in row
    with _on(date(2026, 2, 20)):
        client.force_login(world.coach)
        row = _row(client.get(_url(world)).content.decode(), world.team_a)
    assert "The follow-up was due on" not in row and "On track" in row


def test_improvement_columns_name_the_last_cycle_and_the_overdue_steps(client, world):
    with _on(date(2026, 1, 5)):
        PDSACycle.objects.create(
            collaborative=world.collaborative, team=world.team_a, title="Repeat readings"
        )
        plan = ActionPlan.objects.create(
            collaborative=world.collaborative, team=world.team_a, title="After session 1"
        )
        ActionStep.objects.create(plan=plan, text="Train the nurses", due_on=date(2026, 3, 1))
        ActionStep.objects.create(plan=plan, text="Print the cards", due_on=date(2026, 4, 1))
        ActionStep.objects.create(
            plan=plan, text="Done already", due_on=date(2026, 2, 1), status="done"
        )
    with _on(date(2026, 3, 20)):
        _did_something(world, world.data_lead, datetime(2026, 3, 19, 9, tzinfo=UTC))
        client.force_login(world.coach)
        row = _row(client.get(_url(world)).content.decode(), world.team_a)
    assert "“Repeat readings” · Planned" in row
    assert "No PDSA cycle activity for 74 days" in row
    assert "Train the nurses · due" in row
    assert "1 action step overdue" in row
    cycle_url = reverse("improvement:cycle", args=[world.collaborative.pk, 1]).rsplit("/", 2)[0]
    assert cycle_url in row


def test_worst_first_by_the_weight_of_the_reasons(client, world):
    third = make_team(world.collaborative, "Hilltop clinic")
    with _on(date(2026, 3, 20)):
        for team, person in ((world.team_b, world.other_team), (third, make_user())):
            if team is third:
                team.add_member(person, TeamRole.DATA_LEAD)
            _did_something(world, person, datetime(2026, 3, 19, 9, tzinfo=UTC))
        plan = ActionPlan.objects.create(
            collaborative=world.collaborative, team=third, title="Plan"
        )
        ActionStep.objects.create(plan=plan, text="Late", due_on=date(2026, 3, 1))
        client.force_login(world.host)
        page = client.get(_url(world)).content.decode()
    # Eastside: quiet since it joined and no cycle; Hilltop: a step overdue, no cycle;
    # Valley: no cycle in 60 days only.
    assert _row_order(page) == ["Eastside clinic", "Hilltop clinic", "Valley clinic"]


@pytest.fixture
def extra_column():
    def provider(collaborative, teams, access):
        return {
            team.pk: [
                providers.Signal(
                    column="reports",
                    heading="Last report",
                    text=f"{team.name}: February",
                    slipping="2 reports missed" if team.name.startswith("Valley") else "",
                    weight=5,
                )
            ]
            for team in teams
        }

    providers.register_signals("test.reports", provider)
    yield
    providers._SIGNALS.pop("test.reports")


def test_a_provider_s_column_shows_and_its_reasons_count(client, world, extra_column):
    client.force_login(world.host)
    with _on(date(2026, 1, 10)):
        page = client.get(_url(world)).content.decode()
    assert '<th scope="col">Last report</th>' in page
    assert "Valley clinic: February" in _row(page, world.team_b)
    assert "2 reports missed" in _row(page, world.team_b)
    assert _row_order(page)[0] == "Valley clinic"


def _grow(world, size):
    for index in range(size):
        team = make_team(world.collaborative, f"Grown {world.collaborative.pk}-{index}-{size}")
        team.assign_coach(world.coach)
        lead = make_user()
        team.add_member(lead, TeamRole.DATA_LEAD)
        _did_something(world, lead, datetime(2026, 2, 1, tzinfo=UTC))
        PDSACycle.objects.create(collaborative=world.collaborative, team=team, title="Cycle")
        plan = ActionPlan.objects.create(collaborative=world.collaborative, team=team, title="P")
        ActionStep.objects.create(plan=plan, text="Step", due_on=date(2026, 2, 1))
        CheckIn.objects.create(team=team, held_on=date(2026, 2, 1), follow_up_on=date(2026, 2, 5))


@pytest.mark.parametrize("persona", ["host", "coach"])
def test_queries_do_not_grow_with_the_teams(client, world, extra_column, persona):
    client.force_login(world.people[persona])
    _grow(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(world)).status_code == 200
    _grow(world, 6)
    with CaptureQueriesContext(connection) as large:
        page = client.get(_url(world)).content.decode()
    assert len(large) == len(small) <= 25
    assert len(_row_order(page)) == (9 if persona == "coach" else 10)


def test_the_demo_coach_sees_a_team_whose_follow_up_has_passed(client, db):
    from django.core.management import call_command

    from convene.accounts.models import User
    from convene.collaboratives.models import Collaborative

    call_command("load_demo", verbosity=0)
    collaborative = Collaborative.objects.get(name__startswith="Hypertension")
    coach = User.objects.get(email="carmen.diaz@demo.convene.test")
    User.objects.filter(pk=coach.pk).update(language="en")  # she reads Spanish; we read English
    client.force_login(coach)
    page = client.get(reverse("notifications:follow-up", args=[collaborative.pk])).content.decode()
    valley = page[page.index("Valley Community Clinic team") :]
    valley = valley[: valley.index("</tr>")]
    assert "The follow-up was due on" in valley
    assert "site visit" in valley
