"""A data lead records a PDSA cycle on the worksheet, attaches a file, builds a ramp on it; a
coach of another team comments on it once it is shared."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..factories import make_metric_with_figures
from .helpers import SHOTS, check_page

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
MY_SHOTS = Path("/tmp/shots/cycles")  # noqa: S108 (outside the repository on purpose)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def keep_shots(name: str) -> None:
    MY_SHOTS.mkdir(parents=True, exist_ok=True)
    for shot in SHOTS.glob(f"{name}-*.png"):
        shutil.copy(shot, MY_SHOTS / shot.name)


def diagram(world):
    from convene.improvement.models import DriverNode

    c = world.collaborative
    primary = DriverNode.objects.create(collaborative=c, text="Accurate measurement")
    secondary = DriverNode.objects.create(collaborative=c, parent=primary, text="Good technique")
    return DriverNode.objects.create(collaborative=c, parent=secondary, text="Repeat high readings")


def test_a_data_lead_records_a_cycle_and_builds_a_ramp_on_it(
    page, world, login, team_url, collaborative_url, tmp_path
):
    idea = diagram(world)
    # Team A's monthly figures from November 2025: the cycles land on its chart in March 2026.
    make_metric_with_figures(
        world.collaborative,
        {world.team_a: ([50, 52, 49, 51, 53, 50, 55, 58, 61, 64], 100)},
        first_period_on=date(2025, 11, 1),
        baseline_periods=4,
    )
    title = page.get_by_role("textbox", name="Title", exact=True)
    login(page.context, world.data_lead)
    page.goto(team_url)
    page.get_by_role("link", name="PDSA cycles").click()
    expect(page.get_by_text("No cycles yet.")).to_be_visible()
    page.get_by_role("link", name="New cycle").click()

    # Plan: before the test.
    title.fill("Repeat high readings with one patient")
    page.get_by_label("A change idea of the driver diagram").select_option(
        label="Repeat high readings"
    )
    page.get_by_label("Scale", exact=True).fill("1 patient")
    page.get_by_label("Start date").fill("2026-03-02")
    page.get_by_label("End date").fill("2026-03-06")
    page.get_by_label("Objective").fill("See whether a second reading changes the decision")
    page.get_by_label("Questions").fill("Does the second reading fall below 140/90?")
    page.get_by_label("Prediction", exact=True).fill("The second reading is at least 5 mmHg lower")
    page.get_by_label("Who, what, when, where").fill("Nurse Ana, Monday clinic, room 2")
    page.get_by_label("Data to collect").fill("Both readings, minutes between them")
    check_page(page, "pdsa-worksheet-form")
    keep_shots("pdsa-worksheet-form")
    page.get_by_role("button", name="Save the worksheet").click()
    expect(page.get_by_text("Cycle “Repeat high readings with one patient” saved.")).to_be_visible()

    # Do, Study, Act: after it, and shared with the collaborative.
    page.get_by_role("link", name="Edit the worksheet").click()
    page.get_by_role("combobox", name="Status", exact=True).select_option("done")
    page.get_by_label("What happened").fill("Tested with one patient on Monday")
    page.get_by_label("Observations").fill("The patient relaxed after five minutes")
    page.get_by_label("Problems").fill("The quiet room was busy")
    page.get_by_label("Results against the prediction").fill("Second reading 12 mmHg lower")
    page.get_by_label("What was learned").fill("Repeat readings avoid false highs")
    page.get_by_label("Adopt").check()
    page.get_by_label("The next cycle").fill("Five patients next week")
    page.get_by_label("Shared with the collaborative").check()
    page.get_by_role("button", name="Save the worksheet").click()
    expect(page.get_by_text("Cycle saved.")).to_be_visible()
    expect(page.get_by_text("Second reading 12 mmHg lower")).to_be_visible()

    # A file, attached and downloaded again.
    page.get_by_label("Attach a file").set_input_files(
        {"name": "run chart.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("“run chart.pdf” attached.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="run chart.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF
    assert download.value.suggested_filename == "run chart.pdf"
    check_page(page, "pdsa-cycle")
    keep_shots("pdsa-cycle")

    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", name="Repeat high readings with one")).to_be_visible()
    check_page(page, "pdsa-print")
    keep_shots("pdsa-print")
    page.go_back()

    # The next cycle, built on this one: the idea carried over, the scale suggested.
    page.get_by_role("link", name="Build on this cycle").click()
    expect(page.get_by_label("Scale", exact=True)).to_have_value("5 patients")
    expect(page.get_by_label("A change idea of the driver diagram")).to_have_value(str(idea.pk))
    title.fill("Repeat high readings with five patients")
    page.get_by_label("Start date").fill("2026-03-09")
    page.get_by_label("Prediction", exact=True).fill("Four of five second readings are lower")
    page.get_by_role("button", name="Save the worksheet").click()
    expect(page.get_by_text("Part of a ramp of 2 cycles")).to_be_visible()
    page.get_by_role("link", name="The ramp").click()
    scale = page.get_by_role("list", name="The scale along the ramp")
    expect(scale.get_by_role("listitem")).to_have_text(["1 patient", "5 patients"])
    expect(page.get_by_text("Second reading 12 mmHg lower")).to_be_visible()
    expect(page.get_by_text("Four of five second readings are lower")).to_be_visible()
    check_page(page, "pdsa-ramp")
    keep_shots("pdsa-ramp")

    page.goto(team_url + "cycles/")
    expect(page.get_by_text("a ramp of 2 cycles")).to_be_visible()
    check_page(page, "pdsa-team-cycles")
    keep_shots("pdsa-team-cycles")

    # Both cycles on the team's chart, at March 2026, their titles drawn and listed in words.
    page.goto(team_url + "dashboard/")
    chart = page.locator(".chart svg").first
    expect(chart).to_be_visible()
    expect(chart.locator("text", has_text="Repeat high")).to_have_count(2)
    listed = page.locator("p", has_text="PDSA cycles on this chart")
    expect(listed).to_contain_text("Repeat high readings with one patient (March 2026: Adopt)")
    expect(listed).to_contain_text("Repeat high readings with five patients (March 2026: Planned)")
    check_page(page, "pdsa-on-the-chart")
    keep_shots("pdsa-on-the-chart")


def test_a_coach_comments_on_a_shared_cycle(page, world, login, collaborative_url):
    from django.utils import timezone

    from convene.improvement.models import PDSACycle

    PDSACycle.objects.create(
        collaborative=world.collaborative,
        team=world.team_a,
        title="Quiet room before measuring",
        own_idea="A quiet room",
        scale="1 clinic session",
        prediction="Fewer high first readings",
        results="Half as many high first readings",
        decision="adopt",
        status="done",
        is_shared=True,
        shared_at=timezone.now(),
    )
    login(page.context, world.other_coach)  # coaches team B
    page.goto(collaborative_url + "changes/")
    page.get_by_role("link", name="Shared cycles").click()
    expect(page.get_by_text("Team A")).to_be_visible()
    expect(page.get_by_text("Eastside clinic")).to_have_count(0)
    check_page(page, "pdsa-shared-cycles")
    keep_shots("pdsa-shared-cycles")
    page.get_by_role("link", name="Quiet room before measuring").click()
    page.get_by_label("Your comment").fill("We tried this too: book the room in advance.")
    page.get_by_role("button", name="Add the comment").click()
    expect(page.get_by_text("Comment added.")).to_be_visible()
    comment = page.locator("article", has_text="We tried this too")
    expect(comment.get_by_text("Other Coach")).to_be_visible()
    check_page(page, "pdsa-shared-cycle")
    keep_shots("pdsa-shared-cycle")
