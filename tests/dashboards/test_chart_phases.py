"""A new phase of a team's chart: limits recomputed from a period on, audited and reversible."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from convene.collaboratives.models import AuditEvent, Collaborative
from convene.measures.models import ChartPhase
from convene.reporting.models import Value
from convene.spc import qic

from ..factories import make_metric_with_figures
from .test_team_dashboard import CONTROLLED

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
PHASE_AT = 16  # May 2026: the climb has settled near 70 %


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bp(world):
    return make_metric_with_figures(
        world.collaborative,
        {world.team_a: (CONTROLLED, 100)},
        first_period_on=date(2025, 1, 1),
        baseline_periods=12,
    )


def _phases_url(world, metric):
    return reverse(
        "measures:chart-phases", args=[world.collaborative.pk, world.team_a.pk, metric.pk]
    )


def _chart_csv(client, world, metric):
    url = reverse(
        "dashboards:team-chart-file",
        args=[world.collaborative.pk, world.team_a.pk, metric.pk, "csv"],
    )
    return list(csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))


def _limits(rows):
    return [(row["centre"], row["lower_limit"], row["upper_limit"]) for row in rows]


def _dashboard(client, world):
    url = reverse("dashboards:team-dashboard", args=[world.collaborative.pk, world.team_a.pk])
    return client.get(url).content.decode()


def _specs(body):
    found = re.findall(r'<script id="spec-[^"]+" type="application/json">(.*?)</script>', body)
    return [json.loads(text) for text in found]


def _start_phase(client, world, metric, at=PHASE_AT, reason="Titration visits", version=0):
    period = world.collaborative.periods.all()[at]
    return client.post(
        _phases_url(world, metric), {"period": period.pk, "reason": reason, "version": version}
    )


def _engine_limits(first):
    """The engine called directly with the phase as qicharts2's ``part``."""
    months = list(range(len(CONTROLLED)))
    result = qic(months, CONTROLLED, [100] * len(CONTROLLED), chart="p", part=first, multiply=100)
    return [(p["cl"], p["lcl"], p["ucl"]) for p in result.points]


def test_a_new_phase_takes_its_limits_from_its_own_points_and_removing_it_restores_them(
    client, world, bp, django_capture_on_commit_callbacks
):
    client.force_login(world.data_lead)
    frozen = _chart_csv(client, world, bp)
    # After the shift every later month is judged against the baseline's limits, for ever.
    assert len({row["upper_limit"] for row in frozen if row["upper_limit"]}) == 1

    response = _start_phase(client, world, bp)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/dashboard/#chart-{bp.pk}-title")

    phased = _chart_csv(client, world, bp)
    engine = _engine_limits(PHASE_AT)
    reported = phased[: len(CONTROLLED)]
    for row, (cl, lcl, ucl) in zip(reported[PHASE_AT:], engine[PHASE_AT:], strict=True):
        assert float(row["centre"]) == pytest.approx(cl, rel=1e-5)
        assert float(row["lower_limit"]) == pytest.approx(lcl, rel=1e-5)
        assert float(row["upper_limit"]) == pytest.approx(ucl, rel=1e-5)
    # The baseline keeps the limits it had; the months between are a phase of their own.
    assert _limits(phased[:12]) == _limits(frozen[:12])
    assert float(phased[PHASE_AT]["centre"]) > 65

    body = _dashboard(client, world)
    assert (
        "A new phase started in May 2026 (Titration visits): its centre and limits come from "
        "its own figures." in body
    )
    rules = [layer for layer in _specs(body)[0]["layer"] if layer["mark"]["type"] == "rule"]
    assert {"x": "2026-05-01T00:00", "label": "May 2026", "reason": "Titration visits"} in [
        value for layer in rules for value in layer.get("data", {}).get("values", [])
    ]

    phase = ChartPhase.objects.get()
    page = client.get(_phases_url(world, bp)).content.decode()
    assert "New phase from May 2026" in page and "Titration visits" in page
    remove = reverse(
        "measures:remove-chart-phase",
        args=[world.collaborative.pk, world.team_a.pk, bp.pk, phase.pk],
    )
    with django_capture_on_commit_callbacks(execute=True):  # the cached dashboard is stale
        assert client.post(remove, {"version": phase.version}).status_code == 302
    assert _limits(_chart_csv(client, world, bp)) == _limits(frozen)
    assert "A new phase started" not in _dashboard(client, world)


def test_phases_are_audited_and_the_host_can_restore_a_removed_one(client, world, bp):
    client.force_login(world.leader)
    _start_phase(client, world, bp)
    phase = ChartPhase.objects.get()
    client.post(
        reverse(
            "measures:remove-chart-phase",
            args=[world.collaborative.pk, world.team_a.pk, bp.pk, phase.pk],
        ),
        {"version": phase.version},
    )
    assert not ChartPhase.objects.exists()

    client.force_login(world.host)
    deleted = client.get(reverse("collaboratives:deleted", args=[world.collaborative.pk]))
    assert "Phase from May 2026: Titration visits" in deleted.content.decode()
    client.post(
        reverse(
            "collaboratives:restore-item",
            args=[world.collaborative.pk, "chart-phase", phase.pk],
        )
    )
    assert ChartPhase.objects.get().pk == phase.pk
    events = AuditEvent.objects.filter(object_type="measures.chartphase", object_id=str(phase.pk))
    assert list(events.order_by("at", "id").values_list("action", "actor", "collaborative")) == [
        ("create", world.leader.pk, world.collaborative.pk),
        ("delete", world.leader.pk, world.collaborative.pk),
        ("restore", world.host.pk, world.collaborative.pk),
    ]
    client.force_login(world.data_lead)
    assert "A new phase started in May 2026" in _dashboard(client, world)


def test_an_add_made_from_a_stale_page_is_refused(client, world, bp):
    client.force_login(world.data_lead)
    page = client.get(_phases_url(world, bp)).content.decode()
    assert 'name="version" value="0"' in page
    # A colleague starts a phase meanwhile.
    client.force_login(world.leader)
    assert _start_phase(client, world, bp, at=14, reason="Cuffs").status_code == 302

    client.force_login(world.data_lead)
    response = _start_phase(client, world, bp, version=0)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed the phases of this chart" in body
    assert "Cuffs" in body and 'value="Titration visits"' in body  # theirs shown, mine kept
    assert list(ChartPhase.objects.values_list("reason", flat=True)) == ["Cuffs"]
    # Sent again from the refreshed page, it is a deliberate choice.
    version = ChartPhase.version_of_chart(bp, world.team_a)
    assert _start_phase(client, world, bp, version=version).status_code == 302
    assert ChartPhase.objects.count() == 2


def test_a_removal_from_a_stale_page_is_refused(client, world, bp):
    client.force_login(world.data_lead)
    _start_phase(client, world, bp)
    phase = ChartPhase.objects.get()
    remove = reverse(
        "measures:remove-chart-phase",
        args=[world.collaborative.pk, world.team_a.pk, bp.pk, phase.pk],
    )
    assert client.post(remove, {"version": phase.version}).status_code == 302
    client.force_login(world.host)
    client.post(
        reverse(
            "collaboratives:restore-item",
            args=[world.collaborative.pk, "chart-phase", phase.pk],
        )
    )
    # The lead's old page still carries the version from before the removal and restore.
    client.force_login(world.data_lead)
    response = client.post(remove, {"version": phase.version})
    assert response.status_code == 409
    assert ChartPhase.objects.filter(pk=phase.pk).exists()


def test_who_may_start_a_phase(client, world, bp):
    for persona in ("member", "champion", "coach", "planning"):
        client.force_login(world.people[persona])
        assert _start_phase(client, world, bp).status_code == 403, persona
    client.force_login(world.coach)
    page = client.get(_phases_url(world, bp))
    assert page.status_code == 200 and "Start a new phase" not in page.content.decode()
    assert not ChartPhase.objects.exists()
    client.force_login(world.host)
    assert _start_phase(client, world, bp).status_code == 302


def test_a_phase_cannot_start_at_the_charts_first_period(client, world, bp):
    client.force_login(world.data_lead)
    response = _start_phase(client, world, bp, at=0)
    assert response.status_code == 400
    assert not ChartPhase.objects.exists()


def test_notes_and_exclusion_reasons_are_markers_with_their_text(client, world, bp):
    june = Value.objects.get(metric=bp, period__starts_on=date(2025, 6, 1))
    june.revise(world.host, "", is_excluded=True, exclusion_reason="EHR outage")
    march = Value.objects.get(metric=bp, period__starts_on=date(2026, 3, 1))
    march.revise(world.host, "", note="New titration protocol")
    client.force_login(world.data_lead)
    spec = _specs(_dashboard(client, world))[0]
    markers = [
        layer
        for layer in spec["layer"]
        if layer["mark"]["type"] == "point" and layer["mark"].get("shape") == "triangle-down"
    ]
    assert len(markers) == 1
    assert {"field": "note", "type": "nominal", "title": "note"} in markers[0]["encoding"][
        "tooltip"
    ]
    noted = {row["x"][:10]: row["note"] for row in spec["data"]["values"] if row["note"]}
    assert noted == {"2025-06-01": "Excluded: EHR outage", "2026-03-01": "New titration protocol"}


def test_other_teams_see_neither_notes_nor_reasons_on_anonymised_small_multiples(client, world, bp):
    world.collaborative.sharing = Collaborative.Sharing.ANONYMISED
    world.collaborative.save()
    march = Value.objects.get(metric=bp, period__starts_on=date(2026, 3, 1))
    march.revise(world.host, "", note="Private note")
    client.force_login(world.data_lead)
    _start_phase(client, world, bp, reason="Private reason")

    url = reverse("dashboards:dashboard-teams", args=[world.collaborative.pk, bp.pk])
    client.force_login(world.other_team)
    body = client.get(url).content.decode()
    assert "Team A" in body or "Team B" in body  # team A under its letter
    assert "Private note" not in body and "Private reason" not in body
    assert "triangle-down" not in body
    assert "A new phase started in May 2026: its centre" in body  # the limits still change

    client.force_login(world.coach)  # team A's coach may open its chart: notes and reasons
    body = client.get(url).content.decode()
    assert "Private note" in body and "Private reason" in body and "triangle-down" in body


def test_a_new_phase_of_the_roll_up_recomputes_the_all_teams_limits(
    client, world, django_capture_on_commit_callbacks
):
    other = [n - 4 for n in CONTROLLED]
    bp = make_metric_with_figures(
        world.collaborative,
        {world.team_a: (CONTROLLED, 100), world.team_b: (other, 100)},
        first_period_on=date(2025, 1, 1),
        baseline_periods=12,
    )
    period = world.collaborative.periods.all()[PHASE_AT]
    url = reverse("measures:rollup-phases", args=[world.collaborative.pk, bp.pk])
    client.force_login(world.planning)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"period": period.pk, "reason": "Second wave", "version": 0})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/dashboard/#metric-{bp.pk}")

    body = client.get(reverse("dashboards:dashboard", args=[world.collaborative.pk]))
    body = body.content.decode()
    assert "A new phase started in May 2026 (Second wave)" in body
    found = re.search(rf'<script id="agg-{bp.pk}" type="application/json">(.*?)</script>', body)
    rows = json.loads(found.group(1))["data"]["values"]
    summed = [a + b for a, b in zip(CONTROLLED, other, strict=True)]
    engine = qic(
        list(range(len(summed))), summed, [200] * len(summed), chart="p", part=16, multiply=100
    )
    for row, point in list(zip(rows, engine.points, strict=False))[PHASE_AT:]:
        assert row["cl"] == pytest.approx(point["cl"], rel=1e-9)
        assert row["ucl"] == pytest.approx(point["ucl"], rel=1e-9)
    # A team's own chart keeps its limits: the roll-up's phase is the roll-up's.
    client.force_login(world.data_lead)
    assert "A new phase started" not in _dashboard(client, world)
