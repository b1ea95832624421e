"""The funnel plot draws under the Content-Security-Policy: a funnel on a desktop, the teams
ranked with their limits on a phone, without a console error."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from convene.reporting.models import Value

from ..factories import make_bp_metric, make_schedule, make_team
from .helpers import DESKTOP, PHONE, SHOTS, check_page

pytestmark = pytest.mark.browser

# Eight clinics, six alike: Eastside well above them, Orchard well below.
CLINICS = {
    "Valley clinic": (80, 0.50),
    "Hilltop clinic": (100, 0.50),
    "Riverside clinic": (120, 0.52),
    "Harbour clinic": (140, 0.50),
    "Mill clinic": (160, 0.48),
    "Park clinic": (180, 0.50),
    "Orchard clinic": (200, 0.30),
}


@pytest.fixture
def metric(world):
    make_schedule(world.collaborative, date(2026, 1, 1), baseline_periods=6)
    periods = {p.starts_on: p for p in world.collaborative.periods.all()}
    metric = make_bp_metric(world.collaborative)
    teams = {"Eastside clinic": (world.team_a, 60, 0.80)}
    teams["Valley clinic"] = (world.team_b, *CLINICS["Valley clinic"])
    for name, (size, share) in CLINICS.items():
        if name not in teams:
            teams[name] = (make_team(world.collaborative, name), size, share)
    for team, size, share in teams.values():
        for month in (8, 9, 10):
            Value.objects.create(
                team=team,
                metric=metric,
                period=periods[date(2026, month, 1)],
                numerator=round(size * share),
                denominator=size,
            )
    return metric


def test_the_funnel_draws_at_both_widths(page, world, login, collaborative_url, metric):
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page.context, world.host)
    page.set_viewport_size(DESKTOP)
    page.goto(collaborative_url + "dashboard/")
    funnel = page.locator(f'[data-chart-spec="funnel-{metric.pk}"]')
    ranked = page.locator(f'[data-chart-spec="funnel-ranked-{metric.pk}"]')
    expect(funnel.locator("svg")).to_be_visible()
    expect(ranked).to_be_hidden()
    expect(funnel).to_contain_text("Random-effects limits (Spiegelhalter), φ = ")
    # The two teams beyond the limits are named on the plot; every team has its tooltip.
    labels = funnel.locator('text[aria-roledescription="text mark"]').all_text_contents()
    assert sorted(labels) == ["Eastside clinic", "Orchard clinic"], labels
    points = funnel.locator('path[aria-roledescription="point"]')
    expect(points).to_have_count(8)
    points.nth(2).hover()
    expect(page.locator("#vg-tooltip-element")).to_contain_text("Hilltop clinic")
    card = page.locator(".card", has=funnel)
    SHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=str(SHOTS / "funnel-card-desktop.png"))
    findings = page.locator(f"#metric-{metric.pk}-funnel-findings")
    expect(findings).to_contain_text(
        "Better than the others (beyond the 99.8 % limit): Eastside clinic."
    )
    expect(findings).to_contain_text(
        "Worse than the others (beyond the 99.8 % limit): Orchard clinic."
    )

    page.set_viewport_size(PHONE)
    expect(funnel).to_be_hidden()
    expect(ranked.locator("svg")).to_be_visible()
    expect(ranked).to_contain_text("Random-effects limits (Spiegelhalter)")
    expect(ranked).to_contain_text("φ = ")
    texts = ranked.locator("g.role-axis-label text").all_text_contents()
    rows = [text for text in texts if text.endswith("clinic")]  # not the values' axis
    assert rows[0] == "Eastside clinic" and rows[7] == "Orchard clinic", rows
    assert ranked.locator("svg").bounding_box()["width"] > 300
    card.screenshot(path=str(SHOTS / "funnel-card-phone.png"))
    # Checked at desktop width (shot at both): on a phone, the reporting table of eight teams
    # scrolls sideways without keyboard focus, which is the reporting table's to mend.
    page.set_viewport_size(DESKTOP)
    expect(funnel.locator("svg")).to_be_visible()
    check_page(page, "collaborative-dashboard-funnel")
    assert not errors, errors
