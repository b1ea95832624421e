from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives.models import CollaborativeRole
from convene.measures.models import Metric, ReportingSchedule, Stratification
from convene.reporting.models import Value

from ..factories import make_collaborative

FORM = {
    "name": "Hypertension control",
    "short_name": "BP control",
    "category": "core",
    "is_required": "on",
    "kind": "proportion",
    "direction": "up",
    "goal": "70",
    "goal_date": "2026-12-31",
    "conceptual_definition": "Adults whose blood pressure is controlled",
    "operational_definition": "Most recent reading below 140/90",
    "numerator": "Controlled patients",
    "denominator": "Adults 18-85 with hypertension",
    "data_source": "EHR",
}


def _new(client, world, **changes):
    url = reverse("measures:new-metric", args=[world.collaborative.pk])
    return client.post(url, {**FORM, **changes})


def test_planning_group_defines_a_metric_with_the_full_table(client, world):
    client.force_login(world.planning)
    response = _new(client, world)
    metric = Metric.objects.get()
    assert response["Location"] == reverse(
        "measures:metric", args=[world.collaborative.pk, metric.pk]
    )
    assert metric.chart == Metric.Chart.P  # the usual chart for a proportion
    assert metric.goal == Decimal("70")
    page = client.get(response["Location"]).content.decode()
    assert "Most recent reading below 140/90" in page
    assert "Adults 18-85 with hypertension" in page


@pytest.mark.parametrize(
    ("kind", "chart"),
    [
        ("rate", "u"),
        ("count", "c"),
        ("continuous", "i"),
        ("time_between", "t"),
        ("cases_between", "g"),
    ],
)
def test_each_type_gets_its_usual_chart(client, world, kind, chart):
    client.force_login(world.host)
    _new(client, world, kind=kind, rate_per="1000", goal="")
    assert Metric.objects.get().chart == chart


def test_a_chosen_chart_is_kept(client, world):
    client.force_login(world.host)
    _new(client, world, chart="run")
    assert Metric.objects.get().chart == "run"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"denominator": ""}, "Describe what the denominator counts."),
        ({"kind": "rate", "rate_per": ""}, "Say per how many units the rate is counted."),
        ({"goal": "170"}, "A proportion&#x27;s goal is a percentage, 0 to 100."),
        ({"conceptual_definition": ""}, "This field is required."),
    ],
)
def test_bad_definitions_are_explained_and_typed_text_kept(client, world, changes, message):
    client.force_login(world.host)
    response = _new(client, world, **changes)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert 'value="Hypertension control"' in body
    assert not Metric.objects.exists()


def test_short_names_are_unique_in_a_collaborative(client, world):
    client.force_login(world.host)
    _new(client, world)
    response = _new(client, world, short_name="bp CONTROL")
    assert "Another metric already has this short name." in response.content.decode()


def test_starting_from_the_library(client, world):
    client.force_login(world.host)
    url = reverse("measures:new-metric", args=[world.collaborative.pk])
    page = client.get(url, {"library": "no-show"}).content.decode()
    assert 'value="No-show rate"' in page
    assert "cancellation at least 24 hours" in page


def test_copying_from_an_earlier_collaborative_i_host(client, world):
    earlier = make_collaborative("Hypertension 2025")
    earlier.add_member(world.host, CollaborativeRole.HOST_ADMIN)
    source = Metric.objects.create(
        collaborative=earlier, **{k: v for k, v in FORM.items() if k not in {"is_required"}}
    )
    client.force_login(world.host)
    library = client.get(reverse("measures:library", args=[world.collaborative.pk]))
    assert "Hypertension 2025" in library.content.decode()
    url = reverse("measures:new-metric", args=[world.collaborative.pk])
    page = client.get(url, {"copy": source.pk}).content.decode()
    assert "Most recent reading below 140/90" in page


def test_a_stranger_collaboratives_metric_cannot_be_copied(client, world):
    foreign = Metric.objects.create(
        collaborative=world.other_collaborative,
        **{k: v for k, v in FORM.items() if k not in {"is_required"}},
    )
    client.force_login(world.host)
    url = reverse("measures:new-metric", args=[world.collaborative.pk])
    page = client.get(url, {"copy": foreign.pk}).content.decode()
    assert "Most recent reading below 140/90" not in page


def test_an_edit_from_a_stale_page_is_not_saved_over_a_colleagues(client, world):
    client.force_login(world.host)
    _new(client, world)
    metric = Metric.objects.get()
    url = reverse("measures:edit-metric", args=[world.collaborative.pk, metric.pk])
    stale = {**FORM, "version": metric.version, "sampling": "Mine"}
    client.post(url, {**FORM, "version": metric.version, "sampling": "Host's sampling"})
    client.force_login(world.planning)
    response = client.post(url, stale)
    assert "Someone else saved this metric" in response.content.decode()
    metric.refresh_from_db()
    assert metric.sampling == "Host's sampling"


def test_deleted_metric_is_restored_from_deleted_items(client, world):
    client.force_login(world.host)
    _new(client, world)
    metric = Metric.objects.get()
    client.post(reverse("measures:delete-metric", args=[world.collaborative.pk, metric.pk]))
    assert not Metric.objects.exists()
    deleted = client.get(reverse("collaboratives:deleted", args=[world.collaborative.pk]))
    assert "Hypertension control" in deleted.content.decode()
    client.post(
        reverse("collaboratives:restore-item", args=[world.collaborative.pk, "metric", metric.pk])
    )
    assert Metric.objects.filter(pk=metric.pk).exists()


def test_strata_are_named_groups(client, world):
    client.force_login(world.host)
    url = reverse("measures:new-stratification", args=[world.collaborative.pk])
    client.post(url, {"name": "Age group", "strata": "18–44\n45–64\n\n65–85\n"})
    stratification = Stratification.objects.get()
    assert [s.name for s in stratification.strata.all()] == ["18–44", "45–64", "65–85"]
    response = client.post(url, {"name": "Payer", "strata": "Medicaid\nmedicaid"})
    assert "Each group may appear only once." in response.content.decode()


def test_metric_list_queries_do_not_grow(client, world):
    client.force_login(world.host)
    url = reverse("measures:metrics", args=[world.collaborative.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        stratification = Stratification.objects.create(
            collaborative=world.collaborative, name=f"S{n}"
        )
        for i in range(3):
            Metric.objects.create(
                collaborative=world.collaborative,
                **{
                    **{k: v for k, v in FORM.items() if k != "is_required"},
                    "short_name": f"m{n}{i}",
                },
                stratification=stratification,
            )

    add(1)
    small = count()
    add(2)
    add(3)
    assert count() == small


def test_a_revision_keeps_the_earlier_figures(world):
    collaborative = world.collaborative
    ReportingSchedule.objects.create(
        collaborative=collaborative, first_period_on=date(2026, 1, 1)
    ).sync_periods()
    metric = Metric.objects.create(
        collaborative=collaborative, **{k: v for k, v in FORM.items() if k != "is_required"}
    )
    value = Value.objects.create(
        team=world.team_a,
        metric=metric,
        period=collaborative.periods.first(),
        numerator=40,
        denominator=100,
        updated_by=world.data_lead,
    )
    value.revise(world.host, "EHR report re-run", numerator=Decimal(45))
    value.refresh_from_db()
    assert value.numerator == 45 and value.version == 2
    revision = value.revisions.get()
    assert (revision.numerator, revision.recorded_by, revision.replaced_by, revision.reason) == (
        40,
        world.data_lead,
        world.host,
        "EHR report re-run",
    )
