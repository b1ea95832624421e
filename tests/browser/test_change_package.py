"""A planner writes the change package and links a metric to the key changes it measures."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..factories import make_bp_metric
from .helpers import check_page

pytestmark = pytest.mark.browser


def test_planner_builds_the_change_package_and_links_a_metric(
    page, world, login, collaborative_url
):
    metric = make_bp_metric(
        world.collaborative,
        name="Blood-pressure control",
        conceptual_definition="Adults with hypertension whose blood pressure is controlled",
    )
    login(page.context, world.planning)
    page.goto(collaborative_url)
    page.get_by_role("link", name="Change package").click()
    expect(page.get_by_text("The change package is empty.")).to_be_visible()
    page.get_by_role("link", name="New concept").click()
    page.get_by_label("Name").fill("Measure blood pressure accurately")
    page.get_by_label("Description").fill("A reading taken badly hides control.")
    check_page(page, "change-concept-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Concept “Measure blood pressure accurately” added.")).to_be_visible()

    page.get_by_role("link", name="Add a key change").click()
    page.get_by_label("Name").fill("Repeat a high reading")
    page.get_by_role("button", name="Save").click()
    item = page.locator("li", has_text="Repeat a high reading")
    expect(item.get_by_text("no metric yet")).to_be_visible()

    page.goto(f"{collaborative_url}measures/{metric.pk}/edit/")
    page.get_by_label("Repeat a high reading").check()
    page.get_by_role("button", name="Save the metric").click()
    expect(page.get_by_text("Metric saved.")).to_be_visible()
    page.get_by_role("link", name="Repeat a high reading").click()
    expect(
        page.locator("li", has_text="Repeat a high reading").get_by_role("link", name="BP control")
    ).to_be_visible()
    # A second concept, moved to the top.
    page.get_by_role("link", name="New concept").click()
    page.get_by_label("Name").fill("Partner with patients")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Move Partner with patients up").click()
    expect(page.locator("section.card h3")).to_have_text(
        ["Partner with patients", "Measure blood pressure accurately"]
    )
    check_page(page, "change-package")
    page.get_by_role("link", name="Copy from another collaborative").click()
    check_page(page, "change-package-copy")

    # A team member reads the package but cannot change it.
    login(page.context, world.member)
    page.goto(collaborative_url + "changes/")
    expect(page.get_by_text("Repeat a high reading")).to_be_visible()
    expect(page.get_by_role("link", name="New concept")).to_have_count(0)
