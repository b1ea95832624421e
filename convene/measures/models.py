from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

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
    # What defines a metric, in the order a reader takes it in: the metric form edits these
    # (with the collaborative's own strata and key changes), the team's spreadsheet lists
    # them, and a copy carries them to another collaborative.
    DEFINITION_FIELDS = (
        "short_name",
        "name",
        "kind",
        "rate_per",
        "unit",
        "direction",
        "goal",
        "goal_date",
        "category",
        "is_required",
        "conceptual_definition",
        "operational_definition",
        "numerator",
        "denominator",
        "inclusions",
        "exclusions",
        "data_source",
        "sampling",
        "changes_measured",
        "chart",
    )

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

    def definition(self) -> dict[str, Any]:
        """The definition's fields and values, to start another metric from."""
        return {name: getattr(self, name) for name in self.DEFINITION_FIELDS}

    def copy_to(self, collaborative: Collaborative) -> Metric:
        """A fresh copy of this definition in another collaborative."""
        position = collaborative.metrics.count()
        return Metric.objects.create(
            collaborative=collaborative, position=position, **self.definition()
        )


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
    remind_days_before = models.PositiveIntegerField(
        _("reminder before the due date (days)"),
        default=3,
        help_text=_(
            "How many days before a report is due its team's data lead is reminded. "
            "0 sends no reminder before the due date."
        ),
    )
    escalate_after_days = models.PositiveIntegerField(
        _("coach told after (days)"),
        default=7,
        help_text=_(
            "When a report is late (after the due date and the grace days), the data lead and "
            "the change leader are reminded at once; if it is still missing this many days "
            "later, they are reminded again and the team's coach is told too."
        ),
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
    version = models.PositiveIntegerField(default=1, editable=False)

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


class ChartPhase(AuditedModel, SoftDeletable):
    """A new phase of a chart from a period on: its centre and limits are computed afresh there.

    A team's chart of a metric (``team`` set), or the collaborative's roll-up of a shared
    metric (``team`` empty). After a sustained shift the old limits no longer describe the
    process; the phase says from when, and why. Removing one is a soft delete, so the host
    can restore it from Deleted items; every change bumps ``version``, so the phases of a
    chart as a whole have a version too (``version_of_chart``) that the add form carries.
    """

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="chart_phases"
    )
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="phases")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="chart_phases"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("starts in"),
        on_delete=models.CASCADE,
        related_name="chart_phases",
    )
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["period__starts_on", "pk"]
        verbose_name = _("chart phase")
        verbose_name_plural = _("chart phases")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "team", "period"],
                condition=Q(deleted_at__isnull=True),
                name="unique_live_chart_phase",
            ),
        ]

    def __str__(self) -> str:
        return _("Phase from %(period)s: %(reason)s") % {
            "period": self.period.label,
            "reason": self.reason,
        }

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id

    @classmethod
    def of_chart(cls, metric: Metric, team: Team | None) -> models.QuerySet[ChartPhase]:
        phases = cls.objects.filter(metric=metric)
        return phases.filter(team=team) if team else phases.filter(team__isnull=True)

    @classmethod
    def version_of_chart(cls, metric: Metric, team: Team | None) -> int:
        """The phases of one chart as read: every add, removal and restore raises it."""
        rows = cls.all_objects.filter(metric=metric)
        rows = rows.filter(team=team) if team else rows.filter(team__isnull=True)
        return int(rows.aggregate(total=models.Sum("version"))["total"] or 0)

    @classmethod
    def start(
        cls, metric: Metric, team: Team | None, period: ReportingPeriod, reason: str, version: int
    ) -> ChartPhase | None:
        """A new phase from ``period``; None when the chart's phases changed since
        ``version`` was read (someone added, removed or restored one), or one starts there."""
        with transaction.atomic():
            # One writer of a chart's phases at a time: the metric's row is the lock.
            Metric.all_objects.select_for_update().filter(pk=metric.pk).first()
            if cls.version_of_chart(metric, team) != version:
                return None
            if cls.of_chart(metric, team).filter(period=period).exists():
                return None
            return cls.objects.create(
                collaborative_id=metric.collaborative_id,
                metric=metric,
                team=team,
                period=period,
                reason=reason,
            )

    def remove(self, by: Any, version: int) -> bool:
        """Soft-delete the phase, unless it changed since ``version`` was read."""
        with transaction.atomic():
            stored = ChartPhase.all_objects.select_for_update().filter(pk=self.pk).first()
            if stored is None or stored.version != version or stored.is_deleted:
                return False
            self.soft_delete(by)
        return True

    def soft_delete(self, by: Any) -> None:
        self.version += 1
        self.deleted_at = timezone.now()
        self.deleted_by = by
        self.save(update_fields=["deleted_at", "deleted_by", "version"])

    def restore(self) -> None:
        self.version += 1
        self.deleted_at = None
        self.deleted_by = None
        self.save(update_fields=["deleted_at", "deleted_by", "version"])
