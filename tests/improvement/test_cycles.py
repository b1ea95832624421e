"""PDSA cycle pages: the team's list, the worksheet, the cycle page, print view and ramp."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from convene.collaboratives.audit import acting_as
from convene.improvement.models import (
    DriverNode,
    PDSACycle,
    PDSACycleRevision,
)
from tests.factories import make_bp_metric

WORKSHEET = {
    "title": "Repeat high readings",
    "own_idea": "Repeat a high reading after five quiet minutes",
    "scale": "1 patient",
    "starts_on": "2026-03-02",
    "ends_on": "2026-03-06",
    "status": "planned",
    "objective": "See whether repeating helps",
    "prediction": "Half of high first readings fall below 140/90",
}


def make_cycle(world, title="Repeat high readings", team=None, **fields) -> PDSACycle:
    fields.setdefault("own_idea", "Repeat high readings")
    return PDSACycle.objects.create(
        collaborative=world.collaborative, team=team or world.team_a, title=title, **fields
    )


def diagram(world) -> dict[str, DriverNode]:
    c = world.collaborative
    primary = DriverNode.objects.create(collaborative=c, text="Accurate measurement")
    secondary = DriverNode.objects.create(collaborative=c, parent=primary, text="Good technique")
    idea = DriverNode.objects.create(collaborative=c, parent=secondary, text="Repeat readings")
    own = DriverNode.objects.create(
        collaborative=c, team=world.team_a, parent=secondary, text="Quiet room"
    )
    theirs = DriverNode.objects.create(
        collaborative=c, team=world.team_b, parent=secondary, text="Team B's own idea"
    )
    return {"secondary": secondary, "idea": idea, "own": own, "theirs": theirs}


def url(name, world, *args):
    return reverse(f"improvement:{name}", args=[world.collaborative.pk, *args])


# --- the team's list --------------------------------------------------------------------------


def test_the_list_groups_ramps_and_offers_a_new_cycle(client, world) -> None:
    first = make_cycle(world, "One patient", scale="1 patient", starts_on=date(2026, 2, 1))
    make_cycle(world, "Five patients", builds_on=first, starts_on=date(2026, 2, 8))
    make_cycle(world, "Call-backs", own_idea="Call patients back", decision="abandon")
    client.force_login(world.data_lead)
    response = client.get(url("cycles", world, world.team_a.pk))
    body = response.content.decode()
    assert "a ramp of 2 cycles" in body
    assert body.index("One patient") < body.index("Five patients")
    assert "Abandon" in body
    assert url("new-cycle", world, world.team_a.pk) in body


def test_the_list_for_readers_who_may_not_write(client, world) -> None:
    make_cycle(world)
    client.force_login(world.coach)
    body = client.get(url("cycles", world, world.team_a.pk)).content.decode()
    assert "Repeat high readings" in body
    assert url("new-cycle", world, world.team_a.pk) not in body


def test_the_list_refuses_outsiders_observers_and_posts(client, world) -> None:
    target = url("cycles", world, world.team_a.pk)
    client.force_login(world.outsider)
    assert client.get(target).status_code == 404
    client.force_login(world.observer)
    assert client.get(target).status_code == 403
    client.force_login(world.data_lead)
    assert client.post(target).status_code == 405


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_costs_the_same_however_many_cycles(
    client, world, django_assert_max_num_queries, count
) -> None:
    previous = None
    for number in range(count):
        previous = make_cycle(world, f"Cycle {number}", builds_on=previous if number % 3 else None)
    client.force_login(world.data_lead)
    with django_assert_max_num_queries(12):
        response = client.get(url("cycles", world, world.team_a.pk))
    assert response.content.decode().count("/cycles/") >= count


# --- the worksheet ----------------------------------------------------------------------------


def test_a_data_lead_records_a_cycle(client, world) -> None:
    client.force_login(world.data_lead)
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        response = client.post(url("new-cycle", world, world.team_a.pk), WORKSHEET)
    cycle = PDSACycle.objects.get()
    assert response.status_code == 302 and response["Location"] == url("cycle", world, cycle.pk)
    assert (cycle.team, cycle.collaborative, cycle.created_by) == (
        world.team_a,
        world.collaborative,
        world.data_lead,
    )
    assert cycle.starts_on == date(2026, 3, 2) and cycle.prediction.startswith("Half")
    assert not cycle.is_shared and cycle.shared_at is None


def test_the_change_tested_offers_change_ideas_of_the_teams_diagram(client, world) -> None:
    nodes = diagram(world)
    client.force_login(world.data_lead)
    body = client.get(url("new-cycle", world, world.team_a.pk)).content.decode()
    assert f'<option value="{nodes["idea"].pk}">Repeat readings</option>' in body
    assert f'<option value="{nodes["own"].pk}">Quiet room</option>' in body
    assert "Team B&#x27;s own idea" not in body  # another team's addition
    assert f'value="{nodes["secondary"].pk}"' not in body  # a driver, not an idea
    assert '<optgroup label="Good technique">' in body
    # Another team's idea sent anyway is refused.
    data = {**WORKSHEET, "own_idea": "", "idea": nodes["theirs"].pk}
    response = client.post(url("new-cycle", world, world.team_a.pk), data)
    assert response.status_code == 400 and not PDSACycle.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"own_idea": ""}, "idea", "Name the change this cycle tests once"),
        ({"key_change": "KEY"}, "idea", "Name the change this cycle tests once"),
        ({"ends_on": "2026-03-01"}, "ends_on", "The end date is before the start date."),
        ({"status": "done"}, "decision", "A cycle that is done needs a decision"),
    ],
    ids=["no-change", "two-changes", "end-before-start", "done-undecided"],
)
def test_the_worksheet_is_validated(client, world, changes, field, message) -> None:
    from convene.improvement.models import ChangeConcept, KeyChange

    concept = ChangeConcept.objects.create(collaborative=world.collaborative, name="Measure")
    key_change = KeyChange.objects.create(concept=concept, name="Repeat high readings")
    data = {**WORKSHEET, **changes}
    if data.get("key_change") == "KEY":
        data["key_change"] = key_change.pk
    client.force_login(world.data_lead)
    response = client.post(url("new-cycle", world, world.team_a.pk), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not PDSACycle.objects.exists()


def test_done_with_a_decision_and_a_key_change_is_saved(client, world) -> None:
    from convene.improvement.models import ChangeConcept, KeyChange

    concept = ChangeConcept.objects.create(collaborative=world.collaborative, name="Measure")
    key_change = KeyChange.objects.create(concept=concept, name="Repeat high readings")
    metric = make_bp_metric(world.collaborative)
    data = {**WORKSHEET, "own_idea": "", "key_change": key_change.pk, "status": "done"}
    data |= {"decision": "adopt", "metric": metric.pk}
    client.force_login(world.data_lead)
    assert client.post(url("new-cycle", world, world.team_a.pk), data).status_code == 302
    cycle = PDSACycle.objects.get()
    assert (cycle.key_change, cycle.decision, cycle.metric) == (key_change, "adopt", metric)


def test_building_on_a_cycle_carries_its_idea_and_suggests_the_next_scale(client, world) -> None:
    nodes = diagram(world)
    first = make_cycle(world, own_idea="", idea=nodes["idea"], scale="1 patient")
    client.force_login(world.data_lead)
    response = client.get(url("new-cycle", world, world.team_a.pk) + f"?builds_on={first.pk}")
    form = response.context["form"]
    assert form["builds_on"].value() == str(first.pk)
    assert form["idea"].value() == str(nodes["idea"].pk)
    assert form["scale"].value() == "5 patients"
    response = client.get(url("new-cycle", world, world.team_a.pk) + f"?idea={nodes['own'].pk}")
    assert response.context["form"]["idea"].value() == str(nodes["own"].pk)


def test_a_cycle_cannot_build_on_itself_or_a_later_cycle_of_its_chain(client, world) -> None:
    first = make_cycle(world, "First")
    second = make_cycle(world, "Second", builds_on=first)
    third = make_cycle(world, "Third", builds_on=second)
    other_team = make_cycle(world, "Theirs", team=world.team_b)
    client.force_login(world.data_lead)
    for refused in (first, third, other_team):
        data = {**WORKSHEET, "builds_on": refused.pk, "version": "1"}
        response = client.post(url("edit-cycle", world, first.pk) + "", data)
        assert response.status_code == 400, refused.title
        assert "builds_on" in response.context["form"].errors
    first.refresh_from_db()
    assert first.builds_on is None and first.version == 1


def test_an_edit_keeps_what_it_replaced_as_a_revision(client, world) -> None:
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        cycle = make_cycle(world, **{k: v for k, v in WORKSHEET.items() if k != "title"})
    client.force_login(world.data_lead)
    data = {**WORKSHEET, "status": "doing", "what_happened": "Tested with 1 patient", "version": 1}
    with time_machine.travel("2026-03-04 15:00Z", tick=False):
        response = client.post(url("edit-cycle", world, cycle.pk), data)
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.version, cycle.status, cycle.what_happened) == (
        2,
        "doing",
        "Tested with 1 patient",
    )
    assert cycle.updated_at == datetime(2026, 3, 4, 15, tzinfo=UTC)
    revision = PDSACycleRevision.objects.get()
    assert (revision.version, revision.saved_by) == (1, world.data_lead)
    assert revision.data["status"] == "planned" and revision.data["what_happened"] == ""
    assert revision.data["starts_on"] == "2026-03-02"
    # Saving the same worksheet again changes nothing and keeps no revision.
    client.post(url("edit-cycle", world, cycle.pk), {**data, "version": 2})
    assert PDSACycleRevision.objects.count() == 1
    # The history on the cycle page says what the edit changed.
    body = client.get(url("cycle", world, cycle.pk)).content.decode()
    assert (
        "Version 1, replaced 4 Mar 2026 15:00 by Data_Lead: changed what happened, status" in body
    )


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, world) -> None:
    cycle = make_cycle(world, **{k: v for k, v in WORKSHEET.items() if k != "title"})
    client.force_login(world.data_lead)
    first = {**WORKSHEET, "results": "Saved by the leader", "version": 1}
    assert client.post(url("edit-cycle", world, cycle.pk), first).status_code == 302
    stale = {**WORKSHEET, "results": "Typed by the data lead", "version": 1}
    response = client.post(url("edit-cycle", world, cycle.pk), stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this cycle" in body
    assert "Typed by the data lead</textarea>" in body  # the form keeps the typed text
    assert "What was saved meanwhile (version 2)" in body
    assert "Saved by the leader" in body  # …and shows what was saved
    assert response.context["form"]["version"].value() == 2
    cycle.refresh_from_db()
    assert cycle.results == "Saved by the leader" and cycle.version == 2


def test_sharing_sets_shared_at_and_unsharing_clears_it(client, world) -> None:
    cycle = make_cycle(world, **{k: v for k, v in WORKSHEET.items() if k != "title"})
    client.force_login(world.leader)
    with time_machine.travel("2026-03-05 10:00Z", tick=False):
        client.post(
            url("edit-cycle", world, cycle.pk), {**WORKSHEET, "is_shared": "on", "version": 1}
        )
    cycle.refresh_from_db()
    assert cycle.is_shared and cycle.shared_at == datetime(2026, 3, 5, 10, tzinfo=UTC)
    client.post(url("edit-cycle", world, cycle.pk), {**WORKSHEET, "version": 2})
    cycle.refresh_from_db()
    assert not cycle.is_shared and cycle.shared_at is None


def test_editing_is_for_the_team_and_hosts(client, world) -> None:
    cycle = make_cycle(world)
    for persona, status in (("coach", 403), ("other_team", 403), ("outsider", 404)):
        client.force_login(world.people[persona])
        assert client.get(url("edit-cycle", world, cycle.pk)).status_code == status, persona


def test_a_deleted_cycle_is_gone_from_the_pages_and_restorable(client, world) -> None:
    cycle = make_cycle(world)
    client.force_login(world.data_lead)
    response = client.post(url("delete-cycle", world, cycle.pk))
    assert response["Location"] == url("cycles", world, world.team_a.pk)
    assert client.get(url("cycle", world, cycle.pk)).status_code == 404
    assert (
        "Repeat high readings"
        not in client.get(url("cycles", world, world.team_a.pk)).content.decode()
    )
    assert client.get(url("delete-cycle", world, cycle.pk)).status_code == 405
    cycle = PDSACycle.all_objects.get(pk=cycle.pk)
    assert cycle.deleted_by == world.data_lead
    client.force_login(world.host)
    restore = reverse(
        "collaboratives:restore-item", args=[world.collaborative.pk, "cycle", cycle.pk]
    )
    client.post(restore)
    assert client.get(url("cycle", world, cycle.pk)).status_code == 200


# --- the cycle page, print view and ramp ------------------------------------------------------


def test_the_cycle_page_shows_the_worksheet_and_its_ramp(client, world) -> None:
    first = make_cycle(world, "One patient", scale="1 patient", starts_on=date(2026, 2, 1))
    second = make_cycle(
        world, "Five patients", builds_on=first, scale="5 patients", prediction="3 of 5 fall"
    )
    client.force_login(world.coach)
    body = client.get(url("cycle", world, second.pk)).content.decode()
    assert "Part of a ramp of 2 cycles" in body
    assert "3 of 5 fall" in body and "Eastside clinic" in body
    assert "Build on this cycle" not in body  # the coach reads, the team writes
    client.force_login(world.data_lead)
    body = client.get(url("cycle", world, second.pk)).content.decode()
    assert f"?builds_on={second.pk}" in body


@pytest.mark.parametrize("count", [1, 10])
def test_the_cycle_page_costs_the_same_however_many_comments_and_files(
    client, world, django_assert_max_num_queries, count
) -> None:
    from convene.improvement.models import Comment, CycleAttachment

    previous = None
    for number in range(count):
        previous = make_cycle(world, f"Cycle {number}", builds_on=previous)
    for number in range(count):
        Comment.objects.create(cycle=previous, author=world.coach, text=f"Comment {number}")
        CycleAttachment.objects.create(
            cycle=previous,
            file=f"uploads/cycles/x{number}.pdf",
            name=f"f{number}.pdf",
            size=3,
            content_type="application/pdf",
            uploaded_by=world.data_lead,
        )
        with acting_as(world.data_lead):
            previous.title = f"Renamed {number}"
            previous.save()
            PDSACycleRevision.objects.create(
                cycle=previous, version=number + 10, data=previous.snapshot()
            )
    client.force_login(world.data_lead)
    with django_assert_max_num_queries(16):
        response = client.get(url("cycle", world, previous.pk))
    assert response.content.decode().count("Comment ") >= count


def test_the_print_view_is_the_worksheet_alone(client, world) -> None:
    cycle = make_cycle(world, objective="Fewer false highs", decision="adapt")
    client.force_login(world.member)
    response = client.get(url("print-cycle", world, cycle.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fewer false highs" in body and "Adapt" in body
    assert "css/cycles.css" in body and "js/print-page.js" in body and "data-print-page" in body
    assert "navbar" not in body  # no site navigation on paper


def test_the_ramp_shows_the_scale_growing(client, world) -> None:
    one = make_cycle(world, "One", scale="1 patient", starts_on=date(2026, 2, 1), decision="adapt")
    five = make_cycle(world, "Five", builds_on=one, scale="5 patients", starts_on=date(2026, 2, 8))
    make_cycle(world, "Session", builds_on=five, scale="one clinic session", results="Worked")
    client.force_login(world.faculty)
    body = client.get(url("ramp", world, one.pk)).content.decode()
    assert body.index("1 patient") < body.index("5 patients") < body.index("one clinic session")
    assert "3 cycles, each building on the one before" in body
    assert "Worked" in body and "Adapt" in body


def test_saving_a_cycle_whose_earlier_cycle_was_deleted_keeps_the_link(client, world) -> None:
    first = make_cycle(world, "First")
    second = make_cycle(world, "Second", builds_on=first)
    first.soft_delete(world.data_lead)
    client.force_login(world.data_lead)
    data = {**WORKSHEET, "builds_on": first.pk, "version": 1}
    assert client.post(url("edit-cycle", world, second.pk), data).status_code == 302
    second.refresh_from_db()
    assert second.builds_on_id == first.pk
    new = client.get(url("new-cycle", world, world.team_a.pk)).content.decode()
    assert f'value="{first.pk}"' not in new  # not offered to new cycles
