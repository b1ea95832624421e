from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from convene.collaboratives.audit import AuditedModel
from convene.collaboratives.models import Collaborative, Team
from convene.lib.softdelete import SoftDeletable


class Metric(AuditedModel, SoftDeletable):
    """One measure, defined the way the toolkit's metric definitions table asks."""

    class Kind(models.TextChoices):
        PROPORTION = "proportion", _("Proportion (numerator out of denominator)")
        RATE = "rate", _("Rate per N (events per N units of exposure)")
        COUNT = "count", _("Count of events")
        CONTINUOUS = "continuous", _("Continuous value (for example days, mmHg)")
        TIME_BETWEEN = "time_between", _("Days between rare events")
        CASES_BETWEEN = "cases_between", _("Cases between rare events")

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")

    class Category(models.TextChoices):
        CORE = "core", _("Core")
        OPTIONAL = "optional", _("Optional")
        BALANCING = "balancing", _("Balancing")

    class Chart(models.TextChoices):
        RUN = "run", _("Run chart")
        P = "p", _("P chart (proportions)")
        PP = "pp", _("P′ chart (Laney, large denominators)")
        U = "u", _("U chart (rates)")
        UP = "up", _("U′ chart (Laney, large denominators)")
        C = "c", _("C chart (counts)")
        I = "i", _("I chart (individual values)")  # noqa: E741 - the chart's own name
        T = "t", _("T chart (time between rare events)")
        G = "g", _("G chart (cases between rare events)")

    # The chart that suits each kind when the host does not choose one.
    DEFAULT_CHART = {
        Kind.PROPORTION: Chart.P,
        Kind.RATE: Chart.U,
        Kind.COUNT: Chart.C,
        Kind.CONTINUOUS: Chart.I,
        Kind.TIME_BETWEEN: Chart.T,
        Kind.CASES_BETWEEN: Chart.G,
    }
    KINDS_WITH_DENOMINATOR = {Kind.PROPORTION, Kind.RATE}

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="metrics"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team's own metric"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_metrics",
        help_text=_("Empty for the collaborative's shared metrics."),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    conceptual_definition = models.TextField(
        _("conceptual definition"), help_text=_("What the metric means, in plain words.")
    )
    operational_definition = models.TextField(
        _("operational definition"),
        blank=True,
        help_text=_("Exactly how it is measured, so every team counts the same way."),
    )
    numerator = models.TextField(_("numerator"), blank=True)
    denominator = models.TextField(_("denominator"), blank=True)
    inclusions = models.TextField(_("inclusions"), blank=True)
    exclusions = models.TextField(_("exclusions"), blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    sampling = models.TextField(_("sampling approach"), blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    rate_per = models.PositiveIntegerField(
        _("rate per"),
        null=True,
        blank=True,
        help_text=_("For rates: events per this many units, for example 1000 patient-days."),
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction of improvement"), max_length=8, choices=Direction.choices
    )
    goal = models.DecimalField(
        _("goal"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("For proportions, a percentage such as 70."),
    )
    goal_date = models.DateField(_("goal date"), null=True, blank=True)
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.CORE
    )
    is_required = models.BooleanField(_("every team must report it"), default=True)
    changes_measured = models.TextField(
        _("notes on the changes it measures"),
        blank=True,
        help_text=_("Changes not in the change package yet, or how the metric reflects them."),
    )
    chart = models.CharField(
        _("default chart"),
        max_length=8,
        choices=Chart.choices,
        blank=True,
        help_text=_("Left empty, the usual chart for the type is used."),
    )
    stratification = models.ForeignKey(
        "Stratification",
        verbose_name=_("reported by strata"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="metrics",
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "short_name"],
                condition=Q(deleted_at__isnull=True, team__isnull=True),
                name="unique_shared_metric_short_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id

    @property
    def has_denominator(self) -> bool:
        return self.kind in self.KINDS_WITH_DENOMINATOR

    @property
    def multiplier(self) -> int:
        """What a raw ratio is multiplied by for display: 100 for a percentage."""
        if self.kind == self.Kind.PROPORTION:
            return 100
        if self.kind == self.Kind.RATE:
            return self.rate_per or 1
        return 1

    def clean(self) -> None:
        if self.kind == self.Kind.RATE and not self.rate_per:
            raise ValidationError({"rate_per": _("Say per how many units the rate is counted.")})
        if self.has_denominator and not self.denominator:
            raise ValidationError({"denominator": _("Describe what the denominator counts.")})
        if (
            self.kind == self.Kind.PROPORTION
            and self.goal is not None
            and not 0 <= self.goal <= 100
        ):
            raise ValidationError({"goal": _("A proportion's goal is a percentage, 0 to 100.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.chart and self.kind:
            self.chart = self.DEFAULT_CHART[self.Kind(self.kind)]
        super().save(*args, **kwargs)

    def copy_to(self, collaborative: Collaborative) -> Metric:
        """A fresh copy of this definition in another collaborative."""
        fields = {
            f.name: getattr(self, f.name)
            for f in self._meta.concrete_fields
            if f.name
            not in {
                "id",
                "collaborative",
                "team",
                "stratification",
                "created_at",
                "version",
                "deleted_at",
                "deleted_by",
                "position",
            }
        }
        position = collaborative.metrics.count()
        return Metric.objects.create(collaborative=collaborative, position=position, **fields)


class Stratification(AuditedModel, SoftDeletable):
    """A way of splitting a metric's population, such as age group or payer."""

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="stratifications"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("stratification")
        verbose_name_plural = _("stratifications")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id


class Stratum(AuditedModel):
    """One group of a stratification. The strata of a metric add up to its total."""

    stratification = models.ForeignKey(
        Stratification, on_delete=models.CASCADE, related_name="strata"
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("stratum")
        verbose_name_plural = _("strata")
        constraints = [
            models.UniqueConstraint(fields=["stratification", "name"], name="unique_stratum")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.stratification.collaborative_id


class ReportingSchedule(AuditedModel):
    """When teams report: how often, by which day, with how much grace."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        WEEKLY = "weekly", _("Weekly (for a 100-day collaborative)")

    class TrialRule(models.TextChoices):
        OFF = "off", _("No trial run")
        OFFERED = "offered", _("Teams may send a trial run of five records for review")
        REQUIRED = (
            "required",
            _("Each team's trial run must be accepted before routine reporting starts"),
        )

    collaborative = models.OneToOneField(
        Collaborative, on_delete=models.CASCADE, related_name="schedule"
    )
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    first_period_on = models.DateField(
        _("first period starts"),
        help_text=_("Start baseline periods before the collaborative if teams report history."),
    )
    baseline_periods = models.PositiveIntegerField(
        _("baseline periods"),
        default=6,
        help_text=_("How many periods from the first one form the baseline."),
    )
    due_days = models.PositiveIntegerField(
        _("due after the period ends (days)"),
        default=10,
        help_text=_("For example 10: September's data is due on 10 October."),
    )
    grace_days = models.PositiveIntegerField(
        _("grace days"),
        default=5,
        help_text=_("Reports after the due date but within the grace days are not yet late."),
    )
    trial_run = models.CharField(
        _("trial run"),
        max_length=8,
        choices=TrialRule.choices,
        default=TrialRule.OFFERED,
        help_text=_(
            "Five records collected the way the metrics define them show early whether the "
            "definitions, forms and timetable work."
        ),
    )

    class Meta:
        verbose_name = _("reporting schedule")
        verbose_name_plural = _("reporting schedules")

    def __str__(self) -> str:
        return f"{self.collaborative}: {self.get_frequency_display()}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id

    def period_bounds(self) -> list[tuple[date, date]]:
        """Start and end of every period from the first one to the collaborative's end."""
        bounds = []
        start = self.first_period_on
        if self.frequency == self.Frequency.MONTHLY:
            start = start.replace(day=1)
        last = self.collaborative.end_on
        while start <= last:
            if self.frequency == self.Frequency.MONTHLY:
                days = calendar.monthrange(start.year, start.month)[1]
                end = start.replace(day=days)
            else:
                end = start + timedelta(days=6)
            bounds.append((start, end))
            start = end + timedelta(days=1)
        return bounds

    @transaction.atomic
    def sync_periods(self) -> None:
        """Create the periods the schedule implies; keep earlier ones that hold data."""
        wanted = self.period_bounds()
        existing = {p.starts_on: p for p in self.collaborative.periods.all()}
        for index, (starts_on, ends_on) in enumerate(wanted):
            fields = {
                "ends_on": ends_on,
                "due_on": ends_on + timedelta(days=self.due_days),
                "is_baseline": index < self.baseline_periods,
            }
            period = existing.pop(starts_on, None)
            if period is None:
                ReportingPeriod.objects.create(
                    collaborative=self.collaborative, starts_on=starts_on, **fields
                )
            elif any(getattr(period, k) != v for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(period, key, value)
                period.save(update_fields=list(fields))
        for leftover in existing.values():
            if not leftover.values.exists():
                leftover.delete()


class ReportingPeriod(AuditedModel):
    """One month (or week) that teams report on."""

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="periods"
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    due_on = models.DateField(_("due"))
    is_baseline = models.BooleanField(_("baseline"), default=False)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "starts_on"], name="unique_period")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id

    @cached_property  # asked for by every chart row of the period
    def label(self) -> str:
        from django.utils.formats import date_format

        if (self.ends_on - self.starts_on).days > 7:
            return date_format(self.starts_on, "YEAR_MONTH_FORMAT")
        return date_format(self.starts_on, "SHORT_DATE_FORMAT")

    def late_after(self, schedule: ReportingSchedule) -> date:
        return self.due_on + timedelta(days=schedule.grace_days)


class Value(AuditedModel):
    """A team's raw figures for one metric, period and (optionally) stratum.

    Kept as numerator and denominator, never as a computed percentage.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="values")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="values")
    stratum = models.ForeignKey(
        Stratum, on_delete=models.PROTECT, null=True, blank=True, related_name="values"
    )
    numerator = models.DecimalField(
        _("numerator or value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_excluded = models.BooleanField(_("excluded from the chart's calculations"), default=False)
    exclusion_reason = models.CharField(_("why excluded"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "metric", "period"],
                condition=Q(stratum__isnull=True),
                name="one_total_value",
            ),
            models.UniqueConstraint(
                fields=["team", "metric", "period", "stratum"],
                condition=Q(stratum__isnull=False),
                name="one_stratum_value",
            ),
            models.CheckConstraint(
                condition=Q(numerator__gte=0) | Q(numerator__isnull=True),
                name="value_numerator_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(denominator__gte=0) | Q(denominator__isnull=True),
                name="value_denominator_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["metric", "period"], name="value_by_metric_period")]

    def __str__(self) -> str:
        return f"{self.team} · {self.metric.short_name} · {self.period}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.metric.collaborative_id

    @transaction.atomic
    def revise(self, by: Any, reason: str, **fields: Any) -> Value:
        """Change the figures, keeping the previous ones as a revision."""
        self.as_revision(by, reason).save()
        for key, value in fields.items():
            setattr(self, key, value)
        self.updated_by = by
        self.updated_at = timezone.now()
        self.version += 1
        self.save()
        return self

    def as_revision(self, by: Any, reason: str, at: Any = None) -> ValueRevision:
        """The value as it stands, as an unsaved revision replaced by ``by`` (now, or ``at``)."""
        return ValueRevision(
            value=self,
            numerator=self.numerator,
            denominator=self.denominator,
            note=self.note,
            is_excluded=self.is_excluded,
            exclusion_reason=self.exclusion_reason,
            recorded_by=self.updated_by,
            recorded_at=self.updated_at,
            replaced_by=by,
            replaced_at=at or timezone.now(),
            reason=reason,
        )


class ValueRevision(models.Model):
    """An earlier version of a value: what it was, who entered it, who changed it and why."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="revisions")
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    is_excluded = models.BooleanField(default=False)
    exclusion_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    replaced_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)

    class Meta:
        ordering = ["-replaced_at"]
        verbose_name = _("value revision")
        verbose_name_plural = _("value revisions")

    def __str__(self) -> str:
        return f"{self.value} (before {self.replaced_at:%Y-%m-%d})"


class Report(AuditedModel):
    """A team's monthly report: the narrative beside the numbers. Submitting locks the period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    changes_tested = models.TextField(_("changes tested this period"), blank=True)
    improvements = models.TextField(_("improvements seen"), blank=True)
    challenges = models.TextField(_("challenges and barriers"), blank=True)
    unintended_consequences = models.TextField(_("unintended consequences"), blank=True)
    support_requested = models.TextField(_("support requested"), blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_late = models.BooleanField(_("late"), default=False)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    NARRATIVE = [
        "changes_tested",
        "improvements",
        "challenges",
        "unintended_consequences",
        "support_requested",
    ]

    class Meta:
        ordering = ["period__starts_on"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["team", "period"], name="one_report_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.period}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.team.collaborative_id

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def submit(self, by: Any, schedule: ReportingSchedule | None) -> None:
        now = timezone.now()
        late_after = self.period.late_after(schedule) if schedule else None
        self.status = self.Status.SUBMITTED
        self.submitted_at = now
        self.submitted_by = by
        self.is_late = late_after is not None and timezone.localdate(now) > late_after
        self.save()

    def reopen(self, by: Any) -> None:
        self.status = self.Status.DRAFT
        self.reopened_at = timezone.now()
        self.reopened_by = by
        self.save()


class ReportRevision(models.Model):
    """The narrative as it was before an edit."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    narrative = models.JSONField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at"]
        verbose_name = _("report revision")
        verbose_name_plural = _("report revisions")

    def __str__(self) -> str:
        return f"{self.report} (before {self.replaced_at:%Y-%m-%d})"


class Feedback(AuditedModel, SoftDeletable):
    """A coach's or faculty member's comment on a team's submitted report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("feedback"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.report}: {self.text[:40]}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.report.team.collaborative_id


class ProgressScore(AuditedModel):
    """A month's rating on IHI's collaborative assessment scale, by the team or by its coach.

    The team rates itself with its monthly report; the coach (or faculty, or a host) gives
    a rating of their own. Changes are kept in the audit log, with the score before and after.
    """

    class Rater(models.TextChoices):
        TEAM = "team", _("team")
        COACH = "coach", _("coach")

    # The scale's steps: its name, and what a team at that step has done, in our words.
    SCALE = [
        ("0.5", _("Intent to participate"), _("The team has said it will take part.")),
        (
            "1.0",
            _("Forming team"),
            _("Team formed, aim chosen, population and baseline measures being set up."),
        ),
        (
            "1.5",
            _("Planning has begun"),
            _("The team is organised, knows what it will measure and has a first plan."),
        ),
        (
            "2.0",
            _("Activity, but no changes"),
            _("The team is studying and discussing, but has not tested a change yet."),
        ),
        (
            "2.5",
            _("Changes tested, no improvement yet"),
            _("PDSA cycles are under way and data are reported; the measures have not moved."),
        ),
        (
            "3.0",
            _("Modest improvement"),
            _("First cycles done, changes being put in place, process measures improving."),
        ),
        (
            "3.5",
            _("Improvement"),
            _("Outcome measures improving too; changes tested across the change package."),
        ),
        (
            "4.0",
            _("Significant improvement"),
            _("Most changes in place; sustained gains in outcomes; about half the goals met."),
        ),
        (
            "4.5",
            _("Sustainable improvement"),
            _("Gains sustained; about three quarters of the goals met; spread has begun."),
        ),
        (
            "5.0",
            _("Outstanding sustainable results"),
            _("Every goal met, results held, and the changes spreading to others."),
        ),
    ]
    SCORE_CHOICES = [(Decimal(score), score) for score, _name, _what in SCALE]

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="progress_scores")
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="progress_scores"
    )
    rater = models.CharField(_("rated by"), max_length=8, choices=Rater.choices)
    score = models.DecimalField(
        _("progress score"), max_digits=2, decimal_places=1, choices=SCORE_CHOICES
    )
    note = models.TextField(_("why this score"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scored_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["period__starts_on", "rater"]
        verbose_name = _("progress score")
        verbose_name_plural = _("progress scores")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "period", "rater"], name="one_progress_score_per_rater"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.period} · {self.rater}: {self.score}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.team.collaborative_id

    @property
    def name(self) -> str:
        return self.name_of(self.score)

    @classmethod
    def name_of(cls, score: Any) -> str:
        wanted = f"{float(score):.1f}"
        return next((str(name) for value, name, _what in cls.SCALE if value == wanted), "")


class TrialRun(AuditedModel):
    """A team's first five records, collected by the metrics' definitions, for a host to review.

    The trial tests the process (definitions, forms, timetable) before routine reporting.
    The team saves drafts, then submits; a host accepts it, or returns it with a comment
    and the team tries again. A host may also excuse a team. Every review is kept.
    """

    RECORDS = 5

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        RETURNED = "returned", _("Returned to the team")
        ACCEPTED = "accepted", _("Accepted")
        EXCUSED = "excused", _("Excused")

    # Routine reporting is open once the trial is in one of these states.
    DONE = frozenset({Status.ACCEPTED, Status.EXCUSED})

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="trial_run")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    questions = models.TextField(
        _("questions and problems"),
        blank=True,
        help_text=_(
            "What was unclear in the definitions, hard to find in the records, or slow to "
            "collect? The host reads this with the records."
        ),
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("trial run")
        verbose_name_plural = _("trial runs")

    def __str__(self) -> str:
        return f"{self.team} · {self.get_status_display()}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.team.collaborative_id

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE

    @property
    def is_editable(self) -> bool:
        """The team may change it: a draft, or returned for another try."""
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class TrialRecord(models.Model):
    """One of the trial's five records, known by a reference that is never a name."""

    trial = models.ForeignKey(TrialRun, on_delete=models.CASCADE, related_name="records")
    position = models.PositiveSmallIntegerField()
    reference = models.CharField(_("record reference"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("trial record")
        verbose_name_plural = _("trial records")
        constraints = [
            models.UniqueConstraint(fields=["trial", "position"], name="one_trial_record_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.trial_id} #{self.position}: {self.reference}"


class TrialAnswer(models.Model):
    """What one trial record gives for one metric.

    For a proportion, the numerator and denominator are 0 or 1: is the record in the
    denominator, and does it meet the numerator? For a rate they are the record's events and
    exposure; for the other kinds the numerator holds the record's value.
    """

    record = models.ForeignKey(TrialRecord, on_delete=models.CASCADE, related_name="answers")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="trial_answers")
    stratum = models.ForeignKey(
        Stratum, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("trial answer")
        verbose_name_plural = _("trial answers")
        constraints = [
            models.UniqueConstraint(fields=["record", "metric"], name="one_trial_answer_per_metric")
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.metric_id}"


class TrialReview(models.Model):
    """A host's decision on a trial run: kept, so the conversation with the team is not lost."""

    class Decision(models.TextChoices):
        ACCEPT = "accepted", _("Accept")
        RETURN = "returned", _("Return to the team")
        EXCUSE = "excused", _("Excuse the team from the trial run")

    trial = models.ForeignKey(TrialRun, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment to the team"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    # The records as the reviewer read them: the team may change them after a return.
    records = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        verbose_name = _("trial review")
        verbose_name_plural = _("trial reviews")

    def __str__(self) -> str:
        return f"{self.trial} · {self.decision}"

    @property
    def outcome(self) -> str:
        """The decision as it reads afterwards: "Accepted", not "Accept"."""
        return str(TrialRun.Status(self.decision).label)
