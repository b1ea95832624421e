"""The data grid by keyboard and on a phone: every stop of the Tab key is visible, nothing hides
the box in focus, and on a phone the grid is read and filled without scrolling sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..factories import make_bp_metric
from .helpers import PHONE, assert_accessible, assert_no_sideways_scroll, shoot

pytestmark = pytest.mark.browser

# Where the Tab key is, and whether a person can see it there: a focus indicator (outline or
# box-shadow) of at least 3:1 against white (WCAG 2.4.7 and 1.4.11), inside the window, and not
# covered by anything else (the sticky period column, say).
FOCUS_STOP = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const contrast = (color) => {
    const m = color.match(/rgba?\\(([\\d.]+), ([\\d.]+), ([\\d.]+)(?:, ([\\d.]+))?\\)/);
    if (!m) return 0;
    const alpha = m[4] === undefined ? 1 : +m[4];
    const [r, g, b] = [m[1], m[2], m[3]].map((c) => 255 - alpha * (255 - +c));
    const l = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    return 1.05 / (l + 0.05);
  };
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
    ? contrast(style.outlineColor) : 0;
  const x = Math.min(Math.max(rect.left + rect.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(rect.top + rect.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return {
    name: el.id || el.name || el.textContent.trim().slice(0, 30) || el.tagName,
    tag: el.tagName,
    visible: rect.width > 1 && rect.height > 1,
    inWindow: rect.left >= 0 && rect.right <= innerWidth + 1 && rect.top >= 0
      && rect.bottom <= innerHeight + 1,
    uncovered: top === el || el.contains(top),
    top: top ? `${top.tagName}#${top.id}` : null,
    ring: outline,
  };
}"""


@pytest.fixture
def grid(data_lead_page, team_url, world, periods):
    make_bp_metric(world.collaborative)
    make_bp_metric(world.collaborative, name="BP measured", short_name="BP measured")
    for n in range(3, 7):  # wide enough to scroll sideways under the sticky period column
        make_bp_metric(world.collaborative, name=f"Measure {n}", short_name=f"Measure {n}")
    data_lead_page.goto(team_url + "data/")
    return data_lead_page


def _tab_through_the_grid(page, stops=30):
    """Tab from the first box of the grid on: what each stop shows. Scrolling is instant (as
    for people who ask for reduced motion), so each stop is read where it came to rest."""
    page.emulate_media(reduced_motion="reduce")
    page.get_by_label("BP control, January 2026: numerator").focus()
    seen = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STOP)
        if stop is None:
            break
        seen.append(stop)
    return seen


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 640, "height": 800}, PHONE],
    ids=["desk", "narrow", "phone"],
)
def test_every_tab_stop_in_the_grid_is_seen(grid, viewport):
    page = grid
    page.set_viewport_size(viewport)
    stops = _tab_through_the_grid(page)
    assert stops
    hidden = [s["name"] for s in stops if not s["visible"]]
    assert not hidden, f"focus went to things nobody can see: {hidden}"
    faint = [(s["name"], round(s["ring"], 1)) for s in stops if s["ring"] < 3]
    assert not faint, f"focus rings under 3:1 against white: {faint}"
    covered = [(s["name"], s["top"]) for s in stops if not (s["inWindow"] and s["uncovered"])]
    assert not covered, f"boxes in focus that are covered or off screen: {covered}"


def test_the_grid_needs_no_sideways_scrolling_on_a_phone(grid):
    page = grid
    page.set_viewport_size(PHONE)
    page.reload()
    assert_no_sideways_scroll(page)
    holder = page.locator(".data-grid")
    assert holder.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    # Each period is a card naming each metric beside its boxes.
    january = page.get_by_role("row", name="January 2026")
    expect(january).to_contain_text("BP measured")
    box = page.get_by_label("BP measured, January 2026: numerator")
    box.fill("31")
    page.get_by_label("BP measured, January 2026: denominator").fill("40")
    page.keyboard.press("Tab")
    expect(january).to_contain_text("Saved")
    shoot(page, "grid-phone")
    assert_accessible(page)


def test_the_period_page_needs_no_sideways_scrolling_on_a_phone(grid, team_url, periods):
    page = grid
    page.set_viewport_size(PHONE)
    page.goto(f"{team_url}reports/{periods[0].pk}/")
    assert_no_sideways_scroll(page)
    holder = page.locator(".period-lines")
    assert holder.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    page.get_by_label("BP measured: numerator or value").fill("31")
    page.get_by_label("BP measured: denominator").fill("40")
    page.get_by_label("Note on BP measured").fill("Two clinics closed for a day")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_label("Note on BP measured")).to_have_value("Two clinics closed for a day")
    shoot(page, "period-report-phone")
    assert_accessible(page)
