"""A planner builds a driver diagram from scratch with the keyboard only; a team adopts it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convene.improvement import diagram

from .helpers import check_page

pytestmark = pytest.mark.browser

AIM = (
    "By June 2027, 70% of adults with hypertension in our clinics have blood pressure under 140/90."
)

FOCUSED = """() => {
    const el = document.activeElement;
    return {id: el.id, name: (el.textContent || "").replace(/\\s+/g, " ").trim()};
}"""


def tab_to(page, name: str = "", element_id: str = "", backwards: bool = False) -> None:
    """Press Tab (Shift+Tab backwards) until the focused element has ``element_id`` or the
    accessible text ``name``, as someone without a mouse would."""
    for _ in range(150):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        if (element_id and focused["id"] == element_id) or (name and focused["name"] == name):
            return
    raise AssertionError(f"Tab never reached {name or element_id}")


def _add_primary(page, text: str) -> None:
    tab_to(page, element_id="new-primary")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(page.locator(".outline-text", has_text=text)).to_be_visible()
    expect(page.locator(f"li.outline-node:has-text('{text}')").last).to_be_focused()
    # htmx swapped the outline and the drawing together: the new box is drawn.
    expect(page.locator(".diagram-drawing svg")).to_contain_text(text)


def test_a_planner_builds_a_driver_diagram_with_the_keyboard_only(
    page, world, login, collaborative_url
):
    world.collaborative.aim_statement = AIM
    world.collaborative.save(update_fields=["aim_statement"])
    login(page.context, world.planning)
    page.goto(f"{collaborative_url}diagram/")
    expect(page.get_by_text("No drivers yet.")).to_be_visible()

    _add_primary(page, "Accurate measurement")
    _add_primary(page, "Treatment intensification")
    _add_primary(page, "Standard technique")
    # Indent the third: it becomes a secondary driver under the one above it.
    tab_to(page, name="Indent “Standard technique”")
    page.keyboard.press("Enter")
    treatment = page.locator("li.outline-node", has_text="Treatment intensification").first
    expect(treatment.locator("li.outline-secondary .outline-text")).to_have_text(
        ["Standard technique"]
    )
    expect(page.locator("li.outline-secondary")).to_be_focused()  # where the keyboard was

    # A change idea under it, on the page that adds one.
    tab_to(page, name="Add under “Standard technique”")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Add to the driver diagram")).to_be_visible()
    tab_to(page, element_id="id_text")
    page.keyboard.type("Lend home blood-pressure cuffs")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Change idea “Lend home blood-pressure cuffs” added.")).to_be_visible()

    # Move the secondary driver, with its idea, under the first primary driver.
    tab_to(page, name="Edit “Standard technique”", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Move it elsewhere")).to_be_visible()
    tab_to(page, element_id="id_parent")
    page.keyboard.type("Accurate")
    tab_to(page, name="Move “Standard technique”")
    page.keyboard.press("Enter")
    expect(page.get_by_text("“Standard technique” moved.")).to_be_visible()

    measurement = page.locator("li.outline-primary", has_text="Accurate measurement")
    expect(measurement.locator(".outline-secondary > .outline-row .outline-text")).to_have_text(
        ["Standard technique"]
    )
    expect(measurement.locator(".outline-idea .outline-text")).to_have_text(
        ["Lend home blood-pressure cuffs"]
    )
    # The drawing shows every box.
    drawing = page.locator(".diagram-drawing svg")
    for text in ("Accurate measurement", "Treatment intensification", "Standard technique"):
        expect(drawing.get_by_text(text, exact=True)).to_have_count(1)
    expect(drawing.get_by_text("Lend home blood-pressure")).to_have_count(1)
    expect(drawing.get_by_text("Change ideas", exact=True)).to_have_count(1)
    check_page(page, "driver-diagram")


def test_a_team_adopts_the_diagram_and_adds_its_own_idea(page, world, login, team_url):
    c = world.collaborative
    c.aim_statement = AIM
    c.save(update_fields=["aim_statement"])
    measure = diagram.add(c, "Accurate measurement")
    technique = diagram.add(c, "Standard technique", measure)
    diagram.add(c, "Repeat high readings", technique)
    diagram.add(c, "Treatment intensification")
    login(page.context, world.leader)
    page.goto(team_url)
    page.get_by_role("link", name="Driver diagram").click()
    page.get_by_role("button", name="Adopt the collaborative's diagram").click()
    expect(page.get_by_text("is now your team's too")).to_be_visible()
    page.get_by_role("link", name="Add under “Standard technique”").click()
    page.get_by_label("Text").fill("Blood-pressure kiosk in the waiting room")
    page.get_by_role("button", name="Save").click()
    own = page.locator("li.outline-own")
    expect(own).to_contain_text("our own")
    expect(own).to_contain_text("Blood-pressure kiosk in the waiting room")
    expect(page.locator(".diagram-drawing svg")).to_contain_text("Blood-pressure kiosk")
    expect(page.get_by_role("link", name="Edit “Repeat high readings”")).to_have_count(0)
    check_page(page, "team-driver-diagram")
