"""A host defines a metric from the library and sets the reporting schedule."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from convene.measures.models import Metric

from .helpers import assert_accessible, check_page

pytestmark = pytest.mark.browser


def test_host_defines_a_metric_and_the_schedule(page, world, login, collaborative_url):
    login(page.context, world.host)
    base = collaborative_url + "measures/"
    page.goto(base)
    expect(page.get_by_role("heading", name="Measures", exact=True)).to_be_visible()
    check_page(page, "measures")
    page.get_by_role("link", name="Copy a known metric").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"Use this definition.*Hypertension control")).click()
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value(
        "Hypertension control"
    )
    check_page(page, "metric-form")
    page.get_by_label("Goal", exact=True).fill("170")
    page.get_by_role("button", name="Add the metric").click()
    expect(page.get_by_text("A proportion's goal is a percentage, 0 to 100.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value(
        "Hypertension control"
    )
    page.get_by_label("Goal", exact=True).fill("70")
    page.get_by_role("button", name="Add the metric").click()
    expect(page.get_by_role("heading", name="Hypertension control")).to_be_visible()
    expect(page.get_by_text("P chart (proportions)")).to_be_visible()
    assert_accessible(page)
    assert Metric.objects.get().goal == 70

    page.goto(base + "schedule/")
    page.get_by_label("First period starts").fill("2025-07-01")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.get_by_text("Reporting schedule saved.")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(18)
    expect(rows.first).to_contain_text("baseline")
    check_page(page, "schedule")
