"""PDSA cycles on the team's charts, its chart files and the collaborative's small multiples."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from convene.collaboratives.models import Collaborative
from convene.improvement.models import DriverNode, PDSACycle
from convene.measures.models import Metric

from ..factories import make_metric_with_figures, make_team, record_figures
from .test_collaborative_dashboard import FLAT, RISING

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bp(world):
    """Monthly periods from January 2025, team A rising, team B flat."""
    return make_metric_with_figures(
        world.collaborative,
        {world.team_a: (RISING, 100), world.team_b: (FLAT, 120)},
        first_period_on=date(2025, 1, 1),
        baseline_periods=12,
    )


def _cycle(world, title, team=None, **fields):
    return PDSACycle.objects.create(
        collaborative=world.collaborative, team=team or world.team_a, title=title, **fields
    )


@pytest.fixture
def three(world, bp):
    """Three cycles of team A: one dated mid-month, one placed by its Study on a period, one
    abandoned; and one planned without dates (not drawn)."""
    periods = {p.starts_on: p for p in world.collaborative.periods.all()}
    _cycle(
        world,
        "Repeat high readings",
        status="done",
        decision="adopt",
        starts_on=date(2026, 1, 12),
        ends_on=date(2026, 2, 3),
    )
    _cycle(
        world,
        "Loan home cuffs",
        status="studying",
        starts_on=date(2026, 3, 2),
        metric=bp,
        period=periods[date(2026, 5, 1)],
    )
    _cycle(
        world,
        "Evening huddles",
        status="done",
        decision="abandon",
        starts_on=date(2026, 7, 31),
        ends_on=date(2026, 8, 15),
    )
    _cycle(world, "Not dated yet", status="planned")
    return world


def _specs(body, prefix="spec-"):
    found = re.findall(rf'<script id="{prefix}[^"]+" type="application/json">(.*?)</script>', body)
    return [json.loads(text) for text in found]


def _marks(spec):
    for layer in spec["layer"]:
        if layer.get("mark", {}).get("type") == "rule" and "title" in json.dumps(
            layer.get("data", {})
        ):
            return [(v["x"], v["title"], v["label"]) for v in layer["data"]["values"]]
    return []


def _team_dashboard(client, world, person=None, team=None):
    client.force_login(person or world.data_lead)
    team = team or world.team_a
    url = reverse("dashboards:team-dashboard", args=[world.collaborative.pk, team.pk])
    return client.get(url).content.decode()


def test_the_teams_chart_marks_each_cycle_at_its_period(client, three):
    body = _team_dashboard(client, three)
    (spec,) = _specs(body)
    assert _marks(spec) == [
        ("2026-01-01T00:00", "Repeat high readings", "Adopt"),  # its start's month
        ("2026-05-01T00:00", "Loan home cuffs", "Studying"),  # the period its Study names
        ("2026-07-01T00:00", "Evening huddles", "Abandon"),
    ]
    assert "Not dated yet" not in json.dumps(spec)
    # Beside the chart in words, for whoever cannot see it.
    assert "PDSA cycles on this chart" in body
    assert "Loan home cuffs (May 2026: Studying)" in body


def test_the_tooltip_has_the_dates(client, three):
    (spec,) = _specs(_team_dashboard(client, three))
    rule = next(layer for layer in spec["layer"] if _marks({"layer": [layer]}))
    assert rule["data"]["values"][0]["dates"] == "Jan. 12, 2026 – Feb. 3, 2026"


def test_a_cycle_shows_only_on_the_metric_its_study_or_idea_names(client, world, three, bp):
    visits = Metric.objects.create(
        collaborative=world.collaborative,
        name="Visits",
        short_name="Visits",
        kind="count",
        direction="up",
    )
    record_figures(world.team_a, visits, [10, 12, 11, 13] * 5, 1)
    idea = DriverNode.objects.create(collaborative=world.collaborative, text="Open access")
    idea.metrics.add(visits)
    _cycle(world, "Walk-in mornings", idea=idea, status="doing", starts_on=date(2026, 2, 2))
    specs = _specs(_team_dashboard(client, world))
    titles = [[title for _x, title, _l in _marks(spec)] for spec in specs]
    # BP: every cycle but the one whose idea names Visits. Visits: that one, and the two
    # cycles that name no metric at all; not the one whose Study names BP.
    assert titles == [
        ["Repeat high readings", "Loan home cuffs", "Evening huddles"],
        ["Repeat high readings", "Walk-in mornings", "Evening huddles"],
    ]


def test_the_png_and_svg_downloads_carry_the_cycles(client, three, bp):
    client.force_login(three.data_lead)
    args = [three.collaborative.pk, three.team_a.pk, bp.pk]
    svg = client.get(reverse("dashboards:team-chart-file", args=[*args, "svg"])).content.decode()
    assert "Evening huddles" in svg
    png = client.get(reverse("dashboards:team-chart-file", args=[*args, "png"]))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


def test_titles_reach_the_page_escaped(client, world, bp):
    _cycle(world, "<img src=x onerror=alert(1)>", status="doing", starts_on=date(2026, 2, 2))
    body = _team_dashboard(client, world)
    assert "<img src=x" not in body
    (spec,) = _specs(body)
    assert _marks(spec)[0][1] == "<img src=x onerror=alert(1)>"  # data; vega-tooltip escapes


def test_long_titles_are_trimmed(client, world, bp):
    _cycle(world, "A" * 200, status="doing", starts_on=date(2026, 2, 2))
    (spec,) = _specs(_team_dashboard(client, world))
    title = _marks(spec)[0][1]
    assert len(title) == 80 and title.endswith("…")


def _team_count(client, world):
    url = reverse("dashboards:team-dashboard", args=[world.collaborative.pk, world.team_a.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_cycles(
    client, world, three, django_capture_on_commit_callbacks
):
    client.force_login(world.data_lead)
    first = DriverNode.objects.create(collaborative=world.collaborative, text="First idea")
    _cycle(world, "On an idea", idea=first, status="doing", starts_on=date(2026, 4, 1))
    before = _team_count(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            idea = DriverNode.objects.create(collaborative=world.collaborative, text=f"I{n}")
            _cycle(world, f"More {n}", idea=idea, status="doing", starts_on=date(2026, 4, n + 1))
    assert _team_count(client, world) == before
    assert "More 19" in _team_dashboard(client, world)


# ---------------------------------------------------------------- the small multiples


@pytest.fixture
def shared(world, bp):
    _cycle(world, "Eastside private", status="doing", starts_on=date(2026, 3, 3))
    _cycle(world, "Eastside shared", status="doing", starts_on=date(2026, 4, 3), is_shared=True)
    _cycle(world, "Valley private", team=world.team_b, status="doing", starts_on=date(2026, 3, 3))
    _cycle(
        world,
        "Valley shared",
        team=world.team_b,
        status="done",
        decision="adapt",
        starts_on=date(2026, 4, 3),
        is_shared=True,
    )
    return world


def _small_multiples(client, world, person, metric):
    client.force_login(person)
    url = reverse("dashboards:dashboard-teams", args=[world.collaborative.pk, metric.pk])
    body = client.get(url).content.decode()
    titles = set()
    for spec in _specs(body):
        titles |= {title for _x, title, _label in _marks(spec)}
    return titles


def _set_sharing(world, sharing):
    Collaborative.objects.filter(pk=world.collaborative.pk).update(sharing=sharing)
    world.collaborative.refresh_from_db()


EVERY = {"Eastside private", "Eastside shared", "Valley private", "Valley shared"}


@pytest.mark.parametrize(
    ("sharing", "persona", "seen"),
    [
        ("named", "host", EVERY),
        ("aggregate", "faculty", EVERY),  # hosts, planners and faculty: every team's cycles
        ("named", "coach", {"Eastside private", "Eastside shared", "Valley shared"}),
        ("named", "member", {"Eastside private", "Eastside shared", "Valley shared"}),
        ("anonymised", "member", {"Eastside private", "Eastside shared", "Valley shared"}),
        ("anonymised", "other_team", {"Valley private", "Valley shared", "Eastside shared"}),
        ("aggregate", "member", {"Eastside private", "Eastside shared"}),
        ("aggregate", "other_team", {"Valley private", "Valley shared"}),
        ("named", "observer", set()),
    ],
)
def test_small_multiples_show_cycles_as_sharing_allows(client, shared, bp, sharing, persona, seen):
    _set_sharing(shared, sharing)
    assert _small_multiples(client, shared, getattr(shared, persona), bp) == seen


def test_small_multiples_read_every_cycle_in_one_query(
    client, shared, bp, django_capture_on_commit_callbacks
):
    client.force_login(shared.host)
    url = reverse("dashboards:dashboard-teams", args=[shared.collaborative.pk, bp.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries), sum("pdsacycle" in q["sql"] for q in queries.captured_queries)

    before = count()
    assert before[1] == 1
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            team = make_team(shared.collaborative, f"Extra {n}")
            record_figures(team, bp, FLAT, 100)
            for k in range(3):
                _cycle(shared, f"x{n}{k}", team=team, status="doing", starts_on=date(2026, 5, 2))
    assert count() == before
