"""The demo loaded on another day: its cycles and plans still lie in the demo's past."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command

from convene.improvement.models import ActionPlan, Comment, PDSACycle


@pytest.mark.parametrize("day", [date(2026, 7, 1), date(2027, 3, 15)])
def test_loaded_on_another_day_no_cycle_but_a_planned_one_lies_ahead(db, day):
    with time_machine.travel(datetime(day.year, day.month, day.day, 15, tzinfo=UTC)):
        call_command("load_demo", verbosity=0)
    ahead = PDSACycle.objects.filter(starts_on__gt=day)
    assert ahead.exists()
    assert set(ahead.values_list("status", flat=True)) == {"planned"}
    assert not ActionPlan.objects.filter(created_at__date__gt=day)
    assert not Comment.objects.filter(created_at__date__gt=day)
