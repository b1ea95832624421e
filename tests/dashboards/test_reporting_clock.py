"""The reporting table says "open" or "missing" by the collaborative's date (#11.2), not by
the date where the person reading it is."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_bp_metric, make_schedule

# 11 June 05:00 in UTC is 10 June 19:00 in Honolulu: May (due 10 June, no grace) is still
# open there, and missing where it is already 11 June.
EVENING_IN_HONOLULU = datetime(2026, 6, 11, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _schedule(world):
    make_schedule(world.collaborative, date(2026, 1, 1), due_days=10, grace_days=0)


def _may(client, world, person):
    client.force_login(person)
    with time_machine.travel(EVENING_IN_HONOLULU, tick=False):
        body = client.get(reverse("dashboards:dashboard", args=[world.collaborative.pk]))
    content = body.content.decode()
    reporting = content[content.index('id="reporting"') :]
    # The table team by team (the rates' table has May too, first).
    row = re.search(
        r'<th scope="row" class="text-start[^"]*">May 2026</th>(.*?)</tr>', reporting, re.S
    )
    assert row, "May is in the reporting table"
    cells = re.findall(r'<td><span class="[^"]*">(\w+)', row.group(1))
    rate = re.search(r"May 2026( <span[^>]*>\(still open\)</span>)?</th>", content)
    return cells, bool(rate and rate.group(1))


def test_may_is_open_for_a_honolulu_collaborative_on_the_evening_of_its_due_date(client, world):
    world.collaborative.time_zone = "Pacific/Honolulu"
    world.collaborative.save()
    assert _may(client, world, world.host) == (["open", "open"], True)


def test_may_is_missing_for_a_utc_collaborative_though_the_host_reads_in_honolulu(client, world):
    world.host.time_zone = "Pacific/Honolulu"
    world.host.save()
    assert _may(client, world, world.host) == (["missing", "missing"], False)


def test_a_new_phase_of_the_roll_up_may_start_only_at_a_period_begun_on_the_collaboratives_clock(
    client, world
):
    world.collaborative.time_zone = "Pacific/Honolulu"
    world.collaborative.save()
    metric = make_bp_metric(world.collaborative)
    client.force_login(world.host)
    url = reverse("measures:rollup-phases", args=[world.collaborative.pk, metric.pk])
    # 1 July 05:00 in UTC is still 30 June in Honolulu: July has not begun there.
    with time_machine.travel(datetime(2026, 7, 1, 5, tzinfo=UTC), tick=False):
        body = client.get(url).content.decode()
    offered = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', body)
    assert offered[-1] == "June 2026"
