"""Figures and reports: what teams send, with every earlier version kept."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convene.collaboratives.audit import AuditedModel
from convene.collaboratives.models import Team
from convene.lib.softdelete import SoftDeletable
from convene.measures.models import (
    Metric,
    ReportingPeriod,
    ReportingSchedule,
    Stratum,
)
from convene.measures.owed import OWED, owes


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
        db_table = "measures_value"  # born in measures: the table keeps its name
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
        self.save(update_fields=[*fields, "updated_by", "updated_at", "version"])
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
        db_table = "measures_valuerevision"  # born in measures: the table keeps its name
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
        db_table = "measures_report"  # born in measures: the table keeps its name
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
        # Late by the collaborative's calendar, wherever the person submitting is; history
        # asked of a team that joined later is never late, whenever it comes.
        owed = owes(self.team, self.period) == OWED
        on = self.team.collaborative.local(now).date()
        self.is_late = owed and late_after is not None and on > late_after
        self._save_fields(["status", "submitted_at", "submitted_by", "is_late"])

    def reopen(self, by: Any) -> None:
        self.status = self.Status.DRAFT
        self.reopened_at = timezone.now()
        self.reopened_by = by
        self._save_fields(["status", "reopened_at", "reopened_by"])

    def _save_fields(self, fields: list[str]) -> None:
        """Save only ``fields`` (and the time), so a colleague's change to the rest stays."""
        if self._state.adding:
            self.save()
        else:
            self.save(update_fields=[*fields, "updated_at"])


class ReportRevision(models.Model):
    """The narrative as it was before an edit."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    narrative = models.JSONField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "measures_reportrevision"  # born in measures: the table keeps its name
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
        db_table = "measures_feedback"  # born in measures: the table keeps its name
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
    a rating of their own. Every change keeps the score it replaced as a revision (and in the
    audit log, with the score before and after).
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
        db_table = "measures_progressscore"  # born in measures: the table keeps its name
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


class ProgressScoreRevision(models.Model):
    """A progress score as it was before a change: the score, its note, who gave it and when,
    and who replaced it."""

    progress_score = models.ForeignKey(
        ProgressScore, on_delete=models.CASCADE, related_name="revisions"
    )
    score = models.DecimalField(max_digits=2, decimal_places=1)
    note = models.TextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scored_at = models.DateTimeField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-pk"]
        verbose_name = _("progress score revision")
        verbose_name_plural = _("progress score revisions")

    def __str__(self) -> str:
        return f"{self.progress_score} (before {self.replaced_at:%Y-%m-%d})"

    @property
    def name(self) -> str:
        return ProgressScore.name_of(self.score)
