"""The demo's improvement story: what a visitor sees on the diagram, cycle and plan pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from convene.collaboratives.models import AuditEvent, Collaborative, Team
from convene.demo.figures import team_story
from convene.improvement.models import (
    ActionPlan,
    ActionStep,
    Comment,
    DriverNode,
    PDSACycle,
    PDSACycleRevision,
    TeamDiagram,
)

TODAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, as it is on the demo's day, then rolled back."""
    day = time_machine.travel(datetime(2026, 12, 2, 15, tzinfo=UTC))
    with django_db_blocker.unblock(), day, transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def _stories():
    """(team, improves, first day of the month its figures start to move), for every team
    with figures (the agency that has just joined has none yet)."""
    for collaborative in Collaborative.objects.order_by("pk"):
        periods = list(collaborative.periods.order_by("starts_on"))
        for index, team in enumerate(collaborative.teams.order_by("pk")):
            if not team.values.exists():
                continue
            _rng, improves, change_at = team_story(collaborative, team.name, index)
            yield team, improves, periods[change_at].starts_on


def _ramp(cycle: PDSACycle) -> list[PDSACycle]:
    """The ramp ending with ``cycle``, smallest test first."""
    ramp = [cycle]
    while ramp[0].builds_on_id:
        ramp.insert(0, ramp[0].builds_on)
    return ramp


def _ramps(team: Team) -> list[list[PDSACycle]]:
    return [_ramp(c) for c in team.pdsa_cycles.filter(next_cycles__isnull=True)]


def test_every_team_has_three_to_ten_cycles(demo, db):
    teams = Team.objects.all()
    assert teams.count() == 15
    for team in teams:
        assert 3 <= team.pdsa_cycles.count() <= 10, team.name


def test_improving_teams_adopted_an_idea_they_started_testing_before_their_shift(demo, db):
    improving = 0
    for team, improves, shift_on in _stories():
        if not improves:
            continue
        improving += 1
        adopted = [r for r in _ramps(team) if r[-1].decision == "adopt" and r[-1].status == "done"]
        assert any(ramp[0].starts_on < shift_on for ramp in adopted), team.name
    assert improving == 11


def test_teams_that_did_not_improve_abandoned_ideas(demo, db):
    flat = [team for team, improves, _shift in _stories() if not improves]
    assert [team.name for team in flat] == [
        "Northgate Free Clinic team",
        "Mesa Verde Community Health team",
        "Cedar House Youth Services",
    ]
    for team in flat:
        assert team.pdsa_cycles.filter(decision="abandon").count() >= 2, team.name
        assert not [r for r in _ramps(team) if r[-1].decision == "adopt" and len(r) > 2]
    # They still test: an idea adapted, not yet given up, with its next cycle ahead.
    for team in flat:
        alive = [r for r in _ramps(team) if r[-1].status != "done"]
        assert alive and alive[0][-2].decision == "adapt", team.name


def test_every_collaborative_has_a_diagram_with_three_levels_linked_to_the_package(demo, db):
    for collaborative in Collaborative.objects.all():
        nodes = DriverNode.objects.filter(collaborative=collaborative, team__isnull=True)
        primary = nodes.filter(parent__isnull=True)
        assert primary.count() == 3
        for driver in primary:
            secondary = driver.children.filter(team__isnull=True)
            assert 2 <= secondary.count() <= 3, driver.text
            for middle in secondary:
                ideas = middle.children.filter(team__isnull=True)
                assert 1 <= ideas.count() <= 3, middle.text
                for idea in ideas:
                    assert not idea.children.exists()
                    assert idea.metrics.exists(), idea.text
        ideas = nodes.filter(parent__parent__isnull=False)
        assert ideas.filter(key_changes__isnull=False).distinct().count() >= ideas.count() - 2
        # Every key change of the change package is put into practice by some idea.
        assert not collaborative.change_concepts.filter(key_changes__driver_nodes__isnull=True)
    # Some teams adopted their diagram and added an idea of their own under it.
    assert TeamDiagram.objects.count() >= 2
    own = DriverNode.objects.filter(team__isnull=False)
    assert own.count() >= 2
    assert all(node.parent.team_id is None and node.parent.parent_id for node in own)
    assert all(node.cycles.exists() for node in own)


def test_ramps_are_chains_of_one_team_growing_in_time(demo, db):
    for cycle in PDSACycle.objects.filter(builds_on__isnull=False).select_related("builds_on"):
        assert cycle.builds_on.team_id == cycle.team_id
        assert cycle.builds_on.starts_on < cycle.starts_on
        assert cycle.builds_on.scale != cycle.scale
    longest = max(len(ramp) for team in Team.objects.all() for ramp in _ramps(team))
    assert longest == 4
    eastside = Team.objects.get(name="Eastside Family Health Center team")
    scales = [c.scale for c in max(_ramps(eastside), key=len)]
    assert scales == ["1 patient", "5 patients", "one clinic session", "all sessions"]


def test_cycles_read_as_finished_work_and_work_under_way(demo, db):
    for team in Team.objects.all():
        cycles = list(team.pdsa_cycles.order_by("starts_on", "pk"))
        newest = cycles[-1]
        assert newest.status in {"doing", "planned"}, team.name
        for cycle in cycles:
            if cycle.status == "planned":
                assert cycle.starts_on > TODAY
                continue
            assert cycle.starts_on <= TODAY
            assert cycle.starts_on >= team.joined_on, (team.name, cycle.title)
            assert cycle.objective and cycle.prediction and cycle.what_happened
            if cycle.status == "done":
                assert cycle.results and cycle.learned and cycle.decision and cycle.next_steps
                assert cycle.ends_on < TODAY
    # Worksheets are written, not stamped: no two cycles say the same thing.
    learned = list(PDSACycle.objects.exclude(learned="").values_list("learned", flat=True))
    assert len(learned) == len(set(learned)) > 50
    studied = PDSACycle.objects.filter(metric__isnull=False, period__isnull=False)
    assert studied.count() >= 10
    assert all(c.period.starts_on <= c.ends_on <= c.period.ends_on for c in studied)


def test_shared_cycles_drew_comments_and_one_was_corrected(demo, db):
    shared = PDSACycle.objects.filter(is_shared=True)
    assert shared.count() >= 3
    for cycle in shared:
        comments = cycle.comments.all()
        assert comments, cycle.title
        for comment in comments:
            # A coach or a member of another team: nobody comments on their own team's work.
            assert not cycle.team.memberships.filter(user=comment.author).exists()
            assert comment.created_at.date() <= TODAY
    revision = PDSACycleRevision.objects.select_related("cycle").first()
    assert revision.cycle.version == revision.version + 1
    assert revision.data["results"] != revision.cycle.results
    assert revision.saved_by.full_name == "Dana Morgan"


def test_every_team_left_the_last_session_with_an_action_plan(demo, db):
    for team in Team.objects.all():
        plan = ActionPlan.objects.get(team=team)
        joined_late = team.name == "Metro Tenant Support Network"
        assert plan.title == (
            "First steps after joining"
            if joined_late
            else "After "
            + (
                "learning session 3"
                if "Hypertension" in team.collaborative.name
                else "learning session 2"
            )
        )
        steps = list(plan.steps.all())
        assert 2 <= len(steps) <= 4
        members = set(team.memberships.current().values_list("user", flat=True))
        assert all(step.owner_id in members for step in steps)
        became = [step for step in steps if step.cycle_id]
        assert len(became) == 1 and became[0].cycle.team_id == team.pk
    overdue = ActionStep.objects.filter(due_on__lt=TODAY).exclude(status="done")
    assert overdue.exists()
    feedback = Comment.objects.filter(plan__isnull=False).select_related("plan")
    assert feedback.count() >= 1
    for comment in feedback:
        assert comment.plan.team.coach_assignments.filter(coach=comment.author).exists()


def test_the_audit_log_names_the_team_members_who_wrote_the_cycles(demo, db):
    eastside = Team.objects.get(name="Eastside Family Health Center team")
    cycle = eastside.pdsa_cycles.order_by("starts_on").first()
    event = AuditEvent.objects.get(
        object_type=cycle._meta.label_lower, object_id=str(cycle.pk), action="create"
    )
    assert event.actor_id == cycle.created_by_id
    assert eastside.memberships.filter(user=event.actor_id, role="change_leader").exists()
