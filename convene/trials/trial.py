"""The trial run: a team's first five records, reviewed by a host before routine reporting.

The toolkit asks teams to collect five records early, by the metrics' definitions, so that
problems with the definitions, the data-entry forms and the timetable show up while they are
cheap to fix. Here a team enters those records, a host reads them with the team's questions,
and accepts the trial or returns it with a comment. Where the schedule requires it, routine
figures wait for an accepted (or excused) trial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.collaboratives.access import LEAD_ROLES, users_who_may
from convene.collaboratives.models import Team, TeamMembership
from convene.measures.models import Metric, ReportingSchedule, Stratum
from convene.measures.templatetags.measures_tags import plain

from .models import TrialAnswer, TrialRecord, TrialReview, TrialRun


def trial_metrics(team: Team) -> list[Metric]:
    """The collaborative's shared metrics: the trial tests the definitions every team uses."""
    return list(
        Metric.objects.filter(collaborative_id=team.collaborative_id, team__isnull=True)
        .select_related("stratification")
        .order_by("position", "pk")
    )


def trial_rule(team: Team) -> str:
    rule = (
        ReportingSchedule.objects.filter(collaborative_id=team.collaborative_id)
        .values_list("trial_run", flat=True)
        .first()
    )
    return rule or ReportingSchedule.TrialRule.OFFERED


def reporting_closed(team: Team) -> str:
    """Why the team may not report routine figures yet, or "" when it may.

    Remembered on the team object: a page asks more than once.
    """
    cached = getattr(team, "_reporting_closed", None)
    if cached is not None:
        return str(cached)
    rule = trial_rule(team)
    status = None
    if rule == ReportingSchedule.TrialRule.REQUIRED:
        status = TrialRun.objects.filter(team=team).values_list("status", flat=True).first()
    team._reporting_closed = why_closed(rule, status)
    return team._reporting_closed


def why_closed(rule: str, status: str | None) -> str:
    """The reason routine reporting waits, given the trial-run rule and the trial's status."""
    if rule != ReportingSchedule.TrialRule.REQUIRED or status in TrialRun.DONE:
        return ""
    if status == TrialRun.Status.SUBMITTED:
        return _(
            "Routine reporting opens when a host accepts your team's trial run. "
            "It is waiting for review."
        )
    if status == TrialRun.Status.RETURNED:
        return _(
            "Routine reporting opens when a host accepts your team's trial run. "
            "It was returned with a comment: see the trial run."
        )
    return _(
        "Routine reporting opens when a host accepts your team's trial run of "
        "five records. Start with the trial run."
    )


def waiting_count(collaborative: Any, access: Any) -> int | None:
    """How many trial runs await review, for those who see reporting status; else None."""
    if not access.can("view_reporting_status"):
        return None
    return TrialRun.objects.filter(
        team__collaborative=collaborative,
        team__deleted_at__isnull=True,
        status=TrialRun.Status.SUBMITTED,
    ).count()


def reviewers(trial: TrialRun) -> list[Any]:
    """Whom a sent trial awaits: the people who may review trial runs."""
    return users_who_may(trial.team.collaborative, "review_trial_run")


def told_of_decision(trial: TrialRun) -> list[Any]:
    """Whom a decision is told to: the team's leads and whoever sent the trial."""
    leads = (
        TeamMembership.objects.current()
        .filter(team=trial.team, role__in=LEAD_ROLES)
        .select_related("user")
    )
    people = {membership.user.pk: membership.user for membership in leads}
    if trial.submitted_by is not None:
        people.setdefault(trial.submitted_by.pk, trial.submitted_by)
    return list(people.values())


@dataclass
class PlannedRecord:
    """A record as the team entered it, checked, to store."""

    position: int
    reference: str
    note: str
    # metric id → (numerator, denominator, stratum id)
    answers: dict[int, tuple[Decimal | None, Decimal | None, int | None]] = field(
        default_factory=dict
    )


class Conflict(Exception):
    """Somebody saved the trial run since this copy was loaded."""


def save_trial(
    trial: TrialRun,
    *,
    questions: str,
    expected_version: int | None,
    records: list[PlannedRecord],
    by: Any,
    submit: bool,
) -> TrialRun:
    """Store the five records all together; refuse a save from a stale copy."""
    with transaction.atomic():
        if trial.pk:
            stored = TrialRun.objects.select_for_update().get(pk=trial.pk)
            if stored.version != expected_version or not stored.is_editable:
                raise Conflict
            trial = stored
            trial.version += 1
        trial.questions = questions
        trial.updated_by = by
        trial.updated_at = timezone.now()
        if submit:
            trial.status = TrialRun.Status.SUBMITTED
            trial.submitted_at = trial.updated_at
            trial.submitted_by = by
        try:
            with transaction.atomic():
                trial.save()
        except IntegrityError as error:  # a colleague started the trial a moment ago
            raise Conflict from error
        _store_records(trial, records)
    return trial


def _store_records(trial: TrialRun, planned: list[PlannedRecord]) -> None:
    stored = {record.position: record for record in trial.records.all()}
    for plan in planned:
        record = stored.get(plan.position)
        if record is None:
            record = TrialRecord.objects.create(
                trial=trial, position=plan.position, reference=plan.reference, note=plan.note
            )
        elif (record.reference, record.note) != (plan.reference, plan.note):
            record.reference, record.note = plan.reference, plan.note
            record.save(update_fields=["reference", "note"])
        TrialAnswer.objects.filter(record=record).exclude(metric_id__in=plan.answers).delete()
        existing = {a.metric_id: a for a in TrialAnswer.objects.filter(record=record)}
        for metric_id, (numerator, denominator, stratum_id) in plan.answers.items():
            answer = existing.get(metric_id)
            if answer is None:
                TrialAnswer.objects.create(
                    record=record,
                    metric_id=metric_id,
                    numerator=numerator,
                    denominator=denominator,
                    stratum_id=stratum_id,
                )
            elif (answer.numerator, answer.denominator, answer.stratum_id) != (
                numerator,
                denominator,
                stratum_id,
            ):
                answer.numerator, answer.denominator = numerator, denominator
                answer.stratum_id = stratum_id
                answer.save(update_fields=["numerator", "denominator", "stratum"])


def review_trial(
    trial: TrialRun,
    *,
    decision: str,
    comment: str,
    expected_version: int,
    by: Any,
    metrics: list[Metric] | None = None,
) -> TrialReview:
    """Record a host's decision with the records as they were read; refuse one made on a
    stale or already-decided trial."""
    with transaction.atomic():
        stored = TrialRun.objects.select_for_update().get(pk=trial.pk)
        allowed = (
            not stored.is_done
            if decision == TrialReview.Decision.EXCUSE
            else stored.status == TrialRun.Status.SUBMITTED
        )
        if stored.version != expected_version or not allowed:
            raise Conflict
        stored.status = decision
        stored.version += 1
        stored.updated_by = by
        stored.updated_at = timezone.now()
        stored.save(update_fields=["status", "version", "updated_by", "updated_at"])
        return TrialReview.objects.create(
            trial=stored,
            decision=decision,
            comment=comment,
            reviewed_by=by,
            records=snapshot(stored, metrics or []),
        )


def snapshot(trial: TrialRun, metrics: list[Metric]) -> list[dict[str, Any]]:
    """The records as plain text, to keep with a decision."""
    return [
        {
            "reference": row["record"].reference,
            "note": row["record"].note,
            "answers": [
                {"metric": cell["metric"].short_name, "text": cell["text"], "group": cell["group"]}
                for cell in row["cells"]
            ],
        }
        for row in answer_table(trial, metrics)
    ]


@dataclass
class MetricSummary:
    """What the five records say about one metric, for the host's review."""

    metric: Metric
    answered: int
    in_denominator: int = 0
    in_numerator: int = 0
    figure: float | None = None
    values: list[Decimal] = field(default_factory=list)
    groups_recorded: int = 0
    has_groups: bool = False


def summaries(trial: TrialRun, metrics: list[Metric]) -> list[MetricSummary]:
    """Per metric: how many records answered it, and the figure the records give."""
    answers: dict[int, list[TrialAnswer]] = {}
    for answer in TrialAnswer.objects.filter(record__trial=trial):
        answers.setdefault(answer.metric_id, []).append(answer)
    result = []
    for metric in metrics:
        given = answers.get(metric.pk, [])
        summary = MetricSummary(metric, answered=len(given))
        summary.has_groups = bool(metric.stratification_id)
        summary.groups_recorded = sum(1 for a in given if a.stratum_id)
        if metric.has_denominator:
            numerator = sum(a.numerator or 0 for a in given)
            denominator = sum(a.denominator or 0 for a in given)
            summary.in_numerator, summary.in_denominator = int(numerator), int(denominator)
            if denominator:
                summary.figure = float(numerator / denominator) * metric.multiplier
        else:
            summary.values = [a.numerator for a in given if a.numerator is not None]
        result.append(summary)
    return result


def answer_table(trial: TrialRun, metrics: list[Metric]) -> list[dict[str, Any]]:
    """The records as rows of readable answers, one per metric, for the review page."""
    records = list(TrialRecord.objects.filter(trial=trial).prefetch_related("answers"))
    used = {m.stratification_id for m in metrics if m.stratification_id}
    strata = {s.pk: s.name for s in Stratum.objects.filter(stratification_id__in=used)}
    rows = []
    for record in records:
        given = {a.metric_id: a for a in record.answers.all()}
        cells = []
        for metric in metrics:
            answer = given.get(metric.pk)
            cells.append(
                {
                    "metric": metric,
                    "text": _answer_text(metric, answer),
                    "group": strata.get(answer.stratum_id) if answer and answer.stratum_id else "",
                }
            )
        rows.append({"record": record, "cells": cells})
    return rows


def _answer_text(metric: Metric, answer: TrialAnswer | None) -> str:
    if answer is None:
        return ""
    if metric.kind == Metric.Kind.PROPORTION:
        return {
            (0, 0): _("not in the denominator"),
            (0, 1): _("in the denominator only"),
            (1, 1): _("in the numerator"),
        }.get((int(answer.numerator or 0), int(answer.denominator or 0)), "")
    if metric.has_denominator:
        return f"{plain(answer.numerator)} / {plain(answer.denominator)}"
    return plain(answer.numerator)
