from __future__ import annotations

from datetime import date

from django.urls import reverse

from convene.measures.models import Metric, ReportingPeriod, ReportingSchedule
from convene.reporting.models import Value


def _schedule(client, world, **changes):
    data = {
        "frequency": "monthly",
        "first_period_on": "2025-07-01",
        "baseline_periods": "6",
        "due_days": "10",
        "grace_days": "5",
    }
    data.update(changes)
    return client.post(reverse("measures:schedule", args=[world.collaborative.pk]), data)


def test_monthly_schedule_makes_periods_to_the_end(client, world):
    client.force_login(world.host)
    assert _schedule(client, world).status_code == 302
    periods = list(world.collaborative.periods.all())
    assert len(periods) == 18  # July 2025 to December 2026
    assert (periods[0].starts_on, periods[0].ends_on) == (date(2025, 7, 1), date(2025, 7, 31))
    assert periods[0].due_on == date(2025, 8, 10)
    assert [p.is_baseline for p in periods[:7]] == [True] * 6 + [False]
    assert periods[-1].ends_on == date(2026, 12, 31)


def test_changing_the_baseline_updates_the_periods(client, world):
    client.force_login(world.host)
    _schedule(client, world)
    _schedule(client, world, baseline_periods="3")
    assert world.collaborative.periods.filter(is_baseline=True).count() == 3
    assert world.collaborative.periods.count() == 18


def test_weekly_schedule_for_a_hundred_day_collaborative(client, world):
    world.collaborative.end_on = date(2026, 4, 10)
    world.collaborative.save()
    client.force_login(world.host)
    _schedule(client, world, frequency="weekly", first_period_on="2026-01-05", due_days="2")
    periods = list(world.collaborative.periods.all())
    assert len(periods) == 14
    assert (periods[1].starts_on, periods[1].ends_on) == (date(2026, 1, 12), date(2026, 1, 18))


def test_periods_with_data_survive_a_later_first_period(client, world):
    client.force_login(world.host)
    _schedule(client, world)
    metric = Metric.objects.create(
        collaborative=world.collaborative,
        name="No-shows",
        short_name="No-shows",
        conceptual_definition="Missed",
        kind="count",
        direction="down",
    )
    first = world.collaborative.periods.first()
    Value.objects.create(team=world.team_a, metric=metric, period=first, numerator=3)
    _schedule(client, world, first_period_on="2025-10-01")
    assert ReportingPeriod.objects.filter(pk=first.pk).exists()
    assert not world.collaborative.periods.filter(starts_on=date(2025, 8, 1)).exists()


def test_a_first_period_after_the_end_is_refused(client, world):
    client.force_login(world.host)
    response = _schedule(client, world, first_period_on="2027-03-01")
    assert response.status_code == 400
    assert "must start before the collaborative ends" in response.content.decode()
    assert not ReportingSchedule.objects.exists()


def test_team_members_see_the_periods_but_cannot_change_them(client, world):
    client.force_login(world.host)
    _schedule(client, world)
    client.force_login(world.data_lead)
    page = client.get(reverse("measures:schedule", args=[world.collaborative.pk]))
    assert "Save the schedule" not in page.content.decode()
    assert "baseline" in page.content.decode()
    assert _schedule(client, world, baseline_periods="2").status_code == 403
