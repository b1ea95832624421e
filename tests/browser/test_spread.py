"""Cycles on the team's chart, the spread matrix and the dashboard's counts, in a browser."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from convene.improvement.models import ChangeConcept, DriverNode, KeyChange, PDSACycle

from ..factories import make_metric_with_figures, make_team, record_figures
from .helpers import check_page, shoot

pytestmark = pytest.mark.browser

RISING = [50, 52, 49, 51, 53, 50, 55, 58, 61, 64, 66, 68]
FLAT = [50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 52]
SHOTS = Path("/tmp/shots/spread")  # noqa: S108 (outside the repository on purpose)


@pytest.fixture
def tested(world):
    w = world
    w.metric = make_metric_with_figures(
        w.collaborative,
        {w.team_a: (RISING, 100), w.team_b: (FLAT, 100)},
        first_period_on=date(2025, 11, 1),
        baseline_periods=6,
    )
    # Every team reports: a roll-up with no complete period has Vega warn of an empty y.
    w.team_c = make_team(w.collaborative, "Hill clinic")
    w.team_d = make_team(w.collaborative, "Ridge community health centre")
    record_figures(w.team_c, w.metric, FLAT, 80)
    record_figures(w.team_d, w.metric, RISING, 120)
    primary = DriverNode.objects.create(collaborative=w.collaborative, text="Reliable care")
    measuring = DriverNode.objects.create(
        collaborative=w.collaborative, parent=primary, text="Accurate measurement"
    )
    treating = DriverNode.objects.create(
        collaborative=w.collaborative, parent=primary, text="Timely treatment", position=1
    )
    repeat = DriverNode.objects.create(
        collaborative=w.collaborative, parent=measuring, text="Repeat a high reading"
    )
    cuffs = DriverNode.objects.create(
        collaborative=w.collaborative, parent=measuring, text="Loan home cuffs", position=1
    )
    protocol_idea = DriverNode.objects.create(
        collaborative=w.collaborative, parent=treating, text="Nurse-led titration protocol"
    )
    concept = ChangeConcept.objects.create(collaborative=w.collaborative, name="Treat")
    protocol = KeyChange.objects.create(concept=concept, name="Standard treatment protocol")
    protocol_idea.key_changes.add(protocol)

    def cycle(team, title, **fields):
        return PDSACycle.objects.create(
            collaborative=w.collaborative, team=team, title=title, **fields
        )

    a, b, c = w.team_a, w.team_b, w.team_c
    w.first = cycle(
        a,
        "Repeat readings with 1 patient",
        idea=repeat,
        status="done",
        decision="adapt",
        starts_on=date(2026, 1, 6),
        ends_on=date(2026, 1, 9),
    )
    cycle(
        a,
        "Repeat readings, a morning session",
        idea=repeat,
        status="done",
        decision="adopt",
        builds_on=w.first,
        starts_on=date(2026, 2, 10),
        ends_on=date(2026, 2, 24),
    )
    cycle(
        a,
        "Titration by nurses",
        idea=protocol_idea,
        status="doing",
        starts_on=date(2026, 5, 4),
        is_shared=True,
    )
    cycle(
        b,
        "Cuffs for 5 patients",
        idea=cuffs,
        status="done",
        decision="abandon",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 20),
    )
    cycle(
        b,
        "Repeat readings",
        idea=repeat,
        status="done",
        decision="adopt",
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 4, 20),
        is_shared=True,
    )
    cycle(c, "Protocol at Hill", key_change=protocol, status="studying", starts_on=date(2026, 6, 1))
    cycle(
        c,
        "Text reminders",
        own_idea="Text message reminders",
        status="done",
        decision="adopt",
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 2, 20),
    )
    return w


def test_a_host_reads_the_spread_matrix(page, tested, login, collaborative_url):
    login(page.context, tested.host)
    page.goto(f"{collaborative_url}changes/spread/")
    expect(page.get_by_role("heading", name="Spread of changes")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Changes")
    expect(tabs.get_by_role("link", name="Spread")).to_have_attribute("aria-current", "page")
    row = page.locator("tr", has=page.get_by_role("rowheader", name="Repeat a high reading"))
    expect(row.get_by_role("link", name="Adopted")).to_have_count(2)
    expect(row.get_by_text("Adopted by 2 of 4 teams")).to_be_visible()
    check_page(page, "spread-matrix-host")
    page.emulate_media(media="print")
    page.screenshot(path=str(SHOTS / "spread-matrix-print.png"), full_page=True)
    page.emulate_media(media="screen")
    row.get_by_role("link", name="Adopted").first.click()
    expect(page).to_have_url(f"{collaborative_url}cycles/{tested.first.pk + 1}/ramp/")


def test_the_teams_chart_shows_its_cycles(page, tested, login, collaborative_url):
    login(page.context, tested.data_lead)
    page.goto(f"{collaborative_url}teams/{tested.team_a.pk}/dashboard/")
    chart = page.locator(".chart svg").first
    expect(chart).to_be_visible()
    # The titles beside their squares, cut to fit (Vega ends a cut one with "…").
    expect(chart.locator("text", has_text="Repeat readings")).to_have_count(2)
    expect(chart.locator("text", has_text="Titration")).to_have_count(1)
    expect(page.get_by_text("PDSA cycles on this chart")).to_be_visible()
    check_page(page, "team-dashboard-cycles")
    url = f"{collaborative_url}teams/{tested.team_a.pk}/charts/{tested.metric.pk}.png"
    png = page.request.get(url)
    assert png.ok and png.body().startswith(b"\x89PNG")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "team-chart-download.png").write_bytes(png.body())


def test_the_dashboard_counts_testing_and_the_small_multiples_show_shared_cycles(
    page, tested, login, collaborative_url
):
    login(page.context, tested.other_team)  # Valley, anonymised: sees Team A's shared cycle
    page.goto(f"{collaborative_url}dashboard/")
    section = page.locator("#testing")
    expect(section.get_by_role("heading", name="Testing changes")).to_be_visible()
    expect(section.get_by_text("7 by 3 teams")).to_be_visible()
    expect(section.get_by_text("Eastside clinic")).to_have_count(0)
    section.evaluate("node => node.scrollIntoView()")
    check_page(page, "dashboard-testing-other-team")
    page.goto(f"{collaborative_url}dashboard/metrics/{tested.metric.pk}/teams/")
    expect(page.locator(".chart-small svg")).to_have_count(4)
    shoot(page, "small-multiples-cycles")
