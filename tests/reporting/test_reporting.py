from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from convene.measures.models import Metric, ReportingSchedule, Stratification, Stratum
from convene.reporting.models import Report, Value
from tests.factories import make_stratified_metric
from tests.typed import typed_values

TODAY = datetime(2026, 6, 20, 12, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture
def measures(world):
    with time_machine.travel(TODAY, tick=False):
        ReportingSchedule.objects.create(
            collaborative=world.collaborative,
            first_period_on=date(2026, 1, 1),
            baseline_periods=3,
            due_days=10,
            grace_days=5,
        ).sync_periods()
    bp = Metric.objects.create(
        collaborative=world.collaborative,
        name="Hypertension control",
        short_name="BP control",
        conceptual_definition="Controlled share",
        kind="proportion",
        denominator="Adults with hypertension",
        direction="up",
    )
    falls = Metric.objects.create(
        collaborative=world.collaborative,
        name="Low blood pressure events",
        short_name="Hypotension",
        conceptual_definition="Events",
        kind="count",
        direction="down",
        position=1,
    )
    return bp, falls


@pytest.fixture(autouse=True)
def _june_2026():
    with time_machine.travel(TODAY, tick=False):
        yield


def _period(world, month):
    return world.collaborative.periods.get(starts_on=date(2026, month, 1))


def _cell(client, world, metric, month, **data):
    url = reverse(
        "reporting:save-cell",
        args=[world.collaborative.pk, world.team_a.pk, metric.pk, _period(world, month).pk],
    )
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_the_grid_shows_periods_that_have_begun(client, world, measures):
    client.force_login(world.data_lead)
    page = client.get(
        reverse("reporting:team-data", args=[world.collaborative.pk, world.team_a.pk])
    )
    body = page.content.decode()
    assert "June 2026" in body and "July 2026" not in body
    assert "BP control" in body and "Hypotension" in body


def test_a_cell_saves_raw_figures_and_shows_the_percentage(client, world, measures):
    bp, _falls = measures
    client.force_login(world.data_lead)
    response = _cell(client, world, bp, 3, numerator="40", denominator="64")
    body = response.content.decode()
    assert "Saved" in body and "62.5%" in body
    value = Value.objects.get()
    assert (value.numerator, value.denominator, value.updated_by) == (40, 64, world.data_lead)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"numerator": "70", "denominator": "64"}, "cannot be larger than the denominator"),
        ({"numerator": "-1", "denominator": "64"}, "cannot be negative"),
        ({"numerator": "4.5", "denominator": "64"}, "a whole number"),
        ({"numerator": "lots", "denominator": "64"}, "must be a number"),
    ],
)
def test_bad_cells_are_explained_and_not_stored(client, world, measures, data, message):
    bp, _falls = measures
    client.force_login(world.data_lead)
    response = _cell(client, world, bp, 3, **data)
    assert message in response.content.decode()
    assert not Value.objects.exists()


def test_half_a_proportion_waits_for_the_other_figure(client, world, measures):
    bp, _falls = measures
    client.force_login(world.data_lead)
    response = _cell(client, world, bp, 3, numerator="40", denominator="")
    assert "Add both figures to save." in response.content.decode()
    assert not Value.objects.exists()


def test_half_a_proportion_waits_in_spanish_too(client, world, measures):
    bp, _falls = measures
    world.data_lead.language = "es"
    world.data_lead.save(update_fields=["language"])
    client.force_login(world.data_lead)
    response = _cell(client, world, bp, 3, numerator="40", denominator="")
    body = response.content.decode()
    assert "Agregue ambas cifras para guardar." in body
    assert "Ingrese tanto el numerador" not in body
    assert not Value.objects.exists()


def test_a_figure_far_from_the_teams_history_asks_for_confirmation(client, world, measures):
    bp, _falls = measures
    client.force_login(world.data_lead)
    for month, numerator in zip(range(1, 6), [50, 52, 49, 51, 53], strict=True):
        _cell(client, world, bp, month, numerator=str(numerator), denominator="100")
    response = _cell(client, world, bp, 6, numerator="5", denominator="100")
    body = response.content.decode()
    assert "far outside this team&#x27;s usual range" in body
    assert "Confirm and save" in body
    assert not Value.objects.filter(period=_period(world, 6)).exists()
    _cell(client, world, bp, 6, numerator="5", denominator="100", confirm="1")
    assert Value.objects.get(period=_period(world, 6)).numerator == 5


def test_changing_a_figure_keeps_a_revision(client, world, measures):
    bp, _falls = measures
    client.force_login(world.data_lead)
    _cell(client, world, bp, 3, numerator="40", denominator="64")
    _cell(client, world, bp, 3, numerator="41", denominator="64", version="1")
    value = Value.objects.get()
    assert value.numerator == 41 and value.version == 2
    assert value.revisions.get().numerator == 40
    history = client.get(
        reverse(
            "reporting:value-history",
            args=[world.collaborative.pk, world.team_a.pk, value.pk],
        )
    ).content.decode()
    assert "40 / 64" in history and "41 / 64" in history


def test_a_stale_cell_does_not_overwrite_a_colleagues_figure(client, world, measures):
    bp, _falls = measures
    client.force_login(world.data_lead)
    _cell(client, world, bp, 3, numerator="40", denominator="64")
    client.force_login(world.leader)
    _cell(client, world, bp, 3, numerator="42", denominator="64", version="1")
    client.force_login(world.data_lead)
    response = _cell(client, world, bp, 3, numerator="39", denominator="64", version="1")
    assert "Someone else changed this figure" in response.content.decode()
    assert Value.objects.get().numerator == 42


def _period_url(world, month):
    return reverse(
        "reporting:period-report",
        args=[world.collaborative.pk, world.team_a.pk, _period(world, month).pk],
    )


def _report_form(bp, falls, **extra):
    data = {
        f"line-{bp.pk}-0-numerator": "40",
        f"line-{bp.pk}-0-denominator": "64",
        f"line-{falls.pk}-0-numerator": "2",
        "report-changes_tested": "Repeat readings when the first is high",
        "report-improvements": "",
        "report-challenges": "Cuff sizes",
        "report-unintended_consequences": "",
        "report-support_requested": "",
    }
    data.update(extra)
    return data


def _as_read(client, world, month, **changes):
    """The period form as the page shows it to the signed-in person (versions included),
    with ``changes`` typed over it."""
    shown = typed_values(client.get(_period_url(world, month)))
    form = {k: v for k, v in shown.items() if k.startswith(("line-", "report-"))}
    return {**form, **changes}


def test_the_period_page_saves_a_draft_with_notes_and_exclusions(client, world, measures):
    bp, falls = measures
    client.force_login(world.data_lead)
    data = _report_form(
        bp,
        falls,
        **{f"line-{falls.pk}-0-note": "EHR outage", f"line-{falls.pk}-0-is_excluded": "on"},
    )
    response = client.post(_period_url(world, 5), {**data, "action": "draft"})
    assert response.status_code == 400
    assert "Say why the value is excluded." in response.content.decode()
    assert not Value.objects.exists()  # all or nothing
    data[f"line-{falls.pk}-0-exclusion_reason"] = "Two weeks of records missing"
    response = client.post(_period_url(world, 5), {**data, "action": "draft"})
    assert response.status_code == 302
    falls_value = Value.objects.get(metric=falls)
    assert (falls_value.note, falls_value.is_excluded) == ("EHR outage", True)
    assert Report.objects.get().status == "draft"


def test_submitting_locks_the_period_and_marks_late_reports(client, world, measures):
    bp, falls = measures
    client.force_login(world.data_lead)
    # May is due on 10 June with five days' grace: on 20 June it is late.
    client.post(_period_url(world, 5), {**_report_form(bp, falls), "action": "submit"})
    report = Report.objects.get()
    assert report.is_locked and report.is_late
    response = _cell(client, world, bp, 5, numerator="1", denominator="64")
    assert "submitted and locked" in response.content.decode()
    assert Value.objects.get(metric=bp).numerator == 40
    assert client.post(_period_url(world, 5), _report_form(bp, falls)).status_code == 403


def test_an_on_time_report_is_not_late(client, world, measures):
    bp, falls = measures
    client.force_login(world.data_lead)
    with time_machine.travel(datetime(2026, 6, 14, 12, tzinfo=timezone.get_fixed_timezone(0))):
        client.post(_period_url(world, 5), {**_report_form(bp, falls), "action": "submit"})
    assert not Report.objects.get().is_late


def test_a_host_reopens_and_a_change_keeps_its_reason(client, world, measures):
    bp, falls = measures
    client.force_login(world.data_lead)
    client.post(_period_url(world, 5), {**_report_form(bp, falls), "action": "submit"})
    client.force_login(world.host)
    period = _period(world, 5)
    client.post(
        reverse(
            "reporting:reopen-report", args=[world.collaborative.pk, world.team_a.pk, period.pk]
        )
    )
    client.force_login(world.data_lead)
    data = _as_read(
        client, world, 5, **{f"line-{bp.pk}-0-numerator": "44", "reason": "Report re-run"}
    )
    data["report-changes_tested"] = "Repeat readings; cuff audit"
    assert client.post(_period_url(world, 5), {**data, "action": "submit"}).status_code == 302
    value = Value.objects.get(metric=bp)
    assert value.numerator == 44
    assert value.revisions.get().reason == "Report re-run"
    report = Report.objects.get()
    assert report.revisions.get().narrative["changes_tested"] == (
        "Repeat readings when the first is high"
    )


def test_strata_are_entered_per_group_and_add_up_in_the_grid(client, world, measures):
    bp, _falls = measures
    ages = Stratification.objects.create(collaborative=world.collaborative, name="Age")
    young = Stratum.objects.create(stratification=ages, name="18–44", position=0)
    old = Stratum.objects.create(stratification=ages, name="45–85", position=1)
    bp.stratification = ages
    bp.save()
    client.force_login(world.data_lead)
    page = client.get(_period_url(world, 4)).content.decode()
    assert "18–44" in page and "45–85" in page
    client.post(
        _period_url(world, 4),
        {
            f"line-{bp.pk}-{young.pk}-numerator": "10",
            f"line-{bp.pk}-{young.pk}-denominator": "20",
            f"line-{bp.pk}-{old.pk}-numerator": "30",
            f"line-{bp.pk}-{old.pk}-denominator": "40",
            "action": "draft",
        },
    )
    assert Value.objects.filter(metric=bp).count() == 2
    grid = client.get(
        reverse("reporting:team-data", args=[world.collaborative.pk, world.team_a.pk])
    ).content.decode()
    assert "66.7%" in grid  # (10 + 30) / (20 + 40)


def test_grid_queries_do_not_grow_with_periods_or_metrics(client, world, measures):
    bp, falls = measures
    client.force_login(world.data_lead)
    url = reverse("reporting:team-data", args=[world.collaborative.pk, world.team_a.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for month in range(1, 7):
        for metric in (bp, falls):
            Value.objects.create(
                team=world.team_a,
                metric=metric,
                period=_period(world, month),
                numerator=Decimal(3),
                denominator=Decimal(10) if metric == bp else None,
            )
    for index in range(3):
        Metric.objects.create(
            collaborative=world.collaborative,
            name=f"Extra {index}",
            short_name=f"X{index}",
            conceptual_definition="x",
            kind="count",
            direction="down",
        )
    assert count() == small


def test_the_grid_marks_overdue_reports(client, world, measures):
    client.force_login(world.data_lead)
    url = reverse("reporting:team-data", args=[world.collaborative.pk, world.team_a.pk])
    body = client.get(url).content.decode()
    # On 20 June, January to May are past their grace days; June is not.
    assert body.count("overdue") == 5


def test_a_refused_period_keeps_every_typed_value_and_marks_the_bad_lines(client, world, measures):
    bp, falls = measures
    by_age = make_stratified_metric(world.collaborative, ("18–44", "45+"), position=2)
    young, old = by_age.stratification.strata.all()
    client.force_login(world.data_lead)
    typed = {
        f"line-{bp.pk}-0-numerator": "40",
        f"line-{bp.pk}-0-denominator": "64",
        f"line-{bp.pk}-0-note": "Cuff audit month",
        f"line-{falls.pk}-0-numerator": "two",
        f"line-{falls.pk}-0-is_excluded": "on",
        f"line-{falls.pk}-0-exclusion_reason": "EHR outage",
        f"line-{by_age.pk}-{young.pk}-numerator": "12",
        f"line-{by_age.pk}-{young.pk}-denominator": "10",
        f"line-{by_age.pk}-{old.pk}-numerator": "3",
        f"line-{by_age.pk}-{old.pk}-denominator": "9",
        "report-changes_tested": "Repeat readings",
    }
    response = client.post(_period_url(world, 5), {**typed, "action": "submit"})
    assert response.status_code == 400
    assert not Value.objects.exists() and not Report.objects.exists()  # all or nothing
    kept = typed_values(response)
    assert {name: kept.get(name) for name in typed} == typed
    page = response.content.decode()
    assert "Nothing was saved: please correct the marked figures." in page
    assert (
        f'<div class="small text-danger" id="err-{falls.pk}-0">The value must be a number.' in page
    )
    assert f'id="err-{by_age.pk}-{young.pk}">The numerator cannot be larger' in page
    assert page.count('class="small text-danger" id="err-') == 2  # only the bad lines


def test_typed_figures_reach_their_line_when_metrics_were_added_meanwhile(client, world, measures):
    bp, falls = measures
    client.force_login(world.data_lead)
    assert (
        f'name="line-{falls.pk}-0-numerator"' in client.get(_period_url(world, 5)).content.decode()
    )
    added = Metric.objects.create(
        collaborative=world.collaborative,
        name="Added meanwhile",
        short_name="New",
        conceptual_definition="x",
        kind="count",
        direction="down",
    )  # shown between the two: Hypotension's line moves down one
    response = client.post(_period_url(world, 5), {**_report_form(bp, falls), "action": "draft"})
    assert response.status_code == 302
    stored = {v.metric: v.numerator for v in Value.objects.all()}
    assert stored == {bp: 40, falls: 2}
    assert added not in stored


def test_the_period_form_speaks_spanish(client, world, measures):
    bp, falls = measures
    world.data_lead.language = "es"
    world.data_lead.save(update_fields=["language"])
    client.force_login(world.data_lead)
    page = client.get(_period_url(world, 5)).content.decode()
    assert 'placeholder="p. ej., caída del expediente clínico electrónico"' in page
    assert 'placeholder="motivo"' in page
    data = _report_form(bp, falls, **{f"line-{falls.pk}-0-is_excluded": "on"})
    page = client.post(_period_url(world, 5), {**data, "action": "draft"}).content.decode()
    assert "Indique por qué se excluye el valor." in page
