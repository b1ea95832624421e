"""The renovation moved models between apps without moving a row.

A database is taken back to the layout before the move (figures, reports, trial runs and
invitations in their first apps; the metric naming its key changes), filled the way that layout
filled it, and migrated forward: every row and every link must still be there, read through
today's models, and old audit events must name the models by their new labels. Runs on SQLite
and, in CI, on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from convene.collaboratives.models import AuditEvent, Invitation
from convene.improvement.models import KeyChange
from convene.measures.models import Metric
from convene.reporting.models import (
    Feedback,
    ProgressScore,
    Report,
    ReportRevision,
    Value,
    ValueRevision,
)
from convene.trials.models import TrialAnswer, TrialRecord, TrialReview, TrialRun

# The last migration of each app before the move.
BEFORE = [
    ("accounts", "0002_invitation_links"),
    ("collaboratives", "0003_teams_may_add_own_metrics"),
    ("measures", "0007_trial_review_keeps_the_records"),
    ("changes", "0001_change_package"),
]
AT = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _latest_afterwards():
    """Whatever happens, the next test finds the database in today's layout."""
    yield
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _fill_the_old_layout(old) -> dict:
    """Rows as the old layout wrote them, through its own historical models."""
    user = old.get_model("accounts", "User").objects.create(
        email="dana@example.test", full_name="Dana Data"
    )
    org = old.get_model("collaboratives", "Organisation").objects.create(name="Riverside")
    collaborative = old.get_model("collaboratives", "Collaborative").objects.create(
        name="BP 2026",
        topic="Blood pressure",
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
        host_organisation=org,
    )
    team = old.get_model("collaboratives", "Team").objects.create(
        collaborative=collaborative, organisation=org, name="Riverside clinic"
    )
    metric = old.get_model("measures", "Metric").objects.create(
        collaborative=collaborative,
        name="Blood pressure under control",
        short_name="BP",
        kind="proportion",
        denominator="Adults with hypertension",
        chart="p",
    )
    period = old.get_model("measures", "ReportingPeriod").objects.create(
        collaborative=collaborative,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 1, 31),
        due_on=date(2026, 2, 15),
    )
    value = old.get_model("measures", "Value").objects.create(
        team=team,
        metric=metric,
        period=period,
        numerator=Decimal(41),
        denominator=Decimal(70),
        note="After the new cuff",
        updated_by=user,
        version=2,
    )
    old.get_model("measures", "ValueRevision").objects.create(
        value=value,
        numerator=Decimal(40),
        denominator=Decimal(70),
        recorded_by=user,
        recorded_at=AT,
        replaced_by=user,
        reason="Recounted",
    )
    report = old.get_model("measures", "Report").objects.create(
        team=team,
        period=period,
        changes_tested="Repeat readings",
        status="submitted",
        submitted_at=AT,
        submitted_by=user,
    )
    old.get_model("measures", "ReportRevision").objects.create(
        report=report, narrative={"changes_tested": "Nothing yet"}, replaced_by=user
    )
    old.get_model("measures", "Feedback").objects.create(
        report=report, author=user, text="Good start"
    )
    old.get_model("measures", "ProgressScore").objects.create(
        team=team, period=period, rater="team", score=Decimal("2.5"), scored_by=user
    )
    trial = old.get_model("measures", "TrialRun").objects.create(
        team=team, status="accepted", questions="Does a repeat count?", submitted_by=user
    )
    record = old.get_model("measures", "TrialRecord").objects.create(
        trial=trial, position=1, reference="R-1"
    )
    old.get_model("measures", "TrialAnswer").objects.create(
        record=record, metric=metric, numerator=Decimal(1), denominator=Decimal(1)
    )
    old.get_model("measures", "TrialReview").objects.create(
        trial=trial, decision="accepted", reviewed_by=user, records=[{"reference": "R-1"}]
    )
    concept = old.get_model("changes", "ChangeConcept").objects.create(
        collaborative=collaborative, name="Measure accurately"
    )
    key_change = old.get_model("changes", "KeyChange").objects.create(
        concept=concept, name="Repeat high readings"
    )
    metric.key_changes.add(key_change)
    invitation = old.get_model("accounts", "Invitation").objects.create(
        collaborative=collaborative,
        team=team,
        email="new@example.test",
        role="data_lead",
        token_hash="0" * 64,
        invited_by=user,
        expires_at=AT,
    )
    events = old.get_model("collaboratives", "AuditEvent")
    for label, pk in (
        ("measures.value", value.pk),
        ("measures.report", report.pk),
        ("measures.trialrun", trial.pk),
        ("accounts.invitation", invitation.pk),
        ("measures.metric", metric.pk),
    ):
        events.objects.create(
            collaborative=collaborative,
            action="update",
            object_type=label,
            object_id=str(pk),
            object_repr=label,
        )
    types = old.get_model("contenttypes", "ContentType")
    for app_label, model in (("measures", "value"), ("accounts", "invitation")):
        types.objects.get_or_create(app_label=app_label, model=model)
    return {
        "value": value.pk,
        "report": report.pk,
        "trial": trial.pk,
        "metric": metric.pk,
        "key_change": key_change.pk,
        "invitation": invitation.pk,
        "team": team.pk,
    }


def test_every_row_and_link_survives_the_move() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    old = _migrate(BEFORE)
    ids = _fill_the_old_layout(old)

    _migrate(latest)

    value = Value.objects.get(pk=ids["value"])
    assert (value.numerator, value.denominator, value.note) == (41, 70, "After the new cuff")
    assert value.team_id == ids["team"] and value.metric_id == ids["metric"]
    assert [(r.numerator, r.reason) for r in value.revisions.all()] == [(40, "Recounted")]
    assert ValueRevision.objects.count() == 1

    report = Report.objects.get(pk=ids["report"])
    assert report.status == "submitted" and report.changes_tested == "Repeat readings"
    assert [r.narrative for r in ReportRevision.objects.filter(report=report)] == [
        {"changes_tested": "Nothing yet"}
    ]
    assert [f.text for f in Feedback.objects.filter(report=report)] == ["Good start"]
    assert ProgressScore.objects.get(team_id=ids["team"]).score == Decimal("2.5")

    trial = TrialRun.objects.get(pk=ids["trial"])
    assert trial.status == "accepted" and trial.questions == "Does a repeat count?"
    assert [r.reference for r in TrialRecord.objects.filter(trial=trial)] == ["R-1"]
    assert TrialAnswer.objects.get(record__trial=trial).metric_id == ids["metric"]
    assert TrialReview.objects.get(trial=trial).records == [{"reference": "R-1"}]

    # The link now belongs to the key change, and reads the same from both sides.
    key_change = KeyChange.objects.get(pk=ids["key_change"])
    assert list(key_change.metrics.values_list("pk", flat=True)) == [ids["metric"]]
    metric = Metric.objects.get(pk=ids["metric"])
    assert list(metric.key_changes.values_list("pk", flat=True)) == [ids["key_change"]]

    invitation = Invitation.objects.get(pk=ids["invitation"])
    assert invitation.email == "new@example.test" and invitation.team_id == ids["team"]

    labels = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert labels == {
        "reporting.value",
        "reporting.report",
        "trials.trialrun",
        "collaboratives.invitation",
        "measures.metric",
    }
    # The content types move with the models, so their permissions stay theirs.
    assert ContentType.objects.filter(app_label="reporting", model="value").exists()
    assert ContentType.objects.filter(app_label="collaboratives", model="invitation").exists()
    assert not ContentType.objects.filter(app_label="measures", model="value").exists()


def test_the_move_can_be_undone_with_its_labels() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    _migrate(latest)
    event = AuditEvent.objects.create(
        action="update", object_type="reporting.value", object_id="1", object_repr="v"
    )
    old = _migrate(BEFORE)
    events = old.get_model("collaboratives", "AuditEvent")
    assert events.objects.get(pk=event.pk).object_type == "measures.value"
    _migrate(latest)
    assert AuditEvent.objects.get(pk=event.pk).object_type == "reporting.value"
