"""Due dates, lateness and exports follow the collaborative's own time zone (#11.2).

May 2026 is due on 10 June, without grace. 23:30 on 10 June in Honolulu (UTC−10) is already
09:30 on 11 June in UTC: a Honolulu collaborative's team that submits then is on time, whatever
zone the person submitting or reading keeps for their own pages.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from convene.reporting.models import Report, Value
from tests.factories import make_bp_metric, make_schedule
from tests.typed import typed_values

HONOLULU = "Pacific/Honolulu"
# 23:30 on 10 June in Honolulu; 09:30 on 11 June in UTC.
LAST_EVENING = datetime(2026, 6, 11, 9, 30, tzinfo=UTC)
# 00:30 on 11 June in Honolulu: the deadline has passed there too.
NEXT_MORNING = datetime(2026, 6, 11, 10, 30, tzinfo=UTC)


@pytest.fixture
def bp(world):
    make_schedule(world.collaborative, date(2026, 1, 1), due_days=10, grace_days=0)
    return make_bp_metric(world.collaborative)


def _in_zone(collaborative, zone):
    collaborative.time_zone = zone
    collaborative.save()


def _period_url(world, team, month):
    period = world.collaborative.periods.get(starts_on=date(2026, month, 1))
    return reverse("reporting:period-report", args=[world.collaborative.pk, team.pk, period.pk])


def _submit_may(client, world, bp, team, person, at):
    client.force_login(person)
    url = _period_url(world, team, 5)
    with time_machine.travel(at, tick=False):
        form = {
            name: value
            for name, value in typed_values(client.get(url)).items()
            if name.startswith(("line-", "report-"))
        }
        form[f"line-{bp.pk}-0-numerator"] = "40"
        form[f"line-{bp.pk}-0-denominator"] = "64"
        response = client.post(url, {**form, "action": "submit"})
    assert response.status_code == 302
    return Report.objects.get(team=team)


def test_submitting_at_half_past_eleven_on_the_due_date_in_honolulu_is_on_time(client, world, bp):
    _in_zone(world.collaborative, HONOLULU)
    report = _submit_may(client, world, bp, world.team_a, world.data_lead, LAST_EVENING)
    assert report.is_locked and not report.is_late
    # An hour later it is 11 June in Honolulu too.
    report = _submit_may(client, world, bp, world.team_b, world.other_team, NEXT_MORNING)
    assert report.is_locked and report.is_late


def test_the_submitters_own_zone_does_not_move_the_collaboratives_deadline(client, world, bp):
    # A data lead who keeps Honolulu time for their pages, in a collaborative on UTC: at
    # 23:30 on 10 June by their own clock it is 11 June for the collaborative.
    world.data_lead.time_zone = HONOLULU
    world.data_lead.save()
    report = _submit_may(client, world, bp, world.team_a, world.data_lead, LAST_EVENING)
    assert report.is_late


OVERDUE = '<span class="badge text-bg-warning">overdue</span>'


def _team_data(client, world, person, at):
    client.force_login(person)
    with time_machine.travel(at, tick=False):
        url = reverse("reporting:team-data", args=[world.collaborative.pk, world.team_a.pk])
        return client.get(url).content.decode()


def test_the_teams_grid_says_overdue_and_shows_periods_by_the_collaboratives_date(
    client, world, bp
):
    _in_zone(world.collaborative, HONOLULU)
    # 11 June 05:00 UTC is 10 June 19:00 in Honolulu: January to April are overdue, May not yet.
    page = _team_data(client, world, world.data_lead, datetime(2026, 6, 11, 5, tzinfo=UTC))
    assert page.count(OVERDUE) == 4
    page = _team_data(client, world, world.data_lead, NEXT_MORNING)
    assert page.count(OVERDUE) == 5
    # 1 July 05:00 UTC is still 30 June in Honolulu: July has not begun there.
    page = _team_data(client, world, world.data_lead, datetime(2026, 7, 1, 5, tzinfo=UTC))
    assert "June 2026" in page and "July 2026" not in page


def _export(client, world, fmt):
    response = client.get(reverse("reporting:export", args=[world.collaborative.pk, fmt]))
    assert response.status_code == 200
    return response.content


def test_exports_write_times_on_the_collaboratives_clock_and_name_its_zone(client, world, bp):
    _in_zone(world.collaborative, HONOLULU)
    may = world.collaborative.periods.get(starts_on=date(2026, 5, 1))
    Value.objects.create(team=world.team_a, metric=bp, period=may, numerator=40, denominator=64)
    Value.objects.filter(team=world.team_a).update(updated_at=LAST_EVENING)
    # The host keeps Chicago time for their own pages; the file keeps the collaborative's.
    world.host.time_zone = "America/Chicago"
    world.host.save()
    client.force_login(world.host)

    [row] = csv.DictReader(io.StringIO(_export(client, world, "csv").decode("utf-8-sig")))
    assert row["entered_at (Pacific/Honolulu)"] == "2026-06-10 23:30:00"
    assert "entered_at" not in row

    sheet = load_workbook(io.BytesIO(_export(client, world, "xlsx")))["Figures"]
    header, values = sheet.iter_rows(values_only=True)
    assert dict(zip(header, values, strict=True))["entered_at (Pacific/Honolulu)"] == (
        datetime(2026, 6, 10, 23, 30)
    )
