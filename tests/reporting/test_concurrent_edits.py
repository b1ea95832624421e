"""Two people on one period page or one grid cell: the second save made from what she read
before the first saved is refused, keeps what she typed and shows what the first one saved."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convene.reporting.models import Report, Value
from tests.concurrency import at_once
from tests.factories import make_bp_metric, make_schedule, make_stratified_metric
from tests.typed import typed_values

TODAY = datetime(2026, 6, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
REFUSED = "Nothing was saved: someone else saved this period"
CELL_CONFLICT = "Someone else changed this figure"


@pytest.fixture(autouse=True)
def _june_2026():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def bp(world):
    make_schedule(world.collaborative, date(2026, 1, 1), baseline_periods=3)
    return make_bp_metric(world.collaborative)


def _may(world):
    return world.collaborative.periods.get(starts_on=date(2026, 5, 1))


def _period_url(world):
    return reverse(
        "reporting:period-report", args=[world.collaborative.pk, world.team_a.pk, _may(world).pk]
    )


def _read_period(client, world, person):
    """``person`` opens the period page: the form as the page would send it."""
    client.force_login(person)
    shown = typed_values(client.get(_period_url(world)))
    return {k: v for k, v in shown.items() if k.startswith(("line-", "report-"))}


def _save(client, world, person, form, **typed):
    client.force_login(person)
    return client.post(_period_url(world), {**form, **typed, "action": "draft"})


def test_the_second_of_two_on_the_period_page_is_refused_and_keeps_her_figures(client, world, bp):
    line = f"line-{bp.pk}-0"
    lead_read = _read_period(client, world, world.data_lead)
    leader_read = _read_period(client, world, world.leader)
    assert lead_read[f"{line}-version"] == "0"  # read while the line was empty

    first = _save(
        client,
        world,
        world.data_lead,
        lead_read,
        **{f"{line}-numerator": "40", f"{line}-denominator": "64", f"{line}-note": "Cuff audit"},
    )
    assert first.status_code == 302
    second = _save(
        client,
        world,
        world.leader,
        leader_read,
        **{f"{line}-numerator": "38", f"{line}-denominator": "60"},
    )

    assert second.status_code == 409
    page = second.content.decode()
    assert REFUSED in page
    assert "Data_Lead saved this line meanwhile: 40 / 64 · note: Cuff audit." in page
    kept = typed_values(second)
    assert (kept[f"{line}-numerator"], kept[f"{line}-denominator"]) == ("38", "60")
    value = Value.objects.get()
    assert (value.numerator, value.denominator, value.note) == (40, 64, "Cuff audit")
    # The refreshed page carries the stored version: saving again is a deliberate choice.
    again = client.post(_period_url(world), {**kept, "action": "draft"})
    assert again.status_code == 302
    assert Value.objects.get().numerator == 38


def test_a_stale_narrative_is_refused_and_the_colleagues_text_is_shown_and_kept(client, world, bp):
    line = f"line-{bp.pk}-0"
    start = _read_period(client, world, world.data_lead)
    _save(client, world, world.data_lead, start, **{"report-challenges": "Cuff sizes"})
    lead_read = _read_period(client, world, world.data_lead)
    leader_read = _read_period(client, world, world.leader)

    _save(client, world, world.data_lead, lead_read, **{"report-challenges": "Staff leave"})
    # The leader only meant to add a figure, but her page still holds the old narrative.
    second = _save(
        client,
        world,
        world.leader,
        leader_read,
        **{
            f"{line}-numerator": "12",
            f"{line}-denominator": "20",
            "report-improvements": "Fewer repeats",
        },
    )

    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else saved the narrative meanwhile." in page
    assert "Saved meanwhile: Staff leave" in page
    kept = typed_values(second)
    assert kept["report-improvements"] == "Fewer repeats"
    assert kept[f"{line}-numerator"] == "12"
    report = Report.objects.get()
    assert (report.challenges, report.improvements) == ("Staff leave", "")
    assert not Value.objects.exists()  # nothing of the refused save is kept


def test_two_people_starting_the_same_empty_report_do_not_blank_each_other(client, world, bp):
    lead_read = _read_period(client, world, world.data_lead)
    leader_read = _read_period(client, world, world.leader)
    assert lead_read["report-version"] == "0"
    _save(client, world, world.data_lead, lead_read, **{"report-changes_tested": "Repeat readings"})
    second = _save(client, world, world.leader, leader_read, **{"report-challenges": "Cuffs"})
    assert second.status_code == 409
    assert "Saved meanwhile: Repeat readings" in second.content.decode()
    assert typed_values(second)["report-challenges"] == "Cuffs"
    report = Report.objects.get()
    assert (report.changes_tested, report.challenges) == ("Repeat readings", "")


def test_a_stale_stratum_line_is_refused(client, world, bp):
    by_age = make_stratified_metric(world.collaborative, ("18–44", "45+"), position=2)
    young = by_age.stratification.strata.get(name="18–44")
    line = f"line-{by_age.pk}-{young.pk}"
    lead_read = _read_period(client, world, world.data_lead)
    leader_read = _read_period(client, world, world.leader)
    _save(
        client,
        world,
        world.data_lead,
        lead_read,
        **{f"{line}-numerator": "10", f"{line}-denominator": "20"},
    )
    second = _save(
        client,
        world,
        world.leader,
        leader_read,
        **{f"{line}-numerator": "11", f"{line}-denominator": "21"},
    )
    assert second.status_code == 409
    assert "saved this line meanwhile: 10 / 20" in second.content.decode()
    assert typed_values(second)[f"{line}-numerator"] == "11"
    stored = Value.objects.get(stratum=young)
    assert (stored.numerator, stored.denominator) == (10, 20)


def _cell_url(world, bp):
    return reverse(
        "reporting:save-cell",
        args=[world.collaborative.pk, world.team_a.pk, bp.pk, _may(world).pk],
    )


def _cell_version(client, world, bp):
    """The version the grid's cell of May holds for the signed-in person, as the page sends it."""
    grid = client.get(
        reverse("reporting:team-data", args=[world.collaborative.pk, world.team_a.pk])
    )
    key = f"{bp.pk}-{_may(world).pk}"
    return re.search(rf'id="version-{key}" value="([^"]*)"', grid.content.decode()).group(1)


def test_an_empty_grid_cell_saved_by_a_colleague_meanwhile_is_not_overwritten(client, world, bp):
    client.force_login(world.leader)
    leader_read = _cell_version(client, world, bp)
    client.force_login(world.data_lead)
    lead_read = _cell_version(client, world, bp)
    assert lead_read == leader_read == "0"  # "was empty"
    client.post(
        _cell_url(world, bp),
        {"numerator": "40", "denominator": "64", "version": lead_read},
        HTTP_HX_REQUEST="true",
    )
    client.force_login(world.leader)
    response = client.post(
        _cell_url(world, bp),
        {"numerator": "30", "denominator": "50", "version": leader_read},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert CELL_CONFLICT in body
    assert "Saved: 40 / 64" in body
    key = f"{bp.pk}-{_may(world).pk}"
    assert f'id="version-{key}" value="1"' in body  # saving again replaces them knowingly
    value = Value.objects.get()
    assert (value.numerator, value.denominator) == (40, 64)


def test_a_half_typed_cell_does_not_take_on_a_colleagues_version_unseen(client, world, bp):
    client.force_login(world.data_lead)
    read = _cell_version(client, world, bp)
    client.force_login(world.leader)
    client.post(
        _cell_url(world, bp),
        {"numerator": "30", "denominator": "60", "version": read},
        HTTP_HX_REQUEST="true",
    )
    client.force_login(world.data_lead)
    # Her first box saves nothing yet: the answer must not swap in the leader's version,
    # or her second box would overwrite figures she has never seen.
    waiting = _cell(client, world, bp, numerator="40", version=read)
    assert "Add both figures to save." in waiting
    assert 'name="version"' not in waiting
    both = _cell(client, world, bp, numerator="40", denominator="64", version=read)
    assert CELL_CONFLICT in both and "Saved: 30 / 60" in both
    assert Value.objects.get().numerator == 30


def _cell(client, world, bp, **figures):
    return client.post(_cell_url(world, bp), figures, HTTP_HX_REQUEST="true").content.decode()


def test_many_writers_to_one_empty_cell_one_is_saved_the_others_told_of_the_conflict(
    world, bp, threads_db
):
    writers = 12
    url = _cell_url(world, bp)
    clients = []
    for _n in range(writers):
        client = Client()
        client.force_login(world.data_lead)
        clients.append(client)
    read = _cell_version(clients[0], world, bp)  # everyone opened the grid with the cell empty

    def write(n: int) -> str:
        figures = {"numerator": str(n + 1), "denominator": "64", "version": read}
        return clients[n].post(url, figures, HTTP_HX_REQUEST="true").content.decode()

    answers = at_once(threads_db, *[lambda n=n: write(n) for n in range(writers)])
    saved = [n for n, body in enumerate(answers) if 'text-success-emphasis">Saved<' in body]
    conflicts = [n for n, body in enumerate(answers) if CELL_CONFLICT in body]
    assert len(saved) == 1, answers
    assert len(conflicts) == writers - 1
    stored = list(Value.objects.values_list("numerator", "version"))
    assert stored == [(saved[0] + 1, 1)]
