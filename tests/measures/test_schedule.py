from __future__ import annotations

from datetime import date

from django.urls import reverse

from convene.measures.models import Metric, ReportingPeriod, ReportingSchedule
from convene.reporting.models import Value
from tests.typed import typed_values


def _schedule(client, world, **changes):
    """Save the schedule as if from a page read just now (with the version it shows)."""
    stored = ReportingSchedule.objects.filter(collaborative=world.collaborative).first()
    data = {
        "frequency": "monthly",
        "first_period_on": "2025-07-01",
        "baseline_periods": "6",
        "due_days": "10",
        "grace_days": "5",
        "version": stored.version if stored else 0,
    }
    data.update(changes)
    return client.post(reverse("measures:schedule", args=[world.collaborative.pk]), data)


def _version_shown(client, person, world):
    client.force_login(person)
    page = client.get(reverse("measures:schedule", args=[world.collaborative.pk]))
    return typed_values(page)["version"]


def test_two_hosts_setting_up_the_schedule_at_once_do_not_overwrite_each_other(client, world):
    host_read = _version_shown(client, world.host, world)
    staff_read = _version_shown(client, world.staff, world)
    assert host_read == staff_read == "0"  # no schedule yet
    client.force_login(world.host)
    assert _schedule(client, world, baseline_periods="3", version=host_read).status_code == 302
    client.force_login(world.staff)
    second = _schedule(client, world, baseline_periods="9", version=staff_read)
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else saved changes while you were editing." in page
    assert "3 baseline periods" in page  # what the host saved
    assert typed_values(second)["baseline_periods"] == "9"  # what she typed
    assert ReportingSchedule.objects.get().baseline_periods == 3
    assert world.collaborative.periods.filter(is_baseline=True).count() == 3
    # Saving again from the refreshed form is a deliberate choice, and goes through.
    kept = {**typed_values(second), "frequency": "monthly"}  # typed_values skips radios
    again = client.post(reverse("measures:schedule", args=[world.collaborative.pk]), kept)
    assert again.status_code == 302
    assert ReportingSchedule.objects.get().baseline_periods == 9


def test_a_stale_schedule_edit_is_refused(client, world):
    client.force_login(world.host)
    _schedule(client, world)
    host_read = _version_shown(client, world.host, world)
    staff_read = _version_shown(client, world.staff, world)
    client.force_login(world.host)
    _schedule(client, world, due_days="14", version=host_read)
    client.force_login(world.staff)
    assert _schedule(client, world, grace_days="2", version=staff_read).status_code == 409
    stored = ReportingSchedule.objects.get()
    assert (stored.due_days, stored.grace_days) == (14, 5)


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


def test_the_host_sets_when_reminders_go_and_when_the_coach_is_told(client, world):
    client.force_login(world.host)
    page = client.get(reverse("measures:schedule", args=[world.collaborative.pk])).content.decode()
    assert "0 sends no reminder before the due date." in page
    assert "coach is told too" in page
    assert (
        typed_values(client.get(reverse("measures:schedule", args=[world.collaborative.pk])))[
            "remind_days_before"
        ]
        == "3"
    )
    _schedule(client, world, remind_days_before="0", escalate_after_days="14")
    schedule = ReportingSchedule.objects.get()
    assert (schedule.remind_days_before, schedule.escalate_after_days) == (0, 14)
    # A form that leaves them out (as one read before they existed) keeps them.
    assert _schedule(client, world, grace_days="6").status_code == 302
    schedule.refresh_from_db()
    assert (schedule.grace_days, schedule.remind_days_before, schedule.escalate_after_days) == (
        6,
        0,
        14,
    )
