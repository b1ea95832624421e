"""Model methods save only the fields they change: a colleague's change to the rest stays."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from convene.lib.versioning import fresh_copy
from convene.measures.models import Metric, ReportingSchedule
from convene.reporting.models import Report, Value


@pytest.fixture
def period(world):
    ReportingSchedule.objects.create(
        collaborative=world.collaborative, first_period_on=date(2026, 1, 1)
    ).sync_periods()
    return world.collaborative.periods.first()


def test_submitting_keeps_a_narrative_saved_meanwhile(world, period):
    Report.objects.create(team=world.team_a, period=period, changes_tested="First draft")
    writer, submitter = (Report.objects.get(team=world.team_a) for _ in range(2))
    writer.changes_tested = "Repeat readings after 5 minutes"
    writer.save()
    submitter.submit(world.data_lead, None)
    stored = fresh_copy(submitter)
    assert stored.status == Report.Status.SUBMITTED
    assert stored.submitted_by == world.data_lead
    assert stored.changes_tested == "Repeat readings after 5 minutes"


def test_reopening_keeps_a_narrative_saved_meanwhile(world, period):
    report = Report.objects.create(team=world.team_a, period=period, challenges="Cuffs")
    report.submit(world.data_lead, None)
    writer, reopener = (Report.objects.get(pk=report.pk) for _ in range(2))
    writer.challenges = "Cuff sizes, and the EHR outage"
    writer.save()
    reopener.reopen(world.host)
    stored = fresh_copy(report)
    assert (stored.status, stored.reopened_by) == (Report.Status.DRAFT, world.host)
    assert stored.challenges == "Cuff sizes, and the EHR outage"


def test_submitting_a_report_never_saved_stores_it(world, period):
    report = Report(team=world.team_a, period=period, improvements="Fewer repeats")
    report.submit(world.data_lead, None)
    assert fresh_copy(report).improvements == "Fewer repeats"
    assert fresh_copy(report).is_locked


def test_revising_a_figure_keeps_a_note_saved_meanwhile(world, period):
    metric = Metric.objects.create(
        collaborative=world.collaborative,
        name="Falls",
        short_name="Falls",
        conceptual_definition="Falls",
        kind="count",
        direction="down",
    )
    value = Value.objects.create(team=world.team_a, metric=metric, period=period, numerator=3)
    annotator, reviser = (Value.objects.get(pk=value.pk) for _ in range(2))
    annotator.note = "EHR outage"
    annotator.save()
    reviser.revise(world.host, "Report re-run", numerator=Decimal(4))
    stored = fresh_copy(value)
    assert (stored.numerator, stored.version, stored.updated_by) == (4, 2, world.host)
    assert stored.note == "EHR outage"
    assert stored.revisions.get().numerator == 3


def test_a_fresh_copy_is_read_again_and_leaves_the_instance_alone(world, period):
    report = Report.objects.create(team=world.team_a, period=period, challenges="Cuffs")
    Report.objects.filter(pk=report.pk).update(challenges="Staffing")
    copy = fresh_copy(report)
    assert copy is not report
    assert (copy.challenges, report.challenges) == ("Staffing", "Cuffs")
