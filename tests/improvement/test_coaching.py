"""The coach's view: her teams' plans and cycles, most recent activity first, and her feedback."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives.access import access_in
from convene.improvement.coaching import coached_teams, coaching_items
from convene.improvement.models import ActionPlan, ActionStep, Comment, PDSACycle
from convene.improvement.signals import cycle_commented

from ..factories import make_team


def _url(world, name="coaching", **kwargs):
    return reverse(
        f"improvement:{name}", kwargs={"collaborative_id": world.collaborative.pk, **kwargs}
    )


def _plan(world, team, title, **fields):
    return ActionPlan.objects.create(
        collaborative=world.collaborative, team=team, title=title, **fields
    )


def _cycle(world, team, title, **fields):
    return PDSACycle.objects.create(
        collaborative=world.collaborative, team=team, title=title, **fields
    )


def _titles(page):
    return re.findall(r'id="item-[a-z]+-\d+-title"><a [^>]*>([^<]*)<', page)


def _at(day, hour=12):
    return time_machine.travel(datetime(2026, 3, day, hour, tzinfo=UTC), tick=False)


def test_most_recent_activity_first_whatever_it_was(client, world):
    with _at(1):
        plan = _plan(world, world.team_a, "After learning session 2")
        stepped = _plan(world, world.team_a, "After the kick-off")
        step = ActionStep.objects.create(plan=stepped, text="Print the protocol")
        cycle = _cycle(world, world.team_a, "Repeat readings, one session")
        quiet = _cycle(world, world.team_a, "Home cuffs")
    client.force_login(world.data_lead)
    with _at(3):  # a step of a plan changes: the plan's activity
        page = client.get(_url(world, "action-plan", plan_id=stepped.pk))
        fields = dict(page.context["rows"][0][1].initial)
        client.post(
            _url(world, "edit-step", step_id=step.pk),
            {f"step-{step.pk}-{k}": v for k, v in {**fields, "text": "Print it"}.items() if v},
        )
    with _at(4):  # the cycle is edited
        cycle.title = "Repeat readings, two sessions"
        cycle.updated_at = datetime(2026, 3, 4, 12, tzinfo=UTC)
        cycle.save()
    with _at(5):  # the plan gets a comment
        Comment.objects.create(plan=plan, author=world.coach, text="Who prints it?")
    client.force_login(world.coach)
    with _at(6):
        page = client.get(_url(world)).content.decode()
    assert _titles(page) == [
        "After learning session 2",
        "Repeat readings, two sessions",
        "After the kick-off",
        "Home cuffs",
    ]
    assert "Feedback from Coach" in page
    assert quiet.title in page


def test_a_coach_sees_only_her_teams_and_hosts_and_faculty_every_team(client, world):
    _plan(world, world.team_a, "Eastside plan")
    _cycle(world, world.team_b, "Valley cycle")
    client.force_login(world.coach)
    page = client.get(_url(world)).content.decode()
    assert "Eastside plan" in page and "Valley cycle" not in page
    client.force_login(world.other_coach)
    page = client.get(_url(world)).content.decode()
    assert "Valley cycle" in page and "Eastside plan" not in page
    for person in (world.host, world.faculty, world.staff):
        client.force_login(person)
        page = client.get(_url(world)).content.decode()
        assert "Valley cycle" in page and "Eastside plan" in page, person


def test_the_coaching_tab_is_there_for_those_who_may_open_it(client, world):
    def tabs(person):
        access = access_in(person, world.collaborative)
        context = {"access": access, "collaborative": world.collaborative, "tab": "package"}
        return render_to_string("improvement/_tabs.html", context)

    assert _url(world) in tabs(world.coach) and _url(world) in tabs(world.faculty)
    assert _url(world) not in tabs(world.member) and _url(world) not in tabs(world.planning)
    client.force_login(world.member)
    assert client.get(_url(world)).status_code == 403
    client.force_login(world.outsider)
    assert client.get(_url(world)).status_code == 404


def test_a_plan_shows_its_progress_and_overdue_steps_in_words(client, world):
    world.collaborative.time_zone = "Pacific/Auckland"
    world.collaborative.save()
    plan = _plan(world, world.team_a, "After learning session 2", changes="Repeat readings")
    ActionStep.objects.create(plan=plan, text="Print", status="done", due_on=date(2026, 3, 1))
    ActionStep.objects.create(plan=plan, text="Train the nurses", due_on=date(2026, 3, 5))
    ActionStep.objects.create(plan=plan, text="Audit", due_on=date(2026, 3, 20))
    client.force_login(world.coach)
    # 14:00 UTC on 9 March is already 10 March in Auckland.
    with time_machine.travel(datetime(2026, 3, 9, 14, tzinfo=UTC), tick=False):
        page = client.get(_url(world)).content.decode()
    assert "1 of 3 steps done" in page
    assert "Overdue by 5 days" in page and page.count("Overdue by") == 1
    assert "Train the nurses" in page


def test_the_coach_leaves_feedback_on_a_plan_with_htmx_and_without(client, world):
    plan = _plan(world, world.team_a, "After learning session 2")
    client.force_login(world.coach)
    url = _url(world, "plan-feedback", plan_id=plan.pk)
    response = client.post(url, {"text": "Who prints the protocol?", "next": _url(world)})
    assert response["Location"] == f"{_url(world)}#feedback-plan-{plan.pk}"
    follow = client.post(
        url, {"text": "Well done.", "next": _url(world)}, HTTP_HX_REQUEST="true", follow=True
    )
    body = follow.content.decode()
    assert f'id="feedback-plan-{plan.pk}"' in body
    assert body.index("Who prints the protocol?") < body.index("Well done.")
    assert [c.author for c in plan.comments.all()] == [world.coach, world.coach]
    client.force_login(world.member)  # the team reads it with its plan
    page = client.get(_url(world, "action-plan", plan_id=plan.pk)).content.decode()
    assert "Who prints the protocol?" in page and "Feedback from the coach" in page


def test_feedback_goes_back_only_to_a_page_of_this_site(client, world):
    plan = _plan(world, world.team_a, "After learning session 2")
    client.force_login(world.coach)
    url = _url(world, "plan-feedback", plan_id=plan.pk)
    response = client.post(url, {"text": "Hi", "next": "https://evil.example/"})
    assert response["Location"] == f"{_url(world)}#feedback-plan-{plan.pk}"


def test_empty_feedback_is_not_saved(client, world):
    plan = _plan(world, world.team_a, "After learning session 2")
    client.force_login(world.coach)
    client.post(_url(world, "plan-feedback", plan_id=plan.pk), {"text": "  "})
    assert not Comment.objects.exists()


def test_feedback_on_a_cycle_sends_the_signal_for_notifications(client, world):
    cycle = _cycle(world, world.team_a, "Repeat readings")
    heard = []

    def listen(sender, comment, **kwargs):
        heard.append(comment)

    cycle_commented.connect(listen)
    try:
        client.force_login(world.faculty)
        client.post(_url(world, "coaching-cycle-feedback", cycle_id=cycle.pk), {"text": "Scale up"})
    finally:
        cycle_commented.disconnect(listen)
    [comment] = Comment.objects.filter(cycle=cycle)
    assert heard == [comment]
    assert (comment.author, comment.text) == (world.faculty, "Scale up")


def test_who_may_leave_feedback(client, world):
    plan = _plan(world, world.team_a, "After learning session 2")
    cycle = _cycle(world, world.team_a, "Repeat readings", is_shared=True)
    for person, expected in [
        (world.other_coach, 403),  # not her team
        (world.member, 403),  # the team reads feedback, the coaches give it
        (world.planning, 403),
        (world.outsider, 404),
    ]:
        client.force_login(person)
        for name, kwargs in [
            ("plan-feedback", {"plan_id": plan.pk}),
            ("coaching-cycle-feedback", {"cycle_id": cycle.pk}),
        ]:
            assert client.post(_url(world, name, **kwargs), {"text": "x"}).status_code == expected
            assert client.get(_url(world, name, **kwargs)).status_code in (405, expected)
    assert not Comment.objects.exists()


def test_coaching_takes_the_same_queries_for_2_teams_or_12(client, world):
    def add(teams):
        for team in teams:
            team.assign_coach(world.coach)
            plan = _plan(world, team, f"Plan of {team.name}")
            ActionStep.objects.create(
                plan=plan, text="One", owner=world.member, due_on=date(2026, 1, 1)
            )
            Comment.objects.create(plan=plan, author=world.coach, text="Good")
            cycle = _cycle(world, team, f"Cycle of {team.name}")
            Comment.objects.create(cycle=cycle, author=world.faculty, text="Scale")

    add([world.team_a, world.team_b])
    client.force_login(world.coach)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url(world)).status_code == 200
    add([make_team(world.collaborative, f"Clinic {n}") for n in range(10)])
    with CaptureQueriesContext(connection) as many:
        page = client.get(_url(world)).content.decode()
    assert len(_titles(page)) == 24
    assert len(many) == len(few)


def test_coaching_items_can_feed_another_page(world):
    _plan(world, world.team_a, "Eastside plan")
    _cycle(world, world.team_b, "Valley cycle")
    access = access_in(world.coach, world.collaborative)
    assert [t.pk for t in coached_teams(access)] == [world.team_a.pk]
    # Asked for every team, it still keeps to the teams this person may read.
    items = coaching_items(access, world.collaborative.teams.all(), limit=10)
    assert [item.thing.title for item in items] == ["Eastside plan"]
    access = access_in(world.host, world.collaborative)
    assert len(coaching_items(access, coached_teams(access), limit=1)) == 1
