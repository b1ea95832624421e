"""Counts of the teams' testing: on the collaborative dashboard and in the host's export."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from convene.collaboratives.models import Collaborative
from convene.improvement import evaluation
from convene.improvement.models import (
    ActionPlan,
    ActionStep,
    ChangeConcept,
    DriverNode,
    KeyChange,
    PDSACycle,
)

from ..factories import make_team
from ..reporting.test_exports import _formulas

NOW = datetime(2026, 7, 20, 12, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _july_2026():
    with time_machine.travel(NOW, tick=False):
        yield


def _cycle(world, team, title, **fields):
    return PDSACycle.objects.create(
        collaborative=world.collaborative, team=team, title=title, **fields
    )


@pytest.fixture
def tested(world):
    """The collaborative runs January to December 2026. Eastside: two cycles in February (one
    adopted, one adapted), one in March (doing). Valley: one in March (abandoned), one its own
    idea in April (done, no decision). A cycle without a start date counts in the totals only.
    """
    w = world
    w.idea = DriverNode.objects.create(collaborative=w.collaborative, text="Repeat readings")
    concept = ChangeConcept.objects.create(collaborative=w.collaborative, name="Treat")
    w.protocol = KeyChange.objects.create(concept=concept, name="Treatment protocol")
    a, b = w.team_a, w.team_b
    w.first = _cycle(
        w,
        a,
        "1 patient",
        idea=w.idea,
        status="done",
        decision="adopt",
        starts_on=date(2026, 2, 2),
        ends_on=date(2026, 2, 9),
        scale="1 patient",
    )
    _cycle(
        w,
        a,
        '=HYPERLINK("x")',
        idea=w.idea,
        status="done",
        decision="adapt",
        starts_on=date(2026, 2, 20),
        builds_on=w.first,
        objective="-2+3",
    )
    _cycle(w, a, "Protocol", key_change=w.protocol, status="doing", starts_on=date(2026, 3, 5))
    _cycle(
        w,
        b,
        "Valley readings",
        idea=w.idea,
        status="done",
        decision="abandon",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 30),
    )
    _cycle(w, b, "Walk-ins", own_idea="Walk-in hours", status="done", starts_on=date(2026, 4, 1))
    _cycle(w, a, "Undated", status="planned")
    deleted = _cycle(
        w, b, "Deleted", idea=w.idea, status="done", decision="adopt", starts_on=date(2026, 4, 1)
    )
    deleted.soft_delete(w.host)
    return w


def test_the_months_are_the_collaboratives(world):
    months = evaluation.month_starts(world.collaborative)
    assert months[0] == date(2026, 1, 1) and months[-1] == date(2026, 12, 1) and len(months) == 12


def test_counts_per_team_per_month_completed_and_the_decisions(tested):
    w = tested
    teams = [w.team_a, w.team_b]
    for team in teams:
        team.label = team.name
    counts = evaluation.testing_counts(w.collaborative, teams)
    assert counts.total == 6 and counts.completed == 4 and counts.teams_testing == 2
    assert counts.decisions == {"adopt": 1, "adapt": 1, "abandon": 1}
    assert counts.by_month[:5] == [0, 2, 2, 1, 0]  # by start month; the undated one nowhere
    assert counts.shown_count == 4  # January to April: nothing started later yet
    east, valley = counts.teams
    assert (east.by_month[:4], east.total, east.completed) == ([0, 2, 1, 0], 4, 2)
    assert (valley.by_month[:4], valley.total, valley.completed) == ([0, 0, 1, 1], 2, 2)
    # The idea three cycles of two teams tested, then the key change; no team's own words.
    assert [(i.name, i.teams, i.cycles) for i in counts.ideas] == [
        ("Repeat readings", 2, 3),
        ("Treatment protocol", 1, 1),
    ]


def _dashboard(client, person, world):
    client.force_login(person)
    return client.get(reverse("dashboards:dashboard", args=[world.collaborative.pk])).content


def test_the_dashboard_shows_the_counts_to_hosts_with_team_names(client, tested):
    body = _dashboard(client, tested.host, tested).decode()
    assert "Testing changes" in body
    assert "6 by 2 teams" in body
    assert "Adopt: 1 · Adapt: 1 · Abandon: 1" in body
    assert "Repeat readings: 2 teams, 3 cycles" in body
    assert '<th scope="row" class="fw-normal">Valley clinic</th>' in body


def test_observers_see_the_counts_but_no_team_or_idea_name(client, tested):
    body = _dashboard(client, tested.observer, tested).decode()
    assert "6 by 2 teams" in body and "Adopt: 1" in body
    assert "Valley clinic" not in body and "Eastside clinic" not in body
    assert "Repeat readings" not in body  # observers read no change package


def test_anonymised_sharing_gives_other_teams_their_letters(client, tested):
    body = _dashboard(client, tested.member, tested).decode()  # anonymised by default
    assert '<th scope="row" class="fw-normal">Eastside clinic</th>' in body
    assert '<th scope="row" class="fw-normal">Team B</th>' in body
    assert "Valley clinic" not in body


def test_aggregate_only_shows_no_other_teams_row(client, tested):
    Collaborative.objects.filter(pk=tested.collaborative.pk).update(sharing="aggregate")
    body = _dashboard(client, tested.member, tested).decode()
    assert "6 by 2 teams" in body  # every team counted
    assert "Team B" not in body and "Valley clinic" not in body


def test_the_dashboards_queries_do_not_grow_with_cycles(
    client, tested, django_capture_on_commit_callbacks
):
    client.force_login(tested.host)
    url = reverse("dashboards:dashboard", args=[tested.collaborative.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            team = make_team(tested.collaborative, f"Extra {n}")
            for k in range(5):
                _cycle(tested, team, f"c{k}", idea=tested.idea, starts_on=date(2026, 5, k + 1))
    assert count() == before
    assert b"21 by 5 teams" in client.get(url).content


# ---------------------------------------------------------------- the host's export


def _workbook(client, world):
    client.force_login(world.host)
    url = reverse("reporting:export", args=[world.collaborative.pk, "xlsx"])
    content = client.get(url).content
    return load_workbook(io.BytesIO(content)), content


def _rows(book, title):
    sheet = book[title]
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]


def test_the_export_carries_every_live_cycle(client, tested):
    book, content = _workbook(client, tested)
    assert book.sheetnames[-3:] == ["PDSA cycles", "Action plans", "Cycle counts"]
    rows = _rows(book, "PDSA cycles")
    assert len(rows) == 6  # not the deleted one
    first = next(row for row in rows if row["title"] == "1 patient")
    assert first["team"] == "Eastside clinic" and first["idea"] == "Repeat readings"
    assert first["decision"] == "adopt" and first["status"] == "done"
    assert first["starts_on"] == datetime(2026, 2, 2) and first["scale"] == "1 patient"
    second = next(row for row in rows if row["builds_on"] == "1 patient")
    # Text a spreadsheet would run stays text: no formula anywhere in the file.
    assert second["title"] == '=HYPERLINK("x")' and second["objective"] == "-2+3"
    assert _formulas(content) == []
    own = next(row for row in rows if row["title"] == "Walk-ins")
    assert own["idea"] == "Walk-in hours" and own["decision"] is None
    protocol = next(row for row in rows if row["title"] == "Protocol")
    assert protocol["key_change"] == "Treatment protocol"


def test_the_export_carries_action_plans_a_row_per_step(client, tested):
    w = tested
    plan = ActionPlan.objects.create(
        collaborative=w.collaborative, team=w.team_a, title="After session 1", changes="Cuffs"
    )
    ActionStep.objects.create(
        plan=plan, text="Order cuffs", owner=w.leader, due_on=date(2026, 3, 1), position=0
    )
    ActionStep.objects.create(
        plan=plan, text="Train staff", owner_name="Nurse Lee", cycle=w.first, position=1
    )
    ActionPlan.objects.create(collaborative=w.collaborative, team=w.team_b, title="Empty plan")
    book, _content = _workbook(client, w)
    rows = _rows(book, "Action plans")
    assert [(r["team"], r["plan"], r["step"]) for r in rows] == [
        ("Eastside clinic", "After session 1", "Order cuffs"),
        ("Eastside clinic", "After session 1", "Train staff"),
        ("Valley clinic", "Empty plan", None),
    ]
    assert rows[0]["responsible"] == w.leader.email and rows[0]["due_on"] == datetime(2026, 3, 1)
    assert rows[1]["responsible"] == "Nurse Lee" and rows[1]["became_cycle"] == "1 patient"


def test_the_export_counts_cycles_per_team_per_month(client, tested):
    book, _content = _workbook(client, tested)
    rows = [
        (r["team"], r["month"], r["cycles_started"], r["completed"], r["adopt"], r["abandon"])
        for r in _rows(book, "Cycle counts")
    ]
    assert rows == [
        ("Eastside clinic", "2026-02", 2, 2, 1, 0),
        ("Eastside clinic", "2026-03", 1, 0, 0, 0),
        ("Valley clinic", "2026-03", 1, 1, 0, 1),
        ("Valley clinic", "2026-04", 1, 1, 0, 0),
    ]
