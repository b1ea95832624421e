"""A team's action plans: the list, a plan and its steps, overdue steps, a step becoming a cycle."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import partial

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives.models import AuditEvent
from convene.improvement.models import ActionPlan, ActionStep, DriverNode, PDSACycle

from ..concurrency import at_once
from ..conftest import build_world
from ..typed import typed_values


def _url(world, name, **kwargs):
    return reverse(
        f"improvement:{name}", kwargs={"collaborative_id": world.collaborative.pk, **kwargs}
    )


def _plans_url(world, team=None):
    return _url(world, "action-plans", team_id=(team or world.team_a).pk)


def _idea(world, text="Repeat a high reading after five quiet minutes", team=None):
    primary = DriverNode.objects.create(collaborative=world.collaborative, text="Accurate BP")
    secondary = DriverNode.objects.create(
        collaborative=world.collaborative, parent=primary, text="Standard technique"
    )
    return DriverNode.objects.create(
        collaborative=world.collaborative, parent=secondary, text=text, team=team
    )


@pytest.fixture
def plan(world):
    idea = _idea(world)
    plan = ActionPlan.objects.create(
        collaborative=world.collaborative,
        team=world.team_a,
        title="After learning session 2",
        changes="Repeat every reading above 140/90",
        measure="Share of high readings repeated, weekly",
        idea=idea,
        created_by=world.data_lead,
    )
    world.plan = plan
    world.idea = idea
    return plan


def _step(plan, text, **fields):
    return ActionStep.objects.create(plan=plan, text=text, position=plan.steps.count(), **fields)


def _row(page, step):
    """What a step's row of the grid sends, as the page shows it."""
    prefix = f"step-{step.pk}-"
    return {k: v for k, v in typed_values(page).items() if k.startswith(prefix)}


# --- the list and a new plan ---------------------------------------------------------------


def test_the_data_lead_starts_a_plan_and_the_team_lists_it_open_first(client, world):
    idea = _idea(world)
    client.force_login(world.data_lead)
    response = client.post(
        _plans_url(world),
        {
            "title": "After learning session 2",
            "changes": "Repeat high readings",
            "idea": idea.pk,
            "measure": "Weekly audit of 20 charts",
            "status": "open",
        },
    )
    plan = ActionPlan.objects.get()
    assert response["Location"] == _url(world, "action-plan", plan_id=plan.pk) + "#steps"
    assert (plan.team, plan.idea, plan.created_by) == (world.team_a, idea, world.data_lead)
    assert AuditEvent.objects.filter(object_repr="After learning session 2").exists()
    old = ActionPlan.objects.create(
        collaborative=world.collaborative, team=world.team_a, title="Kick-off", status="done"
    )
    newer = ActionPlan.objects.create(
        collaborative=world.collaborative, team=world.team_a, title="After session 3"
    )
    client.force_login(world.member)
    page = client.get(_plans_url(world)).content.decode()
    titles = re.findall(r'id="plan-\d+-title"><a [^>]*>([^<]*)<', page)
    assert titles == [newer.title, plan.title, old.title]  # open ones newest first, then done
    assert "Start a new action plan" in page


def test_a_plan_needs_a_title_and_an_idea_of_this_collaborative(client, world):
    other = DriverNode.objects.create(collaborative=world.other_collaborative, text="Elsewhere")
    client.force_login(world.data_lead)
    response = client.post(_plans_url(world), {"title": "", "idea": other.pk, "status": "open"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "idea"}
    assert not ActionPlan.objects.exists()


def test_only_change_ideas_of_the_collaborative_and_the_team_are_offered(client, world):
    ours = _idea(world, "Collaborative's idea")
    own = _idea(world, "Team A's own idea", team=world.team_a)
    theirs = _idea(world, "Team B's own idea", team=world.team_b)
    client.force_login(world.data_lead)
    form = client.get(_plans_url(world)).context["form"]
    offered = set(form.fields["idea"].queryset)
    assert ours in offered and own in offered
    assert theirs not in offered
    assert not offered & set(DriverNode.objects.filter(parent__parent__isnull=True))  # drivers


def test_readers_who_may_not_write_see_no_form(client, world, plan):
    client.force_login(world.coach)
    page = client.get(_plans_url(world)).content.decode()
    assert plan.title in page and "Start a new action plan" not in page
    assert client.post(_plans_url(world), {"title": "Mine", "status": "open"}).status_code == 403


def test_outsiders_get_not_found_and_other_teams_forbidden(client, world, plan):
    client.force_login(world.outsider)
    assert client.get(_plans_url(world)).status_code == 404
    assert client.get(_url(world, "action-plan", plan_id=plan.pk)).status_code == 404
    client.force_login(world.other_team)
    assert client.get(_url(world, "action-plan", plan_id=plan.pk)).status_code == 403
    client.force_login(world.observer)
    assert client.get(_plans_url(world)).status_code == 403


def test_posting_only_actions_refuse_get(client, world, plan):
    step = _step(plan, "Print the protocol")
    client.force_login(world.host)
    for name, kwargs in [
        ("new-step", {"plan_id": plan.pk}),
        ("plan-status", {"plan_id": plan.pk}),
        ("delete-plan", {"plan_id": plan.pk}),
        ("edit-step", {"step_id": step.pk}),
        ("delete-step", {"step_id": step.pk}),
        ("move-step", {"step_id": step.pk, "direction": "up"}),
        ("step-to-cycle", {"step_id": step.pk}),
    ]:
        assert client.get(_url(world, name, **kwargs)).status_code == 405, name


def test_the_list_takes_the_same_queries_for_2_plans_or_12(client, world):
    def add_plans(count):
        for n in range(count):
            plan = ActionPlan.objects.create(
                collaborative=world.collaborative, team=world.team_a, title=f"Plan {n}"
            )
            _step(plan, "One", owner=world.member)
            _step(plan, "Two", owner_name="Pharmacist", due_on=date(2026, 1, 1))

    client.force_login(world.data_lead)
    add_plans(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_plans_url(world)).status_code == 200
    add_plans(10)
    with CaptureQueriesContext(connection) as many:
        page = client.get(_plans_url(world)).content.decode()
    assert page.count("Plan ") >= 12
    assert len(many) == len(few)


# --- one plan ------------------------------------------------------------------------------


def test_editing_the_plan_carries_its_version_and_a_stale_save_is_refused(client, world, plan):
    url = _url(world, "action-plan", plan_id=plan.pk)
    client.force_login(world.data_lead)
    read = typed_values(client.get(url))
    assert read["version"] == "1"
    client.force_login(world.leader)
    assert client.post(url, {**read, "title": "After session 2 (revised)"}).status_code == 302
    client.force_login(world.data_lead)
    stale = client.post(url, {**read, "title": "After LS2", "measure": "Monthly audit"})
    assert stale.status_code == 409
    assert "Someone else saved this while you were editing" in stale.content.decode()
    kept = typed_values(stale)
    assert (kept["title"], kept["measure"], kept["version"]) == ("After LS2", "Monthly audit", "2")
    plan.refresh_from_db()
    assert plan.title == "After session 2 (revised)"
    assert client.post(url, kept).status_code == 302  # saving again is a deliberate choice
    plan.refresh_from_db()
    assert (plan.title, plan.version) == ("After LS2", 3)


def test_marking_the_plan_done_and_reopening_it(client, world, plan):
    client.force_login(world.member)
    client.post(_url(world, "plan-status", plan_id=plan.pk), {"status": "done"})
    plan.refresh_from_db()
    assert plan.status == "done"
    page = client.get(_url(world, "action-plan", plan_id=plan.pk)).content.decode()
    assert "Reopen the plan" in page
    client.post(_url(world, "plan-status", plan_id=plan.pk), {"status": "open"})
    plan.refresh_from_db()
    assert plan.status == "open"


def test_deleting_a_plan_is_soft_and_restorable(client, world, plan):
    client.force_login(world.data_lead)
    response = client.post(_url(world, "delete-plan", plan_id=plan.pk))
    assert response["Location"] == _plans_url(world)
    assert not ActionPlan.objects.exists()
    assert client.get(_url(world, "action-plan", plan_id=plan.pk)).status_code == 404
    client.force_login(world.host)
    restore = reverse(
        "collaboratives:restore-item", args=[world.collaborative.pk, "action_plan", plan.pk]
    )
    assert client.post(restore).status_code == 302
    assert ActionPlan.objects.get() == plan


def test_steps_are_added_edited_moved_and_deleted(client, world, plan):
    client.force_login(world.data_lead)
    add = _url(world, "new-step", plan_id=plan.pk)
    client.post(add, {"new-step-text": "Print the protocol", "new-step-status": "todo"})
    client.post(
        add,
        {
            "new-step-text": "Train the nurses",
            "new-step-owner": world.member.pk,
            "new-step-due_on": "2026-03-14",
            "new-step-status": "todo",
        },
    )
    first, second = plan.steps.all()
    assert (second.owner, second.due_on, second.position) == (world.member, date(2026, 3, 14), 1)
    page = client.get(_url(world, "action-plan", plan_id=plan.pk))
    row = _row(page, first)
    row[f"step-{first.pk}-owner_name"] = "The pharmacist"
    row[f"step-{first.pk}-status"] = "doing"
    response = client.post(_url(world, "edit-step", step_id=first.pk), row)
    assert response["Location"].endswith(f"?saved={first.pk}#step-{first.pk}")
    first.refresh_from_db()
    assert (first.owner_name, first.status, first.version) == ("The pharmacist", "doing", 2)
    client.post(_url(world, "move-step", step_id=second.pk, direction="up"))
    assert [s.text for s in plan.steps.all()] == ["Train the nurses", "Print the protocol"]
    client.post(_url(world, "delete-step", step_id=second.pk))
    assert [s.text for s in plan.steps.all()] == ["Print the protocol"]
    assert ActionStep.all_objects.get(pk=second.pk).deleted_by == world.data_lead
    plan.refresh_from_db()
    assert plan.updated_at > plan.created_at  # step changes are the plan's activity


def test_a_step_names_a_member_or_someone_else_not_both(client, world, plan):
    client.force_login(world.data_lead)
    add = _url(world, "new-step", plan_id=plan.pk)
    both = client.post(
        add,
        {
            "new-step-text": "Call the pharmacy",
            "new-step-owner": world.member.pk,
            "new-step-owner_name": "Pat",
            "new-step-status": "todo",
        },
    )
    assert both.status_code == 400
    assert "not both" in both.content.decode()
    stranger = client.post(
        add,
        {"new-step-text": "Call", "new-step-owner": world.other_team.pk, "new-step-status": "todo"},
    )
    assert stranger.status_code == 400  # not on the team
    assert not plan.steps.exists()


def test_the_responsible_list_is_the_team_s_current_members(client, world, plan):
    client.force_login(world.data_lead)
    form = client.get(_url(world, "action-plan", plan_id=plan.pk)).context["new_step_form"]
    offered = {label for _pk, label in form.fields["owner"].choices}
    assert {str(world.member), str(world.data_lead), str(world.sponsor)} <= offered
    assert str(world.other_team) not in offered and str(world.coach) not in offered


def test_a_stale_step_edit_answers_409_and_keeps_what_was_typed(client, world, plan):
    step = _step(plan, "Print the protocol")
    url = _url(world, "edit-step", step_id=step.pk)
    client.force_login(world.data_lead)
    mine = _row(client.get(_url(world, "action-plan", plan_id=plan.pk)), step)
    client.force_login(world.leader)
    theirs = {**mine, f"step-{step.pk}-text": "Print it in colour"}
    assert client.post(url, theirs).status_code == 302
    client.force_login(world.data_lead)
    stale = client.post(
        url, {**mine, f"step-{step.pk}-text": "Print fifty copies"}, HTTP_HX_REQUEST="true"
    )
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "Someone else saved this while you were editing" in body
    assert "Saved meanwhile: Print it in colour" in body
    assert _row(stale, step)[f"step-{step.pk}-text"] == "Print fifty copies"
    step.refresh_from_db()
    assert step.text == "Print it in colour"


def test_the_plan_page_takes_the_same_queries_for_2_steps_or_12(client, world, plan):
    client.force_login(world.data_lead)
    for n in range(2):
        _step(plan, f"Step {n}", owner=world.member, due_on=date(2026, 1, 1))
    url = _url(world, "action-plan", plan_id=plan.pk)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        _step(plan, f"More {n}", owner=world.leader, owner_name="")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["rows"]) == 12
    assert len(many) == len(few)


# --- overdue -------------------------------------------------------------------------------


def test_overdue_steps_say_so_in_words_on_the_collaborative_s_date(client, world, plan):
    world.collaborative.time_zone = "America/Chicago"
    world.collaborative.save()
    _step(plan, "Due yesterday in Chicago", due_on=date(2026, 3, 9))
    _step(plan, "Done late", due_on=date(2026, 3, 1), status="done")
    _step(plan, "Due today", due_on=date(2026, 3, 10))
    _step(plan, "Five days late", due_on=date(2026, 3, 5), status="doing")
    client.force_login(world.member)
    # 03:30 UTC on 11 March is still 10 March in Chicago (UTC−5 after the clocks changed).
    with time_machine.travel(datetime(2026, 3, 11, 3, 30, tzinfo=UTC), tick=False):
        page = client.get(_url(world, "action-plan", plan_id=plan.pk)).content.decode()
        listing = client.get(_plans_url(world)).content.decode()
    assert page.count("Overdue by") == 2
    assert "Overdue by 1 day<" in page and "Overdue by 5 days<" in page
    assert "Overdue by 5 days<" in listing
    with time_machine.travel(datetime(2026, 3, 11, 5, 30, tzinfo=UTC), tick=False):
        page = client.get(_url(world, "action-plan", plan_id=plan.pk)).content.decode()
    assert "Overdue by 2 days<" in page and "Overdue by 1 day<" in page  # now 11 March there


# --- a step becomes a cycle ----------------------------------------------------------------


def test_a_step_becomes_a_cycle_with_its_fields_carried_over(client, world, plan):
    step = _step(
        plan, "Repeat readings for one session", owner=world.member, due_on=date(2026, 3, 14)
    )
    client.force_login(world.data_lead)
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False):
        response = client.post(_url(world, "step-to-cycle", step_id=step.pk))
    cycle = PDSACycle.objects.get()
    assert response["Location"] == _url(world, "edit-cycle", cycle_id=cycle.pk)
    assert (cycle.team, cycle.collaborative, cycle.title) == (
        world.team_a,
        world.collaborative,
        "Repeat readings for one session",
    )
    assert cycle.idea == world.idea
    assert cycle.objective == "Repeat every reading above 140/90"
    assert cycle.data_plan == "Share of high readings repeated, weekly"
    assert f"Responsible: {world.member}." in cycle.plan_details
    assert "14 March 2026" in cycle.plan_details or "March 14, 2026" in cycle.plan_details
    assert (cycle.starts_on, cycle.status, cycle.created_by) == (
        date(2026, 3, 2),
        "planned",
        world.data_lead,
    )
    step.refresh_from_db()
    assert (step.cycle, step.status) == (cycle, "doing")
    page = client.get(_url(world, "action-plan", plan_id=plan.pk)).content.decode()
    assert _url(world, "cycle", cycle_id=cycle.pk) in page
    assert _url(world, "step-to-cycle", step_id=step.pk) not in page  # a link, not the button


def test_posting_again_does_not_make_a_second_cycle(client, world, plan):
    step = _step(plan, "Call five patients")
    client.force_login(world.data_lead)
    first = client.post(_url(world, "step-to-cycle", step_id=step.pk))
    second = client.post(_url(world, "step-to-cycle", step_id=step.pk))
    assert first["Location"] == second["Location"]
    assert PDSACycle.objects.count() == 1


def test_a_step_whose_cycle_was_deleted_can_become_a_cycle_again(client, world, plan):
    step = _step(plan, "Call five patients")
    client.force_login(world.data_lead)
    client.post(_url(world, "step-to-cycle", step_id=step.pk))
    PDSACycle.objects.get().soft_delete(world.data_lead)
    page = client.get(_url(world, "action-plan", plan_id=plan.pk)).content.decode()
    assert _url(world, "step-to-cycle", step_id=step.pk) in page
    client.post(_url(world, "step-to-cycle", step_id=step.pk))
    assert PDSACycle.objects.count() == 1 and PDSACycle.all_objects.count() == 2


def test_two_clicks_at_once_make_one_cycle(threads_db):
    world = build_world()
    plan = ActionPlan.objects.create(
        collaborative=world.collaborative, team=world.team_a, title="After session 2"
    )
    step = _step(plan, "Call five patients")
    url = _url(world, "step-to-cycle", step_id=step.pk)
    tabs = [Client(raise_request_exception=False) for _tab in range(2)]
    for tab in tabs:
        tab.force_login(world.data_lead)
    responses = at_once(threads_db, *[partial(tab.post, url) for tab in tabs])
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert PDSACycle.objects.count() == 1


def test_the_team_button_opens_the_action_plans(client, world):
    client.force_login(world.member)
    page = client.get(
        reverse("collaboratives:team", args=[world.collaborative.pk, world.team_a.pk])
    )
    assert _plans_url(world) in page.content.decode()


def test_a_refused_step_edit_keeps_what_was_typed_without_javascript(client, world, plan):
    step = _step(plan, "Print the protocol")
    client.force_login(world.data_lead)
    row = _row(client.get(_url(world, "action-plan", plan_id=plan.pk)), step)
    row[f"step-{step.pk}-text"] = ""
    row[f"step-{step.pk}-owner_name"] = "Pat the pharmacist"
    response = client.post(_url(world, "edit-step", step_id=step.pk), row)
    assert response.status_code == 400
    assert "Step: This field is required." in response.content.decode()
    assert _row(response, step)[f"step-{step.pk}-owner_name"] == "Pat the pharmacist"
    step.refresh_from_db()
    assert (step.text, step.owner_name, step.version) == ("Print the protocol", "", 1)
