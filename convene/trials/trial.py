"""The trial run: a team's first five records, reviewed by a host before routine reporting.

The toolkit asks teams to collect five records early, by the metrics' definitions, so that
problems with the definitions, the data-entry forms and the timetable show up while they are
cheap to fix. Here a team enters those records, a host reads them with the team's questions,
and accepts the trial or returns it with a comment. Where the schedule requires it, routine
figures wait for an accepted (or excused) trial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convene.collaboratives.access import people_who_may, team_leads
from convene.lib.forms import Styled, style
from convene.measures.entry import check_entry
from convene.measures.models import Metric, ReportingSchedule, Stratum
from convene.measures.owed import strata_of
from convene.measures.templatetags.measures_tags import plain

from .models import TrialAnswer, TrialRecord, TrialReview, TrialRun

# How a record stands against a proportion, as (numerator, denominator).
PROPORTION_ANSWERS = {"out": (0, 0), "den": (0, 1), "num": (1, 1)}
# Two or more capitalised words and nothing else, like "Maria Lopez": a person's name.
LOOKS_LIKE_A_NAME = re.compile(r"^[A-ZÀ-Þ][a-zß-ÿ'’-]+(\s+[A-ZÀ-Þ][a-zß-ÿ'’-]+)+$")


def trial_metrics(team: Any) -> list[Metric]:
    """The collaborative's shared metrics: the trial tests the definitions every team uses."""
    return list(
        Metric.objects.filter(collaborative_id=team.collaborative_id, team__isnull=True)
        .select_related("stratification")
        .order_by("position", "pk")
    )


def trial_rule(team: Any) -> str:
    rule = (
        ReportingSchedule.objects.filter(collaborative_id=team.collaborative_id)
        .values_list("trial_run", flat=True)
        .first()
    )
    return rule or ReportingSchedule.TrialRule.OFFERED


def reporting_closed(team: Any) -> str:
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


def reviewers(trial: TrialRun) -> list[str]:
    """Whom a sent trial awaits: the people who may review trial runs."""
    return people_who_may(trial.team.collaborative, "review_trial_run")


def told_of_decision(trial: TrialRun) -> list[str]:
    """Whom a decision is sent to: the team's leads and whoever sent the trial."""
    recipients = set(team_leads(trial.team))
    if trial.submitted_by is not None:
        recipients.add(trial.submitted_by.email)
    return sorted(recipients)


def trial_of(team: Any) -> TrialRun:
    """The team's trial run, or an unsaved draft."""
    return TrialRun.objects.filter(team=team).first() or TrialRun(team=team)


@dataclass
class PlannedRecord:
    position: int
    reference: str
    note: str
    # metric id → (numerator, denominator, stratum id)
    answers: dict[int, tuple[Decimal | None, Decimal | None, int | None]] = field(
        default_factory=dict
    )


class TrialForm(Styled, forms.Form):
    """The five records, each with its answer to every shared metric, and the team's questions.

    Field names: ``r<position>-reference``, ``r<position>-note``, and per metric
    ``r<position>-m<metric id>`` for a proportion, ``…-n`` and ``…-d`` for numbers,
    ``…-g`` for the record's group when the metric is stratified.
    """

    questions = forms.CharField(
        label=gettext_lazy("Questions and problems"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=TrialRun._meta.get_field("questions").help_text,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        metrics: list[Metric],
        trial: TrialRun,
        submitting: bool = False,
        **kwargs: Any,
    ) -> None:
        self.metrics = metrics
        self.strata = strata_of(metrics)
        self.submitting = submitting
        super().__init__(*args, initial=_initial(trial, metrics), **kwargs)
        for position in range(1, TrialRun.RECORDS + 1):
            self._add_record_fields(position)
        # Styled ran before the records' fields existed: give them its classes, small.
        for name, form_field in self.fields.items():
            if name.startswith("r"):
                style(form_field, small=True)

    def _add_record_fields(self, position: int) -> None:
        r = f"r{position}"
        self.fields[f"{r}-reference"] = forms.CharField(
            label=_("Record reference"),
            max_length=40,
            required=False,
            help_text=_("A number or code your team can trace, never a name."),
        )
        self.fields[f"{r}-note"] = forms.CharField(
            label=_("Note on this record"), max_length=300, required=False
        )
        for metric in self.metrics:
            m = f"{r}-m{metric.pk}"
            if metric.kind == Metric.Kind.PROPORTION:
                self.fields[m] = forms.ChoiceField(
                    label=metric.short_name,
                    required=False,
                    choices=[
                        ("", _("Not answered")),
                        ("out", _("Not in the denominator")),
                        ("den", _("In the denominator, not the numerator")),
                        ("num", _("In the numerator")),
                    ],
                )
            else:
                if metric.has_denominator:
                    label = _("%(metric)s: events") % {"metric": metric.short_name}
                elif metric.unit:
                    label = f"{metric.short_name} ({metric.unit})"
                else:
                    label = metric.short_name
                self.fields[f"{m}-n"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=20,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )
                if metric.has_denominator:
                    self.fields[f"{m}-d"] = forms.CharField(
                        label=_("%(metric)s: exposure") % {"metric": metric.short_name},
                        required=False,
                        max_length=20,
                        widget=forms.TextInput(
                            attrs={"inputmode": "decimal", "autocomplete": "off"}
                        ),
                    )
            groups = self.strata.get(metric.stratification_id or 0, [])
            if groups:
                self.fields[f"{m}-g"] = forms.TypedChoiceField(
                    label=f"{metric.short_name}: {metric.stratification.name}",
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[("", "—"), *((s.pk, s.name) for s in groups)],
                )

    def rows(self) -> list[dict[str, Any]]:
        """The bound fields of each record, for the template."""
        rows = []
        for position in range(1, TrialRun.RECORDS + 1):
            r = f"r{position}"
            answers = []
            for metric in self.metrics:
                m = f"{r}-m{metric.pk}"
                answers.append(
                    {
                        "metric": metric,
                        "choice": self[m] if m in self.fields else None,
                        "numerator": self[f"{m}-n"] if f"{m}-n" in self.fields else None,
                        "denominator": self[f"{m}-d"] if f"{m}-d" in self.fields else None,
                        "group": self[f"{m}-g"] if f"{m}-g" in self.fields else None,
                    }
                )
            rows.append(
                {
                    "position": position,
                    "reference": self[f"{r}-reference"],
                    "note": self[f"{r}-note"],
                    "answers": answers,
                }
            )
        return rows

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.records = [self._clean_record(p) for p in range(1, TrialRun.RECORDS + 1)]
        references = [r.reference.casefold() for r in self.records if r.reference]
        for record in self.records:
            if record.reference and references.count(record.reference.casefold()) > 1:
                self.add_error(
                    f"r{record.position}-reference",
                    _("Each record needs its own reference."),
                )
        if self.submitting:
            self._check_complete()
        return cleaned

    def _clean_record(self, position: int) -> PlannedRecord:
        r = f"r{position}"
        reference = (self.cleaned_data.get(f"{r}-reference") or "").strip()
        if LOOKS_LIKE_A_NAME.match(reference):
            self.add_error(
                f"{r}-reference",
                _("This looks like a person's name: use the record's number or a code instead."),
            )
        record = PlannedRecord(position, reference, (self.cleaned_data.get(f"{r}-note") or ""))
        for metric in self.metrics:
            m = f"{r}-m{metric.pk}"
            group = self.cleaned_data.get(f"{m}-g")
            if metric.kind == Metric.Kind.PROPORTION:
                choice = self.cleaned_data.get(m) or ""
                if choice:
                    numerator, denominator = PROPORTION_ANSWERS[choice]
                    record.answers[metric.pk] = (Decimal(numerator), Decimal(denominator), group)
                continue
            check = check_entry(
                metric,
                self.cleaned_data.get(f"{m}-n"),
                self.cleaned_data.get(f"{m}-d") if metric.has_denominator else None,
                [],
            )
            if check.errors:
                self.add_error(f"{m}-n", " ".join(check.errors))
            elif not check.is_blank:
                record.answers[metric.pk] = (check.numerator, check.denominator, group)
        return record

    def _check_complete(self) -> None:
        for record in self.records:
            r = f"r{record.position}"
            if not record.reference:
                self.add_error(f"{r}-reference", _("Give every record a reference."))
            elif not record.answers:
                self.add_error(f"{r}-reference", _("Answer at least one metric for this record."))


def _initial(trial: TrialRun, metrics: list[Metric]) -> dict[str, Any]:
    if not trial.pk:
        return {}
    initial: dict[str, Any] = {"questions": trial.questions, "version": trial.version}
    kinds = {metric.pk: metric.kind for metric in metrics}
    for record in trial.records.prefetch_related("answers"):
        r = f"r{record.position}"
        initial[f"{r}-reference"] = record.reference
        initial[f"{r}-note"] = record.note
        for answer in record.answers.all():
            m = f"{r}-m{answer.metric_id}"
            if kinds.get(answer.metric_id) == Metric.Kind.PROPORTION:
                pair = (int(answer.numerator or 0), int(answer.denominator or 0))
                initial[m] = next(k for k, v in PROPORTION_ANSWERS.items() if v == pair)
            else:
                initial[f"{m}-n"] = plain(answer.numerator)
                initial[f"{m}-d"] = plain(answer.denominator)
            initial[f"{m}-g"] = answer.stratum_id
    return initial


class Conflict(Exception):
    """Somebody saved the trial run since this copy was loaded."""


def save_trial(trial: TrialRun, form: TrialForm, by: Any, submit: bool) -> TrialRun:
    """Store the five records all together; refuse a save from a stale copy."""
    expected = form.cleaned_data.get("version")
    with transaction.atomic():
        if trial.pk:
            stored = TrialRun.objects.select_for_update().get(pk=trial.pk)
            if stored.version != expected or not stored.is_editable:
                raise Conflict
            trial = stored
            trial.version += 1
        trial.questions = form.cleaned_data["questions"]
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
        _store_records(trial, form.records)
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


class ReviewForm(Styled, forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=TrialReview.Decision.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment to the team"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What to change before routine reporting, or what worked well. "
            "Needed when you return the trial or excuse the team."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, trial: TrialRun, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trial = trial
        if trial.status != TrialRun.Status.SUBMITTED:
            # Only a submitted trial can be judged; any unfinished one can be excused.
            self.fields["decision"].choices = [
                (TrialReview.Decision.EXCUSE.value, TrialReview.Decision.EXCUSE.label)
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        needs_comment = {TrialReview.Decision.RETURN, TrialReview.Decision.EXCUSE}
        if decision in needs_comment and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Tell the team why."))
        return cleaned


def review_trial(
    trial: TrialRun, form: ReviewForm, by: Any, metrics: list[Metric] | None = None
) -> TrialReview:
    """Record a host's decision with the records as they were read; refuse one made on a
    stale or already-decided trial."""
    with transaction.atomic():
        stored = TrialRun.objects.select_for_update().get(pk=trial.pk)
        decision = form.cleaned_data["decision"]
        allowed = (
            not stored.is_done
            if decision == TrialReview.Decision.EXCUSE
            else stored.status == TrialRun.Status.SUBMITTED
        )
        if stored.version != form.cleaned_data["version"] or not allowed:
            raise Conflict
        stored.status = decision
        stored.version += 1
        stored.updated_by = by
        stored.updated_at = timezone.now()
        stored.save(update_fields=["status", "version", "updated_by", "updated_at"])
        return TrialReview.objects.create(
            trial=stored,
            decision=decision,
            comment=form.cleaned_data["comment"].strip(),
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
