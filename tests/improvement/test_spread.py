"""The spread matrix: change ideas by teams, on a hand-made data set counted in the tests."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives.access import access_in
from convene.collaboratives.models import Collaborative
from convene.improvement.models import ChangeConcept, DriverNode, KeyChange, PDSACycle
from convene.improvement.spread import spread_matrix

from ..factories import make_team

DONE, DOING, STUDYING, PLANNED = "done", "doing", "studying", "planned"


def _cycle(world, team, title, **fields):
    return PDSACycle.objects.create(
        collaborative=world.collaborative, team=team, title=title, **fields
    )


@pytest.fixture
def spread(world):
    """Four teams (A Eastside, B Valley, C Hill, D Ridge, joined in that order); a diagram with
    two ideas, the first putting key change K1 into practice; two key changes.

    A tests I1 twice (adapt, then adopt), B abandons it, C adopted it and is testing it again;
    A plans a test of K2, B adopted K2; A adopted an idea of its own (unshared), B is studying
    one of its own (shared). D tests nothing.
    """
    w = world
    w.team_c = make_team(w.collaborative, "Hill clinic")
    w.team_d = make_team(w.collaborative, "Ridge clinic")
    primary = DriverNode.objects.create(collaborative=w.collaborative, text="Reliable care")
    secondary = DriverNode.objects.create(
        collaborative=w.collaborative, parent=primary, text="Accurate measurement"
    )
    w.i1 = DriverNode.objects.create(
        collaborative=w.collaborative, parent=secondary, text="Repeat high readings", position=0
    )
    w.i2 = DriverNode.objects.create(
        collaborative=w.collaborative, parent=secondary, text="Loan home cuffs", position=1
    )
    concept = ChangeConcept.objects.create(collaborative=w.collaborative, name="Measure well")
    w.k1 = KeyChange.objects.create(concept=concept, name="Standard technique", position=0)
    w.k2 = KeyChange.objects.create(concept=concept, name="Treatment protocol", position=1)
    w.i1.key_changes.add(w.k1)
    a, b, c = w.team_a, w.team_b, w.team_c
    w.c1 = _cycle(
        w,
        a,
        "1 patient",
        idea=w.i1,
        status=DONE,
        decision="adapt",
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 2, 28),
    )
    w.c2 = _cycle(
        w,
        a,
        "5 patients",
        idea=w.i1,
        status=DONE,
        decision="adopt",
        builds_on=w.c1,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 4, 30),
    )
    w.c3 = _cycle(
        w,
        b,
        "Tried once",
        idea=w.i1,
        status=DONE,
        decision="abandon",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
    )
    w.c4 = _cycle(
        w,
        c,
        "Hill first",
        idea=w.i1,
        status=DONE,
        decision="adopt",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 15),
        is_shared=True,
    )
    w.c5 = _cycle(w, c, "Hill again", idea=w.i1, status=DOING, starts_on=date(2026, 4, 1))
    w.c6 = _cycle(w, a, "Protocol plan", key_change=w.k2, status=PLANNED)
    w.c7 = _cycle(
        w,
        b,
        "Protocol",
        key_change=w.k2,
        status=DONE,
        decision="adopt",
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 5, 1),
        is_shared=True,
    )
    w.c8 = _cycle(
        w,
        a,
        "Texts",
        own_idea="Text reminders",
        status=DONE,
        decision="adopt",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 5, 20),
    )
    w.c9 = _cycle(
        w,
        b,
        "Walk-ins",
        own_idea="Walk-in hours",
        status=STUDYING,
        is_shared=True,
        starts_on=date(2026, 6, 1),
    )
    return w


def _matrix(world, persona):
    return spread_matrix(access_in(getattr(world, persona), world.collaborative))


def _row(matrix, name):
    return next(row for row in matrix.rows if row.name == name)


def _cells(matrix, name):
    row = _row(matrix, name)
    return {
        str(team.label): (cell.state, cell.cycles)
        for team, cell in zip(matrix.teams, row.cells, strict=True)
    }


def _set_sharing(world, sharing):
    Collaborative.objects.filter(pk=world.collaborative.pk).update(sharing=sharing)
    world.collaborative.refresh_from_db()


def test_each_cell_is_the_latest_state_of_a_teams_testing(spread):
    matrix = _matrix(spread, "host")
    assert [str(team.label) for team in matrix.teams] == [
        "Eastside clinic",
        "Hill clinic",
        "Ridge clinic",
        "Valley clinic",
    ]
    assert _cells(matrix, "Repeat high readings") == {
        "Eastside clinic": ("adopted", 2),  # adapt, then adopt: the later one
        "Hill clinic": ("testing", 2),  # adopted, and a new cycle under way since
        "Ridge clinic": ("none", 0),
        "Valley clinic": ("abandoned", 1),
    }
    assert _cells(matrix, "Loan home cuffs") == dict.fromkeys(
        ["Eastside clinic", "Hill clinic", "Ridge clinic", "Valley clinic"], ("none", 0)
    )
    assert _cells(matrix, "Treatment protocol") == {
        "Eastside clinic": ("testing", 1),  # planned, no dates yet
        "Hill clinic": ("none", 0),
        "Ridge clinic": ("none", 0),
        "Valley clinic": ("adopted", 1),
    }


def test_an_ideas_cycles_count_for_the_key_changes_it_puts_into_practice(spread):
    matrix = _matrix(spread, "host")
    assert _cells(matrix, "Standard technique") == _cells(matrix, "Repeat high readings")


def test_row_totals_count_every_team(spread):
    matrix = _matrix(spread, "host")
    row = _row(matrix, "Repeat high readings")
    assert (row.counts["adopted"], row.counts["abandoned"], row.counts["testing"]) == (1, 1, 1)
    assert row.counts["none"] == 1 and row.cycle_count == 5
    assert row.total == (
        "Adopted by 1 of 4 teams; Abandoned by 1 of 4 teams; Testing by 1 of 4 teams"
    )
    assert _row(matrix, "Loan home cuffs").total == "Not tested by any team"


def test_column_totals_count_each_teams_cycles_and_ideas(spread):
    matrix = _matrix(spread, "host")
    totals = {
        str(team.label): (total.cycles, total.adopted, total.tested)
        for team, total in zip(matrix.teams, matrix.team_totals, strict=True)
    }
    # Eastside: cycles 1, 2, 6, 8; adopted I1, K1 (through I1) and its own idea; tested
    # those and K2. Valley: cycles 3, 7, 9; adopted K2; tested I1, K1, K2 and its own.
    assert totals == {
        "Eastside clinic": (4, 3, 4),
        "Hill clinic": (2, 0, 2),
        "Ridge clinic": (0, 0, 0),
        "Valley clinic": (3, 1, 4),
    }


def test_teams_own_ideas_are_a_group_of_their_own(spread):
    matrix = _matrix(spread, "host")
    assert [group.title for group in matrix.groups] == [
        "Change ideas of the driver diagram",
        "Key changes of the change package",
        "Teams' own ideas",
    ]
    own = matrix.groups[-1].rows
    assert [(row.name, row.group) for row in own] == [
        ("Text reminders", "Eastside clinic"),
        ("Walk-in hours", "Valley clinic"),
    ]
    assert _cells(matrix, "Walk-in hours")["Valley clinic"] == ("testing", 1)
    assert _row(matrix, "Walk-in hours").total == "Testing by 1 of 4 teams"


def test_a_team_node_of_its_own_diagram_counts_as_its_own_idea(spread):
    w = spread
    own_node = DriverNode.objects.create(
        collaborative=w.collaborative, team=w.team_d, parent=w.i1.parent, text="Quiet room"
    )
    _cycle(w, w.team_d, "Quiet", idea=own_node, status=DONE, decision="abandon")
    matrix = _matrix(w, "host")
    assert _cells(matrix, "Quiet room")["Ridge clinic"] == ("abandoned", 1)


def test_team_members_see_other_teams_by_name_where_sharing_is_named(spread):
    _set_sharing(spread, Collaborative.Sharing.NAMED)
    matrix = _matrix(spread, "member")
    assert len(matrix.teams) == 4
    own = [row.name for row in matrix.groups[-1].rows]
    # Its own idea, and the other team's shared one; never another team's unshared one.
    assert own == ["Text reminders", "Walk-in hours"]
    row = _row(matrix, "Repeat high readings")
    links = {str(t.label): c.ramp_cycle_id for t, c in zip(matrix.teams, row.cells, strict=True)}
    assert links["Eastside clinic"] == spread.c2.pk  # its own team's latest cycle
    assert links["Valley clinic"] is None  # not shared: no link to a page it may not read
    assert links["Hill clinic"] is None  # Hill's latest (doing) is not shared


def test_anonymised_sharing_shows_letters_that_agree_with_the_site(client, spread):
    _set_sharing(spread, Collaborative.Sharing.ANONYMISED)
    client.force_login(spread.member)
    page = client.get(reverse("improvement:spread", args=[spread.collaborative.pk]))
    body = page.content.decode()
    assert "Eastside clinic" in body  # its own team named
    assert "Valley clinic" not in body and "Hill clinic" not in body
    # Letters by the order teams joined: Valley second, Hill third, Ridge fourth.
    assert "Team B" in body and "Team C" in body and "Team D" in body


def test_aggregate_only_shows_only_the_row_totals_and_the_viewers_own_team(client, spread):
    _set_sharing(spread, Collaborative.Sharing.AGGREGATE)
    matrix = _matrix(spread, "member")
    assert [str(team.label) for team in matrix.teams] == ["Eastside clinic"]
    assert [row.name for row in matrix.groups[-1].rows] == ["Text reminders"]
    assert _row(matrix, "Repeat high readings").counts["abandoned"] == 1  # Valley counted
    client.force_login(spread.member)
    body = client.get(reverse("improvement:spread", args=[spread.collaborative.pk])).content
    body = body.decode()
    assert "Valley clinic" not in body and "Walk-in hours" not in body
    assert "Team B" not in body
    assert "Abandoned by 1 of 4 teams" in body
    # Hosts, planners and faculty see every team whatever the setting.
    assert len(_matrix(spread, "faculty").teams) == 4


def test_the_page_shows_states_as_text_with_a_key_and_links_to_ramps(client, spread):
    client.force_login(spread.host)
    response = client.get(reverse("improvement:spread", args=[spread.collaborative.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Key:" in body
    ramp = reverse("improvement:ramp", args=[spread.collaborative.pk, spread.c2.pk])
    assert f'<a href="{ramp}">Adopted</a>' in body
    assert "2 cycles" in body and "Adopted by 1 of 4 teams" in body
    assert (
        'aria-current="page" href="{}"'.format(
            reverse("improvement:spread", args=[spread.collaborative.pk])
        )
        in body
    )  # the Spread tab


def test_titles_and_own_words_are_escaped(client, spread):
    _cycle(spread, spread.team_a, "x", own_idea="<script>alert(1)</script>", status=PLANNED)
    client.force_login(spread.host)
    body = client.get(reverse("improvement:spread", args=[spread.collaborative.pk])).content
    assert b"<script>alert(1)" not in body and b"&lt;script&gt;alert(1)" in body


def test_observers_are_refused_outsiders_not_found_and_post_not_allowed(client, spread):
    url = reverse("improvement:spread", args=[spread.collaborative.pk])
    client.force_login(spread.observer)
    assert client.get(url).status_code == 403
    client.force_login(spread.outsider)
    assert client.get(url).status_code == 404
    client.force_login(spread.host)
    assert client.post(url).status_code == 405


def _queries(client, world):
    url = reverse("improvement:spread", args=[world.collaborative.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_cycles_or_teams(client, spread):
    client.force_login(spread.member)
    before = _queries(client, spread)
    for n in range(6):
        team = make_team(spread.collaborative, f"Extra {n}")
        for idea in (spread.i1, spread.i2):
            _cycle(spread, team, f"c{n}", idea=idea, status=DONE, decision="adopt")
        _cycle(spread, team, f"own{n}", own_idea=f"Own {n}", status=DONE, is_shared=True)
    assert _queries(client, spread) == before
